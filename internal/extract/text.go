package extract

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/foidesk/foidesk/internal/lazyre"
)

// text bounds.
const (
	textMaxLineRunes = 4096
	textMaxCols      = 64
)

// textSeg is a run of text on one line of a plain-text table.
type textSeg struct {
	start, end int // rune columns, end exclusive
	text       string
}

// textLine is one line of a plain-text body, split into segments.
type textLine struct {
	no   int // 1-based line number in the body
	raw  string
	segs []textSeg
	rule bool // a line of dashes, equals signs or pipes only
	pipe bool // a "| a | b |" row
}

var ruleRE = lazyre.New(`^[\s\-=_+|:~*.]+$`)

// splitSegments cuts a line at tabs and at runs of two or more spaces,
// keeping the rune columns of each segment (tabs expanded to stops of 8).
func splitSegments(line string) []textSeg {
	var segs []textSeg
	col := 0
	start := -1
	var cur strings.Builder
	spaces := 0
	flush := func(end int) {
		if start >= 0 {
			segs = append(segs, textSeg{start: start, end: end, text: NormaliseSpace(cur.String())})
		}
		start = -1
		cur.Reset()
	}
	for _, r := range line {
		switch {
		case r == '\t':
			flush(col - spaces)
			spaces = 0
			col = (col/8 + 1) * 8
			continue
		case r == ' ' || r == '\u00a0':
			spaces++
			if spaces == 2 {
				flush(col - 1)
			}
			if start >= 0 {
				cur.WriteRune(' ')
			}
		default:
			if start < 0 {
				start = col
			}
			spaces = 0
			cur.WriteRune(r)
		}
		col++
	}
	flush(col - spaces)
	return segs
}

// splitPipes cuts a "| a | b |" line at its pipes.
func splitPipes(line string) []textSeg {
	var segs []textSeg
	parts := strings.Split(strings.TrimSpace(line), "|")
	col := 0
	for i, p := range parts {
		if (i == 0 || i == len(parts)-1) && strings.TrimSpace(p) == "" {
			col += utf8.RuneCountInString(p) + 1
			continue
		}
		n := utf8.RuneCountInString(p)
		segs = append(segs, textSeg{start: col, end: col + n, text: NormaliseSpace(p)})
		col += n + 1
	}
	return segs
}

var quoteRE = lazyre.New(`^(?:>\s?)+`)

// extractText finds whitespace-aligned (or pipe-separated) tables in a
// plain-text body such as an email.
func extractText(ctx context.Context, data []byte, o *Options) ([]*Table, error) {
	dec := decodeText(data)
	if dec.binary {
		return nil, &Error{Format: "text", Err: fmt.Errorf("%w: binary content", ErrUnsupported)}
	}
	raw := strings.Split(strings.ReplaceAll(dec.s, "\r\n", "\n"), "\n")
	lines := make([]textLine, len(raw))
	for i, l := range raw {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, &Error{Format: "text", Err: err}
			}
		}
		l = strings.TrimRight(quoteRE.ReplaceAllString(strings.TrimRight(l, "\r"), ""), " \t")
		if utf8.RuneCountInString(l) > textMaxLineRunes {
			l = string([]rune(l)[:textMaxLineRunes])
		}
		tl := textLine{no: i + 1, raw: l}
		trim := strings.TrimSpace(l)
		switch {
		case trim == "":
		case ruleRE.MatchString(trim) && strings.ContainsAny(trim, "-=_"):
			tl.rule = true
		case strings.HasPrefix(trim, "|") && strings.Count(trim, "|") >= 2:
			tl.pipe = true
			tl.segs = splitPipes(l)
		default:
			tl.segs = splitSegments(l)
		}
		lines[i] = tl
	}
	var ts []*Table
	budget := maxCells(o)
	for i := 0; i < len(lines); {
		if len(lines[i].segs) < 2 {
			i++
			continue
		}
		j := i
		multi := 0
		for j < len(lines) && (lines[j].rule || len(lines[j].segs) >= 2 && lines[j].pipe == lines[i].pipe) {
			if len(lines[j].segs) >= 2 {
				multi++
			}
			j++
		}
		for j > i && lines[j-1].rule {
			j--
		}
		if multi >= 2 {
			if t := textTable(lines, i, j); t != nil {
				budget -= t.NumRows() * t.NumCols()
				if budget < 0 {
					return nil, &Error{Format: "text", Err: fmt.Errorf("%w: tables too large", ErrTooLarge)}
				}
				ts = append(ts, t)
			}
		}
		i = j + 1
	}
	return ts, nil
}

// textTable lays out lines[i:j] as a table, or returns nil when they do not
// read as one.
func textTable(lines []textLine, i, j int) *Table {
	var body []textLine
	for _, l := range lines[i:j] {
		if !l.rule && len(l.segs) > 0 {
			body = append(body, l)
		}
	}
	// The reference lines: the most common segment count (the larger on a
	// tie) fixes the columns.
	counts := map[int]int{}
	for _, l := range body {
		counts[len(l.segs)]++
	}
	mode, modeN := 0, 0
	for n, k := range counts {
		if k > modeN || k == modeN && n > mode {
			mode, modeN = n, k
		}
	}
	if mode < 2 || mode > textMaxCols || modeN < 2 {
		return nil
	}
	type span struct{ lo, hi int }
	cols := make([]span, mode)
	for c := range cols {
		cols[c] = span{1 << 30, -1}
	}
	for _, l := range body {
		if len(l.segs) != mode {
			continue
		}
		for c, s := range l.segs {
			cols[c].lo, cols[c].hi = min(cols[c].lo, s.start), max(cols[c].hi, s.end)
		}
	}
	overlapping := false
	for c := 1; c < mode; c++ {
		if cols[c].lo < cols[c-1].hi {
			overlapping = true
		}
	}
	numeric := 0
	rows := make([][]Cell, 0, len(body))
	for r, l := range body {
		row := make([]Cell, mode)
		for c := range row {
			row[c].Ref = fmt.Sprintf("r%dc%d", r+1, c+1)
		}
		if len(l.segs) == mode || l.pipe {
			for c, s := range l.segs {
				if c < mode {
					row[c].Text = s.text
				}
			}
		} else {
			for _, s := range l.segs {
				best, bestOv := -1, -1<<30
				for c, cs := range cols {
					ov := min(s.end, cs.hi) - max(s.start, cs.lo)
					if ov > bestOv || ov == bestOv && ov > 0 {
						best, bestOv = c, ov
					}
				}
				if best < 0 {
					continue
				}
				if row[best].Text != "" {
					row[best].Text += " " + s.text
				} else {
					row[best].Text = s.text
				}
			}
		}
		for c := range row {
			if c > 0 && isDataValue(&row[c]) {
				numeric++
			}
		}
		rows = append(rows, row)
	}
	if numeric == 0 && mode < 3 {
		return nil // two columns of words: prose or a signature, not a table
	}
	if overlapping && !body[0].pipe {
		return nil
	}
	t := &Table{
		Source: Source{Format: "text"},
		Method: MethodText,
		Rows:   rows,
	}
	t.Reasons = append(t.Reasons, fmt.Sprintf("lines %d-%d of the text", body[0].no, body[len(body)-1].no))
	if modeN == len(body) {
		t.Confidence = baseConfidence(MethodText) + 0.1
	} else {
		t.Reasons = append(t.Reasons, fmt.Sprintf("%d of %d lines split into a different number of columns", len(body)-modeN, len(body)))
	}
	// A rule under the first lines marks the header.
	for k := i; k < j; k++ {
		if lines[k].rule {
			h := 0
			for _, l := range body {
				if l.no < lines[k].no {
					h++
				}
			}
			if h > 0 && h < len(rows) {
				t.HeaderRows = h
			}
			break
		}
	}
	// Title: the nearest line above, across at most one blank line.
	for k := i - 1; k >= 0 && k >= i-2; k-- {
		s := strings.TrimSpace(lines[k].raw)
		if s == "" || lines[k].rule {
			continue
		}
		if len(lines[k].segs) <= 1 && utf8.RuneCountInString(s) <= 200 && !endsSentence(s) && !isNoteText(s) {
			t.Title = NormaliseSpace(s)
		}
		break
	}
	// Notes: note-like lines just below.
	blank := 0
	for k := j; k < len(lines) && len(t.Notes) < 8; k++ {
		s := strings.TrimSpace(lines[k].raw)
		if s == "" || lines[k].rule {
			blank++
			if blank > 1 && len(t.Notes) > 0 || blank > 2 {
				break
			}
			continue
		}
		if !isNoteText(s) {
			break
		}
		t.Notes = append(t.Notes, NormaliseSpace(s))
	}
	return t
}

// endsSentence reports whether a line reads as the end of prose rather than
// a heading: it ends with a full stop and is long.
func endsSentence(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r == '.' && len(strings.Fields(s)) > 12 || unicode.IsLower(r) && len(strings.Fields(s)) > 15
}
