package extract

import (
	"strings"
	"testing"
)

func TestTextEmailTables(t *testing.T) {
	ts := extractFixture(t, "office/email.txt")
	if len(ts) != 2 {
		t.Fatalf("got %d tables, want 2 (no table from prose or signature)", len(ts))
	}
	q := ts[0]
	if q.Method != MethodText || q.Title != "Misper reports by year" || len(q.Notes) != 1 {
		t.Errorf("quoted table: method %s title %q notes %q", q.Method, q.Title, q.Notes)
	}
	if got := strings.Join(flat(q.Strings()), "|"); got != "Year,Reports,Found safe|2021,1,204,1,190|2022,1,377,1,360|2023,988,981" {
		t.Errorf("quoted table grid %q", got)
	}
	if q.HeaderRows != 1 || !hasReason(q, "lines 7-10") {
		t.Errorf("header rows %d reasons %q", q.HeaderRows, q.Reasons)
	}
	p := ts[1]
	if p.Title != "" || p.HeaderRows != 1 || strings.Join(rowTexts(p, 2), ",") != "Child,348" {
		t.Errorf("pipe table: title %q headers %d grid %q", p.Title, p.HeaderRows, p.Strings())
	}
}

func TestSplitSegments(t *testing.T) {
	segs := splitSegments("Violence against the person    1,234\t56   7")
	var got []string
	for _, s := range segs {
		got = append(got, s.text)
	}
	if strings.Join(got, "|") != "Violence against the person|1,234|56|7" {
		t.Errorf("segments %q", got)
	}
	if segs[1].start != 31 || segs[2].start != 40 {
		t.Errorf("columns %d %d: tabs expand to stops of 8", segs[1].start, segs[2].start)
	}
}

func TestTextCorpusAlignment(t *testing.T) {
	tb := extractFixture(t, "corpus/offence_by_financial_year.txt")[0]
	if tb.NumCols() != 7 || tb.Text(0, 0) != "Offence group" || tb.Text(tb.NumRows()-1, 0) != "All offences" || tb.HeaderRows != 1 {
		t.Errorf("grid %q headers %d", tb.Strings(), tb.HeaderRows)
	}
}
