package bench

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/foidesk/foidesk/internal/extract"
)

// Expected is one table of an expected CSV file.
type Expected struct {
	Title string
	Notes []string
	Rows  [][]string
}

// ReadExpected parses an expected CSV: tables begin at "# table" lines,
// "# title:" and "# note:" lines describe them, other "#" lines and blank
// lines are ignored, the rest are CSV records.
func ReadExpected(r io.Reader) ([]*Expected, error) {
	var out []*Expected
	var cur *Expected
	var block strings.Builder
	flush := func() error {
		if cur == nil || block.Len() == 0 {
			return nil
		}
		cr := csv.NewReader(strings.NewReader(block.String()))
		cr.FieldsPerRecord = -1
		recs, err := cr.ReadAll()
		if err != nil {
			return fmt.Errorf("expected CSV: %w", err)
		}
		cur.Rows = append(cur.Rows, recs...)
		block.Reset()
		return nil
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "# table"):
			if err := flush(); err != nil {
				return nil, err
			}
			cur = &Expected{}
			out = append(out, cur)
		case strings.HasPrefix(line, "# title: "):
			if cur != nil {
				if cur.Title != "" {
					cur.Title += "\n"
				}
				cur.Title += strings.TrimPrefix(line, "# title: ")
			}
		case strings.HasPrefix(line, "# note: "):
			if cur != nil {
				cur.Notes = append(cur.Notes, strings.TrimPrefix(line, "# note: "))
			}
		case strings.HasPrefix(line, "#"), strings.TrimSpace(line) == "":
		default:
			if cur == nil {
				cur = &Expected{}
				out = append(out, cur)
			}
			block.WriteString(line)
			block.WriteByte('\n')
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return out, flush()
}

// Counts are cell-level match counts; non-empty cells only.
type Counts struct {
	TP, FP, FN int
	// Tables expected and found, titles expected and matched exactly.
	TablesWant, TablesGot, Titles, TitlesOK, Notes, NotesOK int
	// TablesMissed counts expected tables that share no cell with any
	// extracted table.
	TablesMissed int
}

// Add accumulates c2 into c.
func (c *Counts) Add(c2 Counts) {
	c.TP += c2.TP
	c.FP += c2.FP
	c.FN += c2.FN
	c.TablesWant += c2.TablesWant
	c.TablesGot += c2.TablesGot
	c.Titles += c2.Titles
	c.TitlesOK += c2.TitlesOK
	c.Notes += c2.Notes
	c.NotesOK += c2.NotesOK
	c.TablesMissed += c2.TablesMissed
}

// Precision returns TP/(TP+FP), 1 when nothing was found or expected.
func (c Counts) Precision() float64 {
	if c.TP+c.FP == 0 {
		return 1
	}
	return float64(c.TP) / float64(c.TP+c.FP)
}

// Recall returns TP/(TP+FN).
func (c Counts) Recall() float64 {
	if c.TP+c.FN == 0 {
		return 1
	}
	return float64(c.TP) / float64(c.TP+c.FN)
}

// F1 returns the harmonic mean of precision and recall.
func (c Counts) F1() float64 {
	p, r := c.Precision(), c.Recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// Normalizer maps a cell's text to the form compared.
type Normalizer func(string) string

// Collapse collapses white space: the strict comparison.
func Collapse(s string) string { return extract.NormaliseSpace(s) }

// Numeric collapses white space and writes numbers without thousands
// separators ("1,234" and "1 234" become "1234"; "12.50%" "12.5%").
func Numeric(s string) string {
	s = extract.NormaliseSpace(s)
	t := strings.TrimSuffix(s, "%")
	pct := len(t) < len(s)
	t = strings.NewReplacer(",", "", " ", "", "\u202f", "", "£", "").Replace(t)
	if v, err := strconv.ParseFloat(t, 64); err == nil {
		out := strconv.FormatFloat(v, 'f', -1, 64)
		if pct {
			out += "%"
		}
		return out
	}
	return s
}

// Score compares the extracted tables of one document with the expected
// ones. Each expected table is paired with the unpaired extracted table
// that shares most cells with it, allowing the grid to be shifted by up to
// three rows or columns (an extra title row costs its own cells, not every
// cell under it). Unpaired extracted tables are false positives entirely.
func Score(got []*extract.Table, want []*Expected, norm Normalizer) Counts {
	gotGrids := make([][][]string, len(got))
	for i, t := range got {
		gotGrids[i] = t.Strings()
	}
	return ScoreGrids(got, gotGrids, want, norm, true)
}

// ScoreGrids is Score on the given grids of the extracted tables (one per
// table, in order). With unpairedFP false, extracted tables paired with no
// expected table are not counted: the expected tables are a selection of
// the document's.
func ScoreGrids(got []*extract.Table, gotGrids [][][]string, want []*Expected, norm Normalizer, unpairedFP bool) Counts {
	var c Counts
	c.TablesWant, c.TablesGot = len(want), len(got)
	used := make([]bool, len(got))
	for _, w := range want {
		best, bestTP := -1, -1
		for i, g := range gotGrids {
			if used[i] {
				continue
			}
			if tp := matchCells(w.Rows, g, norm); tp > bestTP {
				best, bestTP = i, tp
			}
		}
		nw := nonEmpty(w.Rows)
		if w.Title != "" {
			c.Titles++
		}
		c.Notes += len(w.Notes)
		if best < 0 || bestTP == 0 {
			c.FN += nw
			c.TablesMissed++
			continue
		}
		used[best] = true
		c.TP += bestTP
		c.FN += nw - bestTP
		c.FP += nonEmpty(gotGrids[best]) - bestTP
		if w.Title != "" && Collapse(got[best].Title) == Collapse(w.Title) {
			c.TitlesOK++
		}
		for k, n := range w.Notes {
			if k < len(got[best].Notes) && Collapse(got[best].Notes[k]) == Collapse(n) {
				c.NotesOK++
			}
		}
	}
	for i, g := range gotGrids {
		if !used[i] && unpairedFP {
			c.FP += nonEmpty(g)
		}
	}
	return c
}

func nonEmpty(g [][]string) int {
	n := 0
	for _, r := range g {
		for _, v := range r {
			if Collapse(v) != "" {
				n++
			}
		}
	}
	return n
}

// matchCells counts the non-empty expected cells found at the same place in
// got, under the best shift of up to three rows and columns.
func matchCells(want, got [][]string, norm Normalizer) int {
	best := 0
	for dr := -3; dr <= 3; dr++ {
		for dc := -3; dc <= 3; dc++ {
			n := 0
			for i, row := range want {
				gi := i + dr
				if gi < 0 || gi >= len(got) {
					continue
				}
				for j, v := range row {
					gj := j + dc
					if gj < 0 || gj >= len(got[gi]) {
						continue
					}
					if nv := norm(v); nv != "" && nv == norm(got[gi][gj]) {
						n++
					}
				}
			}
			best = max(best, n)
		}
	}
	return best
}
