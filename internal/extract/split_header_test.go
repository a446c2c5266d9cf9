package extract

import "testing"

func cellsOf(texts ...string) []Cell {
	out := make([]Cell, len(texts))
	for i, s := range texts {
		out[i] = Cell{Text: s}
	}
	return out
}

func TestSplitRepeatedHeaders(t *testing.T) {
	tb := &Table{Method: MethodXLSX, HeaderRows: 2, Title: "Patients", Notes: []string{"Source: PAS"}, Rows: [][]Cell{
		cellsOf("Month", "2018", ""),
		cellsOf("", "A", "B"),
		cellsOf("Jan", "1", "2"),
		cellsOf("Feb", "3", "4"),
		cellsOf("", "2019", ""),
		cellsOf("", "A", "B"),
		cellsOf("Jan", "5", "6"),
	}}
	got := splitRepeatedHeaders(tb)
	if len(got) != 2 {
		t.Fatalf("got %d tables, want 2", len(got))
	}
	if len(got[0].Rows) != 4 || len(got[1].Rows) != 3 || got[1].Rows[0][1].Text != "2019" {
		t.Errorf("rows %d and %d, second starting %q", len(got[0].Rows), len(got[1].Rows), got[1].Rows[0][1].Text)
	}
	if got[0].Title != "Patients" || got[1].Title != "" || len(got[0].Notes) != 0 || len(got[1].Notes) != 1 {
		t.Errorf("titles %q %q, notes %q %q", got[0].Title, got[1].Title, got[0].Notes, got[1].Notes)
	}
	// A body row that shares only some header texts does not split.
	tb.Rows[5] = cellsOf("", "A", "C")
	if n := len(splitRepeatedHeaders(tb)); n != 1 {
		t.Errorf("got %d tables, want 1", n)
	}
}

func TestJoinWrappedHeader(t *testing.T) {
	tb := &Table{Method: MethodOCR, HeaderRows: 2, Rows: [][]Cell{
		cellsOf("Trustee", "Meetings", "Out of a"),
		cellsOf("", "Attended", "Possible"),
		cellsOf("A Gill", "5", "5"),
	}}
	joinWrappedHeader(tb)
	if tb.HeaderRows != 1 || len(tb.Rows) != 2 || tb.Rows[0][1].Text != "Meetings Attended" || tb.Rows[1][0].Ref != "r2c1" {
		t.Errorf("header %d, rows %q", tb.HeaderRows, tb.Strings())
	}
	// A group heading over sub-headings is two rows.
	tb = &Table{Method: MethodOCR, HeaderRows: 2, Rows: [][]Cell{
		cellsOf("Area", "Age", ""),
		cellsOf("", "10-14", "15"),
		cellsOf("North", "5", "5"),
	}}
	joinWrappedHeader(tb)
	if tb.HeaderRows != 2 {
		t.Errorf("group heading joined: %q", tb.Strings())
	}
}
