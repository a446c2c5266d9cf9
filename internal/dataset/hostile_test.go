package dataset_test

// Hostile content in exports: what a force puts in a file name, or a
// reviewer in a remapped value, must reach a spreadsheet as text and never
// as a formula. See "Hostile content" in the README.

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/foidesk/foidesk/internal/dataset"
)

// formulaPayloads are cells a spreadsheet would otherwise evaluate.
var formulaPayloads = []string{
	`=HYPERLINK("evil.example","Click for source")&T(.csv`,
	`=1+1`, `+1`, `-1+2`, `@SUM(1)`, "\t=1+1", "\r=1+1", `  =1+1`, `-`, `+`, `=`,
}

func TestCSVTextPrefixesFormulaStarts(t *testing.T) {
	for _, p := range formulaPayloads {
		if got := dataset.CSVText(p); got != "'"+p {
			t.Errorf("CSVText(%q) = %q, want it prefixed with a single quote", p, got)
		}
	}
	for _, s := range []string{"", "Durham Constabulary", "British", "2024-25", "-3", "-0.5", "12", "a=b", "x@y", "'quoted"} {
		if got := dataset.CSVText(s); got != s {
			t.Errorf("CSVText(%q) = %q, want it unchanged", s, got)
		}
	}
}

// hostileData is an export whose source column, dimension and flag carry
// formula payloads, with a genuinely negative value beside them.
func hostileData() *dataset.Data {
	v, neg := 7.0, -3.0
	d := &dataset.Data{Campaign: "cro", Year: 2025, Dims: []string{"nationality"}}
	for i, p := range formulaPayloads {
		val := &v
		if i == 0 {
			val = &neg
		}
		d.Rows = append(d.Rows, dataset.Row{
			Force: "durham", ForceName: "Durham Constabulary", Period: "2024-25",
			Dims: map[string]string{"nationality": p}, Measure: "count", Value: val,
			Document: p + ".csv", DocumentID: 42, Table: 1, CellRef: "B2",
		})
	}
	return d
}

func TestCSVExportKeepsHostileTextAsText(t *testing.T) {
	var b bytes.Buffer
	if err := hostileData().WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head := recs[0]
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	for i, rec := range recs[1:] {
		for j, cell := range rec {
			if head[j] == "value" || head[j] == "document_id" {
				continue
			}
			if cell != dataset.CSVText(cell) {
				t.Errorf("row %d column %s = %q would open as a formula", i+1, head[j], cell)
			}
		}
		if want := "'" + formulaPayloads[i]; rec[col["nationality"]] != want {
			t.Errorf("row %d nationality = %q, want %q", i+1, rec[col["nationality"]], want)
		}
	}
	if got := recs[1][col["value"]]; got != "-3" {
		t.Errorf("a negative value is written %q, want the number -3", got)
	}
	if got := recs[2][col["value"]]; got != "7" {
		t.Errorf("value written %q, want 7", got)
	}
}

func TestXLSXExportWritesHostileTextAsStrings(t *testing.T) {
	var b bytes.Buffer
	if err := hostileData().WriteXLSX(&b, nil); err != nil {
		t.Fatal(err)
	}
	if xml := sheetXML(t, b.Bytes(), "xl/worksheets/sheet1.xml"); strings.Contains(xml, "<f>") || strings.Contains(xml, "<f ") {
		t.Errorf("the XLSX export holds a formula:\n%s", xml)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Data")
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range formulaPayloads {
		if got := rows[i+1][3]; got != p {
			t.Errorf("row %d nationality = %q, want the text %q as it is", i+1, got, p)
		}
		typ, err := f.GetCellType("Data", "D"+itoa(i+2))
		if err != nil {
			t.Fatal(err)
		}
		if typ == excelize.CellTypeFormula {
			t.Errorf("row %d nationality is a formula cell", i+1)
		}
	}
	if got := rows[1][5]; got != "-3" {
		t.Errorf("negative value reads %q, want -3", got)
	}
}

// TestCSVExportOpensWithoutFormulas converts the CSV export with
// LibreOffice, formulas evaluated on import, and finds none in the result.
// The same cells unprefixed are converted first, to show the conversion
// would find them.
func TestCSVExportOpensWithoutFormulas(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("soffice (LibreOffice) is not installed, so the export is not opened in a spreadsheet: " +
			"scripts/deps.sh test installs it; the prefixing rule is still checked by TestCSVExportKeepsHostileTextAsText")
	}
	if testing.Short() {
		t.Skip("-short: LibreOffice takes seconds to start")
	}
	var safe bytes.Buffer
	if err := hostileData().WriteCSV(&safe); err != nil {
		t.Fatal(err)
	}
	var raw bytes.Buffer
	cw := csv.NewWriter(&raw)
	for _, p := range formulaPayloads {
		_ = cw.Write([]string{p, "-3"})
	}
	cw.Flush()

	formula := regexp.MustCompile(`<f[ >]`)
	if xml := convertCSV(t, soffice, raw.Bytes()); !formula.MatchString(xml) {
		t.Fatal("LibreOffice found no formula in cells that are formulas: the check below would prove nothing")
	}
	xml := convertCSV(t, soffice, safe.Bytes())
	if n := len(formula.FindAllString(xml, -1)); n != 0 {
		t.Errorf("LibreOffice opened the CSV export with %d formulas", n)
	}
	if !strings.Contains(xml, `t="n"><v>-3</v>`) {
		t.Error("LibreOffice did not read the value -3 as a number")
	}
}

// convertCSV converts CSV to XLSX with LibreOffice and returns the XML of
// its sheet.
func convertCSV(t *testing.T, soffice string, data []byte) string {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "export.csv")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// Comma-separated, double-quoted, UTF-8, from line 1, formulas evaluated.
	cmd := exec.CommandContext(ctx, soffice, "--headless", "--norestore",
		"-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--infilter=CSV:44,34,76,1,,1033,false,true,false,false,false,false,true",
		"--convert-to", "xlsx", "--outdir", dir, in)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	out, err := os.ReadFile(filepath.Join(dir, "export.xlsx"))
	if err != nil {
		t.Fatalf("soffice wrote no xlsx: %v", err)
	}
	return sheetXML(t, out, "xl/worksheets/sheet1.xml")
}

func sheetXML(t *testing.T, xlsx []byte, name string) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(xlsx), int64(len(xlsx)))
	if err != nil {
		t.Fatal(err)
	}
	f, err := zr.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func itoa(i int) string { return strconv.Itoa(i) }
