package extract

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// layoutPage builds the content stream of a one-page PDF set in
// Helvetica (font /F1), for layout tests.
type layoutPage struct {
	b strings.Builder
}

// text shows s with its left end at x and its baseline at y.
func (lp *layoutPage) text(x, y, size float64, s string) {
	fmt.Fprintf(&lp.b, "BT /F1 %g Tf %g %g Td (%s) Tj ET\n", size, x, y, s)
}

// right shows figures s (digits, commas, hyphens) ending at x1.
func (lp *layoutPage) right(x1, y, size float64, s string) {
	lp.text(x1-helveticaWidth(s, size), y, size, s)
}

// hline strokes a horizontal line from x0 to x1 at y.
func (lp *layoutPage) hline(x0, x1, y, width float64) {
	fmt.Fprintf(&lp.b, "%g w %g %g m %g %g l S\n", width, x0, y, x1, y)
}

// vline strokes a vertical line from y0 to y1 at x.
func (lp *layoutPage) vline(x, y0, y1, width float64) {
	fmt.Fprintf(&lp.b, "%g w %g %g m %g %g l S\n", width, x, y0, x, y1)
}

// fill fills a rectangle in grey g (0 black, 1 white).
func (lp *layoutPage) fill(x, y, w, h, g float64) {
	fmt.Fprintf(&lp.b, "q %g g %g %g %g %g re f Q\n", g, x, y, w, h)
}

func (lp *layoutPage) raw(s string) { lp.b.WriteString(s + "\n") }

func (lp *layoutPage) pdf() []byte { return onePage(lp.b.String(), "") }

// layoutTables extracts the tables of a one-page layout.
func layoutTables(t *testing.T, lp *layoutPage) []*Table {
	t.Helper()
	tables, err := File(context.Background(), "layout.pdf", lp.pdf(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return tables
}

// wantTables checks the tables found against the expected grids.
func wantTables(t *testing.T, got []*Table, want ...[][]string) {
	t.Helper()
	if len(got) != len(want) {
		var b strings.Builder
		for _, tb := range got {
			fmt.Fprintf(&b, "table %d:\n%s\n", tb.Index, gridDiff(nil, tb.Strings()))
		}
		t.Fatalf("got %d tables, want %d:\n%s", len(got), len(want), b.String())
	}
	for i, w := range want {
		g := got[i].Strings()
		if fmt.Sprint(g) != fmt.Sprint(w) {
			t.Errorf("table %d:\n%s", i+1, gridDiff(w, g))
		}
	}
}

// figures is a small table of counts used by the layout tests.
var figures = [][]string{
	{"Region", "2019", "2020", "2021"},
	{"North East", "1,204", "1,310", "1,422"},
	{"North West", "3,018", "2,977", "3,105"},
	{"Yorkshire", "2,260", "2,301", "2,415"},
	{"East Midlands", "1,884", "1,902", "1,950"},
	{"West Midlands", "2,731", "2,688", "2,840"},
	{"London", "6,512", "6,204", "6,630"},
}

// figureCols are the right edges of figures' columns after the first.
var figureCols = []float64{260, 340, 420}

// setFigures lays out rows from top y, 16 points apart: the first
// column flush left at 60, the others flush right at figureCols. It
// returns the baselines.
func setFigures(lp *layoutPage, rows [][]string, top float64) []float64 {
	var ys []float64
	for r, row := range rows {
		y := top - 16*float64(r)
		ys = append(ys, y)
		for c, s := range row {
			if c == 0 {
				lp.text(60, y, 10, s)
			} else {
				lp.right(figureCols[c-1], y, 10, s)
			}
		}
	}
	return ys
}

// TestPDFInvisibleTextIgnored checks that text drawn invisibly (rendering
// mode 3 or 7) over a table adds neither rows nor cell text.
func TestPDFInvisibleTextIgnored(t *testing.T) {
	lp := &layoutPage{}
	setFigures(lp, figures, 700)
	lp.raw("BT 3 Tr /F1 10 Tf 60 612 Td (Hidden row) Tj 200 0 Td (999) Tj ET")
	lp.raw("BT 7 Tr /F1 10 Tf 262 700 Td (ZZZ) Tj ET")
	lp.raw("BT 3 Tr /F1 10 Tf 60 560 Td (keywords) Tj 200 0 Td (1) Tj 80 0 Td (2) Tj ET")
	lp.raw("BT 0 Tr /F1 10 Tf 60 598 Td (Source: custody records) Tj ET")
	tables := layoutTables(t, lp)
	wantTables(t, tables, figures)
	if n := len(tables[0].Notes); n != 1 {
		t.Errorf("notes %q, want the visible source line only", tables[0].Notes)
	}
}

// TestPDFInvisibleTextOverImage checks that the invisible text layer of a
// scanned page, laid over the page image, is read as the page's text.
func TestPDFInvisibleTextOverImage(t *testing.T) {
	lp := &layoutPage{}
	lp.raw("q 595 0 0 842 0 0 cm BI /W 1 /H 1 /CS /G /BPC 8 ID \x80 EI Q")
	lp.raw("3 Tr")
	setFigures(lp, figures, 700)
	wantTables(t, layoutTables(t, lp), figures)
}

// TestPDFFormClippedText checks that text a Form XObject draws outside
// its bounding box, which clips it, is not read.
func TestPDFFormClippedText(t *testing.T) {
	lp := &layoutPage{}
	setFigures(lp, figures, 700)
	lp.raw("BT /F1 10 Tf 60 588 Td (Cut off) Tj 200 0 Td (12) Tj 80 0 Td (13) Tj 80 0 Td (14) Tj ET")
	body := lp.b.String()
	form := fmt.Sprintf("<< /Type /XObject /Subtype /Form /BBox [50 596 450 720] /Resources << /Font << /F1 4 0 R >> >> /Length %d >>\nstream\n%s\nendstream", len(body), body)
	data := onePage("/X Do", "/XObject << /X 6 0 R >>", form)
	tables, err := File(context.Background(), "form.pdf", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantTables(t, tables, figures)
}

// TestPDFGroupHeadingUnderline checks booktabs-style group headings: a
// heading over a rule drawn under the columns it heads (stroked, or a
// thin filled rectangle) spans those columns, though it is set off
// their centre; the full-width rules above and below the header and at
// the foot only separate rows.
func TestPDFGroupHeadingUnderline(t *testing.T) {
	want := [][]string{{"", "Arrests", "Arrests", "Charges"}}
	want = append(want, figures...)
	for _, filled := range []bool{false, true} {
		lp := &layoutPage{}
		rule := func(x0, x1, y, w float64) {
			if filled {
				lp.fill(x0, y-w/2, x1-x0, w, 0)
			} else {
				lp.hline(x0, x1, y, w)
			}
		}
		lp.text(272, 718, 10, "Arrests")
		lp.text(380, 718, 10, "Charges")
		ys := setFigures(lp, figures, 700)
		rule(55, 425, 732, 0.8)
		rule(200, 345, 714, 0.4)
		rule(352, 425, 714, 0.4)
		rule(55, 425, ys[0]-5, 0.5)
		rule(55, 425, ys[len(ys)-1]-5, 0.8)
		wantTables(t, layoutTables(t, lp), want)
	}
}

// TestPDFRuledHeaderOverAlignedBody checks a table whose header row is
// drawn as a ruled box and whose body is ruled by horizontal lines only:
// the header heads the aligned body's columns.
func TestPDFRuledHeaderOverAlignedBody(t *testing.T) {
	lp := &layoutPage{}
	ys := setFigures(lp, figures, 700)
	lp.hline(55, 425, ys[0]+12, 0.5)
	for _, y := range ys {
		lp.hline(55, 425, y-5, 0.5)
	}
	for _, x := range []float64{55, 180, 265, 345, 425} {
		lp.vline(x, ys[0]-5, ys[0]+12, 0.5)
	}
	tables := layoutTables(t, lp)
	wantTables(t, tables, figures)
	if h := tables[0].HeaderRows; h != 1 {
		t.Errorf("header rows %d, want 1", h)
	}
}

// TestPDFFooterOverprintedOnRuledTable checks that footer lines printed
// over a ruled table, running out across its right border, are not read
// into its cells.
func TestPDFFooterOverprintedOnRuledTable(t *testing.T) {
	want := [][]string{
		{"Request", "Response"},
		{"Number of housing support workers", "See attached spreadsheet"},
		{"Discharge policy for homeless patients", "Policy attached"},
	}
	lp := &layoutPage{}
	top := 700.0
	lp.hline(70, 480, top, 0.5)
	for r, row := range want {
		y := top - 30*float64(r)
		lp.text(76, y-14, 10, row[0])
		lp.text(286, y-14, 10, row[1])
		lp.hline(70, 480, y-30, 0.5)
	}
	for _, x := range []float64{70, 280, 480} {
		lp.vline(x, top-90, top, 0.5)
	}
	// The footer, right-aligned at the page margin, over the last row.
	lp.text(400, 636, 10, "Jane Smith OBE - Chair")
	lp.text(380, 624, 10, "John Brown - Chief Executive")
	wantTables(t, layoutTables(t, lp), want)
}

// TestPDFContentsListNotTable checks that a list of contents, its lines
// ending in dot leaders and page numbers, is not read as a table, while
// a table on the same page still is.
func TestPDFContentsListNotTable(t *testing.T) {
	items := []string{"Introduction", "Background to the request", "Data sources", "Results by region", "Annex A: definitions", "Annex B: tables"}
	for _, spaced := range []bool{false, true} {
		lp := &layoutPage{}
		lp.text(60, 780, 12, "Contents")
		for i, s := range items {
			y := 760 - 16*float64(i)
			lp.text(60, y, 10, s)
			leader := strings.Repeat(".", 40)
			if spaced {
				leader = strings.Repeat(". ", 20)
			}
			lp.text(300, y, 10, leader)
			lp.right(460, y, 10, fmt.Sprint(3+4*i))
		}
		setFigures(lp, figures, 560)
		wantTables(t, layoutTables(t, lp), figures)
	}
}

// TestPDFAlignedRotatedHeadings checks column headings set sideways over
// the columns of an aligned table, reading upwards or downwards, one of
// them over two lines: each heads the column beneath it, and the stub's
// heading beside them heads the first column.
func TestPDFAlignedRotatedHeadings(t *testing.T) {
	want := [][]string{{"Region", "Detained", "Released on bail", "Charged"}}
	want = append(want, figures[1:]...)
	for _, down := range []bool{false, true} {
		lp := &layoutPage{}
		for c, h := range []string{"Detained", "Released on|bail", "Charged"} {
			parts := strings.Split(h, "|")
			for i, s := range parts {
				x := figureCols[c] - 12 + 10*float64(i-len(parts)+1)
				if down {
					x = figureCols[c] - 12 - 10*float64(i) + 8
					fmt.Fprintf(&lp.b, "BT /F1 9 Tf 0 -1 1 0 %g %g Tm (%s) Tj ET\n", x, 690+helveticaTextWidth(s, 9), s)
				} else {
					fmt.Fprintf(&lp.b, "BT /F1 9 Tf 0 1 -1 0 %g 690 Tm (%s) Tj ET\n", x, s)
				}
			}
		}
		lp.text(60, 690, 10, "Region")
		setFigures(lp, figures[1:], 674)
		tables := layoutTables(t, lp)
		wantTables(t, tables, want)
		if len(tables) == 1 && tables[0].HeaderRows != 1 {
			t.Errorf("header rows %d, want 1", tables[0].HeaderRows)
		}
	}
}

// helveticaTextWidth is a rough width of s in Helvetica at size: half
// an em a character.
func helveticaTextWidth(s string, size float64) float64 {
	return 0.5 * size * float64(len(s))
}

// TestPDFStackedAlignedTables checks two aligned tables stacked with only
// a little space between them, the second under a header of its own:
// they are two tables, not one.
func TestPDFStackedAlignedTables(t *testing.T) {
	second := [][]string{{"Area", "Q1", "Q2", "Q3"}, {"North", "1", "2", "3"}, {"South", "4", "5", "6"}, {"West", "7", "8", "9"}}
	lp := &layoutPage{}
	setFigures(lp, figures, 720)
	setFigures(lp, second, 720-16*float64(len(figures))-8)
	wantTables(t, layoutTables(t, lp), figures, second)
}

// setAt lays out rows from top y, 16 points apart: the first column flush
// left at x, the others flush right at the edges rights.
func setAt(lp *layoutPage, rows [][]string, x, top float64, rights []float64) {
	for r, row := range rows {
		y := top - 16*float64(r)
		for c, s := range row {
			if c == 0 {
				lp.text(x, y, 10, s)
			} else {
				lp.right(rights[c-1], y, 10, s)
			}
		}
	}
}

// Two unruled tables side by side, on the same baselines, with the same
// years over their figures and a gutter between them, are two tables.
func TestPDFSideBySideAlignedTables(t *testing.T) {
	left := [][]string{{"Offence", "2022", "2023"}, {"Theft", "120", "131"}, {"Burglary", "88", "92"}, {"Robbery", "41", "39"}, {"Fraud", "17", "25"}}
	right := [][]string{{"Nationality", "2022", "2023"}, {"Polish", "12", "31"}, {"Irish", "8", "9"}, {"Romanian", "14", "19"}, {"Italian", "7", "5"}}
	lp := &layoutPage{}
	setAt(lp, left, 50, 700, []float64{190, 240})
	setAt(lp, right, 290, 700, []float64{420, 470})
	wantTables(t, layoutTables(t, lp), left, right)
}

// A single wide table whose label column stands between columns of
// figures, every row filled, is not cut at the white space before it.
func TestPDFWideTableWithInnerLabelsNotSplit(t *testing.T) {
	rows := [][]string{
		{"Force", "2022", "2023", "Lead officer", "Open", "Shut"},
		{"Kent", "120", "131", "Inspector Shah", "12", "10"},
		{"Essex", "88", "92", "Sergeant Cole", "9", "9"},
		{"Surrey", "41", "39", "Inspector Wood", "4", "3"},
		{"Sussex", "17", "25", "Sergeant Amis", "7", "6"},
	}
	lp2 := &layoutPage{}
	for r, row := range rows {
		y := 700 - 16*float64(r)
		lp2.text(50, y, 10, row[0])
		lp2.right(190, y, 10, row[1])
		lp2.right(240, y, 10, row[2])
		lp2.text(290, y, 10, row[3])
		if r == 0 { // lp.right measures figures only
			lp2.text(418, y, 10, row[4])
			lp2.text(498, y, 10, row[5])
			continue
		}
		lp2.right(440, y, 10, row[4])
		lp2.right(520, y, 10, row[5])
	}
	wantTables(t, layoutTables(t, lp2), rows)
}

// A rule drawn between two lines set tight is a row boundary: the lower
// line, a label alone starting lower-case, stays a row of its own instead
// of joining the label above as its wrapped second line. Without the rule
// it does join.
func TestPDFRuleSeparatesTightRows(t *testing.T) {
	set := func(ruled bool) *layoutPage {
		lp := &layoutPage{}
		ys := []float64{700, 684, 668, 657, 641}
		rows := [][]string{{"Outcome", "2022", "2023"}, {"Arrests", "120", "131"}, {"Charged", "88", "92"}, {"of which remanded"}, {"Cautioned", "41", "39"}}
		for r, row := range rows {
			lp.text(60, ys[r], 10, row[0])
			for c, s := range row[1:] {
				lp.right(figureCols[c], ys[r], 10, s)
			}
			if ruled && r > 0 {
				lp.hline(55, 345, ys[r]+9.5, 0.5)
			}
		}
		return lp
	}
	wantTables(t, layoutTables(t, set(true)), [][]string{
		{"Outcome", "2022", "2023"}, {"Arrests", "120", "131"}, {"Charged", "88", "92"}, {"of which remanded", "", ""}, {"Cautioned", "41", "39"},
	})
	wantTables(t, layoutTables(t, set(false)), [][]string{
		{"Outcome", "2022", "2023"}, {"Arrests", "120", "131"}, {"Charged of which remanded", "88", "92"}, {"Cautioned", "41", "39"},
	})
}
