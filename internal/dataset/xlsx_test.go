package dataset_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/foidesk/foidesk/internal/dataset"
)

// exportData is n figures over two forces, periods that are years and one
// that is not, and one suppressed cell.
func exportData(n int) *dataset.Data {
	d := &dataset.Data{Campaign: "cro", Year: 2025, Dims: []string{"nationality"}}
	periods := []string{"2022", "2023", "2023-24"}
	for i := range n {
		v := float64(i)
		r := dataset.Row{Force: "durham", ForceName: "Durham Constabulary", Period: periods[i%3],
			Dims: map[string]string{"nationality": "PL"}, Measure: "count", Value: &v,
			Document: "reply.pdf", DocumentID: 40 + int64(i%2), Page: 2, Table: 1, RowIndex: 3 + i, ColIndex: 2, CellRef: "r" + strconv.Itoa(4+i) + "c3"}
		if i == 1 {
			r.Value, r.Flag = nil, "suppressed"
		}
		d.Rows = append(d.Rows, r)
	}
	return d
}

func openXLSX(t *testing.T, b []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestXLSXExportIsReadyToFilter(t *testing.T) {
	d := exportData(7)
	var b bytes.Buffer
	if err := d.WriteXLSX(&b, &dataset.XLSXOptions{BaseURL: "https://desk.example.org/"}); err != nil {
		t.Fatal(err)
	}
	f := openXLSX(t, b.Bytes())
	panes, err := f.GetPanes("Data")
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
		t.Errorf("panes %+v, want the header row frozen", panes)
	}
	var filter string
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm._FilterDatabase" {
			filter = dn.RefersTo
		}
	}
	if filter != "'Data'!$A$1:$J$8" {
		t.Errorf("autofilter over %q, want the header and 7 rows of 10 columns", filter)
	}
	head, err := f.GetRows("Data")
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]string{}
	for i, h := range head[0] {
		c, _ := excelize.ColumnNumberToName(i + 1)
		col[h] = c
	}
	typeOf := func(cell string) excelize.CellType {
		typ, err := f.GetCellType("Data", cell)
		if err != nil {
			t.Fatal(err)
		}
		return typ
	}
	for i, r := range d.Rows {
		n := strconv.Itoa(i + 2)
		period, _ := f.GetCellValue("Data", col["period"]+n)
		if period != r.Period {
			t.Errorf("row %d period %q, want %q", i, period, r.Period)
		}
		// A number cell has no type attribute (CellTypeUnset); a string
		// is a shared or inline string.
		isNum := typeOf(col["period"]+n) == excelize.CellTypeUnset
		if want := !strings.Contains(r.Period, "-"); isNum != want {
			t.Errorf("row %d period %q written as a number: %v, want %v", i, r.Period, isNum, want)
		}
		if typeOf(col["document_id"]+n) != excelize.CellTypeUnset {
			t.Errorf("row %d document_id is not a number", i)
		}
		ok, link, err := f.GetCellHyperLink("Data", col["source"]+n)
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("https://desk.example.org/documents/%d/tables/1?row=%d&col=2", r.DocumentID, r.RowIndex)
		if !ok || link != want {
			t.Errorf("row %d source links to %q (%v), want %q", i, link, ok, want)
		}
	}
	if v, _ := f.GetCellValue("Data", col["value"]+"3"); v != "" {
		t.Errorf("suppressed value reads %q, want empty", v)
	}
}

func TestXLSXExportWithoutBaseHasNoLinks(t *testing.T) {
	var b bytes.Buffer
	if err := exportData(3).WriteXLSX(&b, nil); err != nil {
		t.Fatal(err)
	}
	f := openXLSX(t, b.Bytes())
	for _, cell := range []string{"H2", "H3", "H4"} {
		if ok, link, _ := f.GetCellHyperLink("Data", cell); ok {
			t.Errorf("%s links to %q with no base address", cell, link)
		}
	}
}

// TestXLSXExportLinksStopAtTheSheetLimit: links stop at Excel's limit
// (lowered here, so that a few rows reach it) and the About sheet says so.
func TestXLSXExportLinksStopAtTheSheetLimit(t *testing.T) {
	defer dataset.SetMaxSheetLinks(50)()
	var b bytes.Buffer
	if err := exportData(70).WriteXLSX(&b, &dataset.XLSXOptions{BaseURL: "http://127.0.0.1:8080"}); err != nil {
		t.Fatal(err)
	}
	f := openXLSX(t, b.Bytes())
	if ok, link, _ := f.GetCellHyperLink("Data", "H51"); !ok || !strings.HasSuffix(link, "?row=52&col=2") {
		t.Errorf("row 50's source links to %q (%v)", link, ok)
	}
	if ok, _, _ := f.GetCellHyperLink("Data", "H52"); ok {
		t.Error("a link past the worksheet's limit")
	}
}

// BenchmarkXLSXExportLinks: 70,000 rows, past Excel's 65,530 links a
// sheet. The links are added in one pass after the workbook is written;
// excelize's per-cell call searches the sheet's list each time, which took
// 90 s for 60,000 rows.
//
//	go test ./internal/dataset -run '^$' -bench XLSXExportLinks -benchtime 3x
func BenchmarkXLSXExportLinks(b *testing.B) {
	d := exportData(70000)
	for b.Loop() {
		var buf bytes.Buffer
		if err := d.WriteXLSX(&buf, &dataset.XLSXOptions{BaseURL: "http://127.0.0.1:8080"}); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(buf.Len()), "bytes")
	}
}

// The CSV export keeps its columns: the XLSX changes are the workbook's.
func TestCSVExportShapeUnchanged(t *testing.T) {
	var b bytes.Buffer
	if err := exportData(3).WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := "force,force_name,period,nationality,measure,value,flag,source,document_id,cell_ref"
	if got := strings.Join(recs[0], ","); got != want {
		t.Errorf("CSV header %s, want %s", got, want)
	}
	if got := strings.Join(recs[1], "|"); got != "durham|Durham Constabulary|2022|PL|count|0||reply.pdf, page 2, table 1, cell r4c3|40|r4c3" {
		t.Errorf("CSV row %s", got)
	}
}
