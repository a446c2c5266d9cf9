package extract

import (
	"context"
	"strings"
	"testing"
)

func TestDecodeText(t *testing.T) {
	cases := []struct {
		in   []byte
		want string
		enc  string
	}{
		{[]byte("a,b\n"), "a,b\n", "utf-8"},
		{[]byte("\xef\xbb\xbfa,£\n"), "a,£\n", "utf-8-bom"},
		{[]byte("\xff\xfea\x00,\x00\xa3\x00"), "a,£", "utf-16le"},
		{[]byte("\xfe\xff\x00a\x00,\x00\xa3"), "a,£", "utf-16be"},
		{[]byte("a\x00,\x00b\x00\n\x00"), "a,b\n", "utf-16le"},
		{[]byte("Cost \x96 \xa35,\x93q\x94\n"), "Cost – £5,“q”\n", "windows-1252"},
	}
	for _, c := range cases {
		d := decodeText(c.in)
		if d.s != c.want || d.encoding != c.enc {
			t.Errorf("decodeText(%q) = %q, %s; want %q, %s", c.in, d.s, d.encoding, c.want, c.enc)
		}
	}
}

func TestSniffDelimiter(t *testing.T) {
	cases := []struct {
		in   string
		want rune
		ok   bool
	}{
		{"a,b,c\n1,2,3\n4,5,6\n", ',', true},
		{"a;b;c\n1,5;2;3\n4;5,5;6\n", ';', true},
		{"a\tb\n1\t2\n", '\t', true},
		{"a|b|c\n1|2|3\n", '|', true},
		{"Title, with a comma\n\nName;Count\nA;1\nB;2\nC;3\n", ';', true},
		{"\"x, y\",z\n\"1,2\",3\n", ',', true},
		{"Dear Sir, thank you.\nWe write, as promised, today.\nRegards\n", ',', false},
	}
	for _, c := range cases {
		got, ok := sniffDelimiter(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("sniffDelimiter(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

// The corpus CSVs cover a BOM, Windows-1252, UTF-16LE, and the ; tab |
// delimiters; their text must come out exactly.
func TestCSVEncodingsAndDelimiters(t *testing.T) {
	cases := map[string]string{
		"corpus/nationality_by_year.csv":       "Number of persons arrested by nationality, 2019 to 2023",
		"corpus/offence_by_financial_year.csv": "Recorded crime by offence group and financial year – all crime types",
		"corpus/district_by_month.csv":         "Anti-social behaviour incidents by district and month, April 2022 to March 2023",
		"corpus/outcomes_long.csv":             "Stop and search outcomes by quarter",
		"corpus/merged_headers.csv":            "Arrests and stop and search by self-defined ethnicity",
	}
	for f, title := range cases {
		ts := extractFixture(t, f)
		if len(ts) != 1 {
			t.Errorf("%s: %d tables", f, len(ts))
			continue
		}
		if ts[0].Title != title {
			t.Errorf("%s: title %q, want %q", f, ts[0].Title, title)
		}
		if ts[0].Method != MethodCSV || ts[0].HeaderRows < 1 || ts[0].Rows[0][0].Ref == "" {
			t.Errorf("%s: method %s header rows %d first ref %s", f, ts[0].Method, ts[0].HeaderRows, ts[0].Rows[0][0].Ref)
		}
	}
	off := extractFixture(t, "corpus/offence_by_financial_year.csv")[0]
	if !hasReason(off, "windows-1252") {
		t.Errorf("reasons %q: want the encoding named", off.Reasons)
	}
}

func TestCSVQuotedRaggedAndRefs(t *testing.T) {
	tb := extractFixture(t, "office/cost.csv")[0]
	if tb.Title != "Stop and search – cost in £" {
		t.Errorf("title %q", tb.Title)
	}
	want := [][]string{
		{"Area", "Cost (£)", "Comment", ""},
		{"North", "1 200", "ok", ""},
		{"South", "950", "two lines", ""},
		{"East", "1 400", "", ""},
		{"Total", "3 550", "", "extra"},
	}
	got := tb.Strings()
	if strings.Join(flat(got), "|") != strings.Join(flat(want), "|") {
		t.Errorf("grid %q, want %q", got, want)
	}
	// Refs count rows as a spreadsheet shows the file: the title is row 1,
	// a blank line row 2, and the quoted line break stays in one row.
	if tb.Rows[0][0].Ref != "A3" || tb.Rows[4][3].Ref != "D7" {
		t.Errorf("refs %s, %s; want A3, D7", tb.Rows[0][0].Ref, tb.Rows[4][3].Ref)
	}
	if !hasReason(tb, "ragged rows") || !hasReason(tb, `delimiter ";"`) || !hasReason(tb, "equals the sum") {
		t.Errorf("reasons %q", tb.Reasons)
	}
}

func flat(g [][]string) []string {
	var out []string
	for _, r := range g {
		out = append(out, strings.Join(r, ","))
	}
	return out
}

func TestCSVMaxRowsAndBinary(t *testing.T) {
	var b strings.Builder
	b.WriteString("Name,Count\n")
	for i := 0; i < 50; i++ {
		b.WriteString("x,1\n")
	}
	ts, err := File(context.Background(), "a.csv", []byte(b.String()), &Options{MaxRows: 10})
	if err != nil || len(ts) != 1 || ts[0].NumRows() != 10 || !hasReason(ts[0], "truncated") {
		t.Fatalf("err %v tables %d", err, len(ts))
	}
	_, err = File(context.Background(), "a.csv", []byte("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11\x12\x13\x14"), nil)
	if err == nil {
		t.Fatal("binary CSV: no error")
	}
}

func TestCSVSepLine(t *testing.T) {
	ts, err := File(context.Background(), "a.csv", []byte("sep=;\r\nArea;Count\r\nNorth;1,5\r\nSouth;2,5\r\n"), nil)
	if err != nil || len(ts) != 1 {
		t.Fatalf("err %v, %d tables", err, len(ts))
	}
	if got := strings.Join(flat(ts[0].Strings()), "|"); got != "Area,Count|North,1,5|South,2,5" || ts[0].Rows[0][0].Ref != "A2" {
		t.Errorf("grid %q ref %s", got, ts[0].Rows[0][0].Ref)
	}
}
