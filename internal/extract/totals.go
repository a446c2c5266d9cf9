package extract

// The totals self-check: Total rows and columns against the sum of their
// parts. Which labels name a total, and how closely a total must match its
// parts, is package totals' (the leading rule and the Shown tolerance).

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/foidesk/foidesk/internal/totals"
)

// isTotalLabel reports whether a row or column label names a total:
// "Total", "Grand total", "Totals", "All", "All offences", "Overall".
func isTotalLabel(s string) bool {
	return totals.Leading(NormaliseSpace(s))
}

// isTotalRow reports whether the row's label names a total.
func isTotalRow(row []Cell, stub int) bool {
	for j := 0; j < stub && j < len(row); j++ {
		if s := strings.TrimSpace(row[j].Text); s != "" {
			return isTotalLabel(s)
		}
	}
	return false
}

// rowLabel returns the text of the row's stub cells joined.
func rowLabel(row []Cell, stub int) string {
	var parts []string
	for j := 0; j < stub && j < len(row); j++ {
		if s := strings.TrimSpace(row[j].Text); s != "" && (j == 0 || row[j].Text != row[j-1].Text) {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " ")
}

// addPart adds a cell to the parts of a total: a figure (not a percentage),
// or a suppression marker, which hides a part ("<5" of at most 4, "*" of
// any size). A nil marker ("-") and a blank add nothing.
func addPart(p *totals.Parts, c *Cell) {
	t := strings.TrimSpace(c.Text)
	if t == "" || c.Covered {
		return
	}
	if v, ok := cellNumber(c); ok && !v.Percent {
		p.Add(v.V, v.Decimals)
		return
	}
	if isSuppressed(t) {
		switch {
		case t == "-" || t == "–" || t == "—":
			// nil
		case strings.HasPrefix(t, "<") || strings.HasPrefix(t, "≤"):
			k, _ := strconv.Atoi(strings.TrimSpace(strings.TrimLeft(t, "<≤")))
			if strings.HasPrefix(t, "<") {
				k--
			}
			p.AddHidden(float64(max(k, 0)))
		default:
			p.AddHidden(math.Inf(1))
		}
	}
}

// bestVerdict is the best verdict of a total against the candidate part
// sets that have a figure, or ok false when none has.
func bestVerdict(total numVal, sets ...*totals.Parts) (v totals.Verdict, ok bool) {
	best := -2
	for _, p := range sets {
		if p.Known > 0 {
			best = max(best, int(p.Check(total.V, total.Decimals, totals.Shown)))
		}
	}
	return totals.Verdict(best), best > -2
}

func cellRef(t *Table, i, j int) string {
	if cc := t.compact; cc != nil && i >= 0 && i < len(cc.idx) && j >= 0 && j < cc.w {
		return cc.ref(i, j)
	}
	if i < len(t.Rows) && j < len(t.Rows[i]) && t.Rows[i][j].Ref != "" {
		return t.Rows[i][j].Ref
	}
	return fmt.Sprintf("r%dc%d", i+1, j+1)
}

// totalsTally collects the outcome of a table's totals self-check.
type totalsTally struct {
	match, mismatch, bound int
	bad, good              []string
}

// count tallies one checked total: it reports whether the total equals its
// parts (the caller counts those per row or column), counts a bound, and
// records a mismatch with the reason mismatch gives.
func (tl *totalsTally) count(v totals.Verdict, mismatch func() string) (equal bool) {
	switch v {
	case totals.Equal:
		return true
	case totals.Bounded:
		tl.bound++
	case totals.Differs:
		tl.mismatch++
		tl.bad = append(tl.bad, mismatch())
	}
	return false
}

// checkTotals compares every Total row and Total column of t with the sum of
// its parts. Totals that match raise t.Confidence; one that does not lowers
// it, with a reason naming the cell. Parts hidden by suppression markers
// ("<5", "*") make a total only checkable as a bound.
func checkTotals(t *Table) {
	if t.NumRows() < t.HeaderRows+2 || t.NumCols() < 2 {
		return
	}
	stub := stubCols(t)
	var tally totalsTally
	checkTotalRows(t, stub, &tally)
	checkTotalCols(t, stub, &tally)
	tally.apply(t)
}

// checkTotalRows checks the body rows whose label names a total against the
// rows they may sum, column by column.
func checkTotalRows(t *Table, stub int, tally *totalsTally) {
	w := t.NumCols()
	body := t.HeaderRows
	isTotal := make([]bool, t.NumRows())
	var buf []Cell
	for i := body; i < t.NumRows(); i++ {
		buf = t.rowAt(i, buf)
		isTotal[i] = isTotalRow(buf, stub)
	}
	for i := body; i < t.NumRows(); i++ {
		if !isTotal[i] {
			continue
		}
		ok, checked := 0, 0
		for j := stub; j < w; j++ {
			cell, in := t.cellAt(i, j)
			if !in || cell.Covered {
				continue
			}
			tv, isNum := cellNumber(&cell)
			if !isNum || tv.Percent {
				continue
			}
			section, leaves, subtotals, below := totalRowParts(t, isTotal, i, j)
			best, found := bestVerdict(tv, &section, &leaves, &subtotals, &below)
			if !found {
				continue
			}
			checked++
			if tally.count(best, func() string {
				return fmt.Sprintf("total %s is %s but the rows above sum to %s", cellRef(t, i, j),
					cell.Text, fmtNum(section.Sum, section.Decimals))
			}) {
				ok++
			}
		}
		if ok > 0 {
			tally.match += ok
			tally.good = append(tally.good, fmt.Sprintf("total row %s (%q) equals the sum of its parts in %d of %d columns",
				cellRef(t, i, 0), rowLabel(t.rowAt(i, buf), stub), ok, checked))
		}
	}
}

// totalRowParts gathers the candidate parts of the total in row i, column
// j: this section (the rows since the previous total), all leaves above,
// the subtotals above, and the section below (a leading subtotal).
func totalRowParts(t *Table, isTotal []bool, i, j int) (section, leaves, subtotals, below totals.Parts) {
	body := t.HeaderRows
	sectionStart := body
	for k := i - 1; k >= body; k-- {
		if isTotal[k] {
			sectionStart = k + 1
			break
		}
	}
	for k := body; k < i; k++ {
		cell, in := t.cellAt(k, j)
		if !in {
			continue
		}
		c := &cell
		if isTotal[k] {
			addPart(&subtotals, c)
			continue
		}
		addPart(&leaves, c)
		if k >= sectionStart {
			addPart(&section, c)
		}
	}
	for k := i + 1; k < t.NumRows() && !isTotal[k]; k++ {
		if cell, in := t.cellAt(k, j); in {
			addPart(&below, &cell)
		}
	}
	return section, leaves, subtotals, below
}

// checkTotalCols checks the columns whose heading names a total against the
// columns to their left, row by row.
func checkTotalCols(t *Table, stub int, tally *totalsTally) {
	totalCols, skipCol := totalColumns(t, stub)
	prev := stub - 1
	for _, tc := range totalCols {
		ok, checked := 0, 0
		for i := max(t.HeaderRows, 1); i < t.NumRows(); i++ {
			cell, in := t.cellAt(i, tc)
			if !in {
				continue
			}
			tv, isNum := cellNumber(&cell)
			if !isNum || tv.Percent {
				continue
			}
			var section, all totals.Parts
			for j := stub; j < tc && j < t.width(i); j++ {
				if skipCol[j] || slices.Contains(totalCols, j) {
					continue
				}
				part, _ := t.cellAt(i, j)
				addPart(&all, &part)
				if j > prev {
					addPart(&section, &part)
				}
			}
			best, found := bestVerdict(tv, &section, &all)
			if !found {
				continue
			}
			checked++
			if tally.count(best, func() string {
				return fmt.Sprintf("total %s is %s but the columns to its left sum to %s", cellRef(t, i, tc),
					cell.Text, fmtNum(section.Sum, section.Decimals))
			}) {
				ok++
			}
		}
		prev = tc
		if ok > 0 {
			tally.match += ok
			tally.good = append(tally.good, fmt.Sprintf("total column %s (%q) equals the sum of its parts in %d of %d rows",
				cellRef(t, 0, tc), NormaliseSpace(t.Text(max(t.HeaderRows, 1)-1, tc)), ok, checked))
		}
	}
}

// totalColumns finds the columns a header cell names as totals, and the
// columns that are no parts of a total (rates, percentages, averages,
// changes).
func totalColumns(t *Table, stub int) (totalCols []int, skipCol []bool) {
	w := t.NumCols()
	hdr := max(t.HeaderRows, 1)
	for j := stub; j < w; j++ {
		for i := 0; i < hdr && i < t.NumRows(); i++ {
			if c, in := t.cellAt(i, j); in && !c.Covered && isTotalLabel(c.Text) {
				totalCols = append(totalCols, j)
				break
			}
		}
	}
	skipCol = make([]bool, w)
	for j := 0; j < w; j++ {
		for i := 0; i < hdr && i < t.NumRows(); i++ {
			if c, in := t.cellAt(i, j); in {
				h := strings.ToLower(c.Text)
				if strings.Contains(h, "%") || strings.Contains(h, "percent") || strings.Contains(h, "rate") ||
					strings.Contains(h, "per ") || strings.Contains(h, "change") || strings.Contains(h, "average") ||
					strings.Contains(h, "mean") || strings.Contains(h, "median") || strings.Contains(h, "proportion") {
					skipCol[j] = true
				}
			}
		}
	}
	return totalCols, skipCol
}

// apply adjusts t.Confidence and t.Reasons by the tally: a total that
// differs from its parts lowers the confidence, totals that match raise it.
func (tally *totalsTally) apply(t *Table) {
	bad := tally.bad
	switch {
	case tally.mismatch > 0:
		t.Confidence -= math.Min(0.45, 0.15+0.05*float64(tally.mismatch-1))
		if len(bad) > 5 {
			bad = append(bad[:5], fmt.Sprintf("and %d more totals that differ from their parts", len(bad)-5))
		}
		t.Reasons = append(t.Reasons, bad...)
		if tally.match > 0 {
			t.Reasons = append(t.Reasons, fmt.Sprintf("%d other totals equal the sum of their parts", tally.match))
		}
	case tally.match > 0:
		t.Confidence += (1 - t.Confidence) * 0.6
		t.Reasons = append(t.Reasons, tally.good...)
		if tally.bound > 0 {
			t.Reasons = append(t.Reasons, fmt.Sprintf("%d totals are consistent with their suppressed parts", tally.bound))
		}
	case tally.bound > 0:
		t.Confidence += (1 - t.Confidence) * 0.2
		t.Reasons = append(t.Reasons, fmt.Sprintf("%d totals are consistent with their suppressed parts", tally.bound))
	}
}
