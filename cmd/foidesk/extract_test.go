package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var corpus = filepath.Join("..", "..", "internal", "extract", "testdata", "corpus")

func TestExtractCommandCSV(t *testing.T) {
	code, out, errs := runCLI(t, "extract", filepath.Join(corpus, "two_tables_one_sheet.xlsx"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"# table 1 sheet Knife crime\n",
		"# table 2 sheet Knife crime\n",
		"# table 3 sheet Workings\n",
		"method: xlsx; header rows: 1; confidence: ",
		"; hidden\n",
		"# title: Table 2: Arrests for knife crime by gender\n",
		"# note: Source: custody records.\n",
		"# reason: total row ",
		"Age group,2022,2023,Total\n",
		"Total,511,898,\"1,409\"\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Count(out, "\n\n# table") != 2 {
		t.Errorf("tables not separated by blank lines:\n%s", out)
	}
}

func TestExtractCommandJSON(t *testing.T) {
	code, out, errs := runCLI(t, "extract", "--format", "json", filepath.Join(corpus, "merged_headers.html"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var tables []struct {
		Index  int `json:"index"`
		Source struct {
			Document string `json:"document"`
			Format   string `json:"format"`
		} `json:"source"`
		Method     string  `json:"method"`
		Title      string  `json:"title"`
		HeaderRows int     `json:"header_rows"`
		Confidence float64 `json:"confidence"`
		Rows       [][]struct {
			Text    string `json:"text"`
			ColSpan int    `json:"col_span"`
			Ref     string `json:"ref"`
		} `json:"rows"`
	}
	if err := json.Unmarshal([]byte(out), &tables); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if len(tables) != 1 {
		t.Fatalf("%d tables", len(tables))
	}
	tb := tables[0]
	if tb.Source.Format != "html" || tb.Method != "html" || tb.HeaderRows != 2 || tb.Rows[0][1].ColSpan != 3 ||
		tb.Rows[0][1].Ref != "r1c2" || !strings.HasSuffix(tb.Source.Document, "merged_headers.html") || tb.Confidence <= 0 {
		t.Errorf("table %+v", tb)
	}
}

func TestExtractCommandErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "broken.xlsx")
	if err := os.WriteFile(bad, []byte("PK\x03\x04 not really a workbook"), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.pdf")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	prose := filepath.Join(dir, "letter.txt")
	if err := os.WriteFile(prose, []byte("Dear requester,\n\nWe hold no information within the scope of your request.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"extract", bad}, 1, "not a readable xlsx package"},
		{[]string{"extract", empty}, 1, "empty file"},
		{[]string{"extract", prose}, 3, "no tables found"},
		{[]string{"extract", filepath.Join(dir, "missing.pdf")}, 1, "no such file"},
		{[]string{"extract"}, 2, "want one FILE"},
		{[]string{"extract", "--format", "xml", bad}, 2, "--format must be csv or json"},
	}
	for _, c := range cases {
		code, _, errs := runCLI(t, c.args...)
		if code != c.code || !strings.Contains(errs, c.msg) {
			t.Errorf("%q: exit %d, stderr %q; want exit %d with %q", c.args, code, errs, c.code, c.msg)
		}
	}
}

// The pages of a PDF are reported on standard error as they are read,
// unless --quiet.
func TestExtractReportsPages(t *testing.T) {
	pdf := filepath.Join("..", "..", "internal", "extract", "testdata", "pdf", "w05-multipage.pdf")
	code, out, errs := runCLI(t, "extract", pdf)
	if code != 0 || !strings.Contains(out, "# table 1") {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	for _, want := range []string{": page 1\n", ": page 2\n", ": page 3\n"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr %q lacks %q", errs, want)
		}
	}
	if code, _, errs := runCLI(t, "extract", "--quiet", pdf); code != 0 || errs != "" {
		t.Errorf("--quiet: exit %d, stderr %q", code, errs)
	}
}
