package extract

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestHTMLEmailTables(t *testing.T) {
	ts := extractFixture(t, "office/overtime.html")
	if len(ts) != 3 {
		t.Fatalf("got %d tables, want 3 (the layout table dropped)", len(ts))
	}
	tb := ts[0]
	// windows-1252 declared in a meta tag: £ decoded.
	if tb.Title != "Cost of overtime (£) by department" {
		t.Errorf("title %q", tb.Title)
	}
	if len(tb.Notes) != 1 || !strings.HasPrefix(tb.Notes[0], "Source: payroll system") {
		t.Errorf("notes %q", tb.Notes)
	}
	if tb.HeaderRows != 2 || tb.Rows[0][0].RowSpan != 2 || tb.Rows[0][1].ColSpan != 2 || tb.Text(1, 0) != "Department" || !tb.Rows[1][0].Covered {
		t.Errorf("headers %d, %+v %+v", tb.HeaderRows, tb.Rows[0][0], tb.Rows[0][1])
	}
	if got := strings.Join(rowTexts(tb, 1), "|"); got != "Department|2021/22|2022/23|Total" {
		t.Errorf("second header row %q", got)
	}
	// A row hidden with display:none is kept and flagged.
	if tb.Text(3, 0) != "Archived" || !tb.Rows[3][0].Hidden || tb.Rows[2][0].Hidden {
		t.Errorf("hidden row: %+v", tb.Rows[3][0])
	}
	if !hasReason(tb, "total row r6c1") || tb.Confidence <= baseConfidence(MethodHTML) {
		t.Errorf("confidence %.2f reasons %q", tb.Confidence, tb.Reasons)
	}
	// Caption as title; thead header; nested table's text not in the cell;
	// rowspan=0 stops at the end of its section.
	ranks := ts[1]
	if ranks.Title != "Officers by rank" || ranks.HeaderRows != 1 || ranks.Text(1, 0) != "Constable" || ranks.Text(3, 1) != "41" {
		t.Errorf("ranks: title %q headers %d grid %q", ranks.Title, ranks.HeaderRows, ranks.Strings())
	}
	if inner := ts[2]; inner.Text(0, 0) != "inner" || !hasReason(inner, "nested") {
		t.Errorf("inner table %q", inner.Strings())
	}
}

func TestHTMLSpanBounds(t *testing.T) {
	doc := `<table><tr><td colspan="100000000" rowspan="99999999">x</td><td>y</td></tr><tr><td>z</td></tr></table>`
	ts, err := File(context.Background(), "a.html", []byte(doc), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 1 || ts[0].NumCols() != htmlMaxColSpan+1 || ts[0].NumRows() != 2 {
		t.Fatalf("tables %d, cols %d rows %d", len(ts), ts[0].NumCols(), ts[0].NumRows())
	}
	// Nesting past the parser's bound is a clean error, not a crash.
	deep := strings.Repeat("<div>", 20000) + "<table><tr><td>a</td><td>1</td></tr></table>"
	_, err = File(context.Background(), "deep.html", []byte(deep), nil)
	var e *Error
	if err != nil && !errors.As(err, &e) {
		t.Fatalf("deep nesting: error %T %v", err, err)
	}
}

func TestHTMLLayoutTableDropped(t *testing.T) {
	doc := `<table><tr><td>Dear Sir, our answer:</td><td><table><tr><th>Area</th><th>Count</th></tr><tr><td>North</td><td>1</td></tr></table></td></tr>
<tr><td>Regards</td><td></td></tr></table>`
	ts, err := File(context.Background(), "a.html", []byte(doc), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 1 || ts[0].Text(1, 0) != "North" || ts[0].HeaderRows != 1 {
		t.Fatalf("got %d tables: %v", len(ts), ts)
	}
}
