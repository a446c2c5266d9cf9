package extract

import (
	"context"
	"strings"
	"testing"
)

func TestDOCXSpansHiddenTextNestedTables(t *testing.T) {
	ts := extractFixture(t, "office/reasons.docx")
	if len(ts) != 3 {
		t.Fatalf("got %d tables, want 3", len(ts))
	}
	tb := ts[0]
	if tb.Title != "Table 3: Stop and search by reason" {
		t.Errorf("title %q", tb.Title)
	}
	if len(tb.Notes) != 1 || tb.Notes[0] != "Note: a search may have more than one reason." {
		t.Errorf("notes %q", tb.Notes)
	}
	// tblHeader marks two header rows; vMerge and gridSpan become spans.
	if tb.HeaderRows != 2 {
		t.Errorf("header rows %d", tb.HeaderRows)
	}
	r0, r1 := tb.Rows[0], tb.Rows[1]
	if r0[0].RowSpan != 2 || !r1[0].Covered || r1[0].Text != "Reason" {
		t.Errorf("vMerge: %+v %+v", r0[0], r1[0])
	}
	if r0[1].ColSpan != 2 || !r0[2].Covered || r0[2].Text != "Searches" || r0[3].Text != "Total" || r0[3].RowSpan != 2 {
		t.Errorf("gridSpan: %+v %+v %+v", r0[1], r0[2], r0[3])
	}
	// Hidden runs and deleted text are left out; runs join.
	if got := tb.Text(2, 2); got != "1,300" {
		t.Errorf("cell with hidden run %q", got)
	}
	if got := tb.Text(3, 2); got != "250" {
		t.Errorf("cell with deleted text %q", got)
	}
	// gridBefore shifts a row right.
	if got := rowTexts(tb, 4); strings.Join(got, "|") != "|<5|*|7" {
		t.Errorf("gridBefore row %q", got)
	}
	// The Total column's last cell differs from its parts: named, lowered.
	if !hasReason(tb, "total r6c4 is 3,057 but the columns to its left sum to 3,050") || tb.Confidence >= baseConfidence(MethodDOCX) {
		t.Errorf("confidence %.2f reasons %q", tb.Confidence, tb.Reasons)
	}
	// A table nested in a cell is a table of its own, its text not in the
	// outer cell.
	outer, inner := ts[1], ts[2]
	if outer.Text(0, 1) != "See below" || inner.Text(1, 1) != "foi@example.police.uk" || !hasReason(inner, "nested") {
		t.Errorf("outer %q inner %q reasons %q", outer.Strings(), inner.Strings(), inner.Reasons)
	}
}

func TestDOCXCorpusHeaders(t *testing.T) {
	tb := extractFixture(t, "corpus/merged_headers.docx")[0]
	if tb.HeaderRows != 2 || tb.Rows[0][0].RowSpan != 2 || tb.Rows[0][1].ColSpan != 3 || tb.Text(1, 6) != "Total" {
		t.Errorf("header rows %d, spans %+v %+v", tb.HeaderRows, tb.Rows[0][0], tb.Rows[0][1])
	}
	if tb.Title != "Arrests and stop and search by self-defined ethnicity" || tb.Rows[0][0].Ref != "r1c1" {
		t.Errorf("title %q ref %s", tb.Title, tb.Rows[0][0].Ref)
	}
}

func TestDOCXDepthBound(t *testing.T) {
	doc := `<w:document xmlns:w="x"><w:body>` + strings.Repeat("<w:tbl><w:tr><w:tc>", 40) + `</w:body></w:document>`
	_, err := parseDOCX(context.Background(), strings.NewReader(doc), 1<<20)
	if err == nil || !strings.Contains(err.Error(), "nested deeper") {
		t.Fatalf("error %v, want a nesting bound", err)
	}
	deep := strings.Repeat("<a>", docxMaxDepth+5)
	if _, err := parseDOCX(context.Background(), strings.NewReader(deep), 1<<20); err == nil {
		t.Fatal("no error for XML nested past the depth bound")
	}
}
