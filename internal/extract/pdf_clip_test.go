package extract

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// helveticaWidth is the width at size of figures, commas and hyphens set
// in Helvetica (556, 278 and 333 thousandths of an em).
func helveticaWidth(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			w += 556
		case r == ',':
			w += 278
		case r == '-':
			w += 333
		}
	}
	return w * size / 1000
}

// TestPDFClippedSpreadsheetCells reads a table laid out as a spreadsheet
// prints one without gridlines: each cell's text in its own clip, labels
// too long for their column cut short at its edge, text flush left and
// figures flush right, so that a nil marker ("-") follows a cut label
// with hardly a gap and the headings sit over the left of their columns.
func TestPDFClippedSpreadsheetCells(t *testing.T) {
	const size = 10.0
	cols := []float64{50, 120, 200, 280} // cell edges
	rows := [][]string{
		{"Offence group", "2019/20", "2020/21"},
		{"Violence against the person", "3,015", "2,424"},
		{"Robbery", "-", "264"},
		{"Possession of weapons offences", "-", "495"},
		{"Drug offences", "533", "376"},
		{"Theft offences", "166", "541"},
	}
	var b strings.Builder
	for r, row := range rows {
		y := 700 - 14*float64(r)
		for c, text := range row {
			x := cols[c] + 1 // flush left
			if r > 0 && c > 0 && text != "-" {
				x = cols[c+1] - 1 - helveticaWidth(text, size) // flush right
			}
			fmt.Fprintf(&b, "q %g %g %g 14 re W n BT /F1 %g Tf %g %g Td (%s) Tj ET Q\n",
				cols[c], y-3, cols[c+1]-cols[c], size, x, y, text)
		}
	}
	tables, err := File(context.Background(), "clipped.pdf", onePage(b.String(), ""), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(tables) != 1 {
		t.Fatalf("got %d tables, want 1", len(tables))
	}
	tb := tables[0]
	if tb.NumRows() != len(rows) || tb.NumCols() != 3 {
		t.Fatalf("grid %dx%d, want %dx3:\n%s", tb.NumRows(), tb.NumCols(), len(rows), gridDiff(rows, tb.Strings()))
	}
	var cut []string
	for r, row := range rows {
		for c, want := range row {
			got := tb.Text(r, c)
			if got == want {
				continue
			}
			// A label cut at its column's edge keeps its beginning.
			if c != 0 || len(got) < 10 || !strings.HasPrefix(want, got) {
				t.Errorf("cell r%dc%d = %q, want %q", r+1, c+1, got, want)
			}
			cut = append(cut, tb.Rows[r][c].Ref)
		}
	}
	if want := []string{"r2c1", "r4c1"}; fmt.Sprint(cut) != fmt.Sprint(want) {
		t.Errorf("labels cut short: %v, want %v", cut, want)
	}
	reason := "text of 2 cells cut short in the document (r2c1, r4c1)"
	if !strings.Contains(strings.Join(tb.Reasons, "\n"), reason) {
		t.Errorf("reasons %q lack %q", tb.Reasons, reason)
	}
}
