package extract

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func TestXLSXTwoTablesHiddenRowsColumnsSheets(t *testing.T) {
	ts := extractFixture(t, "corpus/two_tables_one_sheet.xlsx")
	if len(ts) != 3 {
		t.Fatalf("got %d tables, want 3", len(ts))
	}
	t1, t2, t3 := ts[0], ts[1], ts[2]
	if t1.Source.Sheet != "Knife crime" || t2.Source.Sheet != "Knife crime" || t3.Source.Sheet != "Workings" {
		t.Errorf("sheets %q %q %q", t1.Source.Sheet, t2.Source.Sheet, t3.Source.Sheet)
	}
	if t1.Title != "Table 1: Arrests for knife crime by age group" || t2.Title != "Table 2: Arrests for knife crime by gender" {
		t.Errorf("titles %q, %q", t1.Title, t2.Title)
	}
	if len(t2.Notes) != 1 || t2.Notes[0] != "Source: custody records." {
		t.Errorf("table 2 notes %q", t2.Notes)
	}
	// Table 1 starts at A2; table 2 is not in column A.
	if t1.Rows[0][0].Ref != "A2" || t2.Rows[0][0].Ref != "B16" {
		t.Errorf("top-left refs %s, %s; want A2, B16", t1.Rows[0][0].Ref, t2.Rows[0][0].Ref)
	}
	// Body row 2 of table 1 is hidden: flagged, not dropped.
	if got := rowTexts(t1, 3)[0]; got != "25 to 34" {
		t.Errorf("hidden row text %q", got)
	}
	for j, c := range t1.Rows[3] {
		if !c.Hidden {
			t.Errorf("cell %s of hidden row not flagged", t1.Rows[3][j].Ref)
		}
	}
	if t1.Rows[2][0].Hidden {
		t.Errorf("visible cell %s flagged hidden", t1.Rows[2][0].Ref)
	}
	// Column C is hidden: column 2 of table 1, column 1 of table 2.
	if !t1.Rows[1][2].Hidden || t1.Rows[1][1].Hidden || !t2.Rows[1][1].Hidden || t2.Rows[1][2].Hidden {
		t.Errorf("hidden column C not flagged where it should be: %+v %+v", t1.Rows[1][2], t2.Rows[1][1])
	}
	// The hidden sheet's table is kept and marked.
	if !t3.Source.Hidden || t1.Source.Hidden || !hasReason(t3, "sheet is hidden") {
		t.Errorf("sheet visibility: t1 %v t3 %v reasons %q", t1.Source.Hidden, t3.Source.Hidden, t3.Reasons)
	}
	for _, tb := range ts {
		if tb.HeaderRows != 1 || tb.Method != MethodXLSX || tb.Source.Format != "xlsx" {
			t.Errorf("table %d: header rows %d method %s format %s", tb.Index, tb.HeaderRows, tb.Method, tb.Source.Format)
		}
	}
}

func TestXLSXNumbersFormulasAndOffset(t *testing.T) {
	ts := extractFixture(t, "corpus/offence_by_financial_year.xlsx")
	if len(ts) != 1 {
		t.Fatalf("got %d tables, want 1", len(ts))
	}
	tb := ts[0]
	if tb.Title != "Recorded crime by offence group and financial year – all crime types" {
		t.Errorf("title %q", tb.Title)
	}
	if len(tb.Notes) != 2 || tb.Notes[1] != "- denotes nil." {
		t.Errorf("notes %q", tb.Notes)
	}
	if tb.Rows[0][0].Ref != "B5" || tb.Text(0, 1) != "2019/20" {
		t.Errorf("table starts at %s with %q, want B5 and 2019/20", tb.Rows[0][0].Ref, tb.Text(0, 1))
	}
	last := tb.Rows[tb.NumRows()-1]
	if last[0].Text != "All offences" {
		t.Fatalf("last row %q", tb.Strings()[tb.NumRows()-1])
	}
	// The total row and column are SUM formulas: their cached values are
	// read, typed, and shown with their number format.
	for _, c := range last[1:] {
		if c.Number == nil {
			t.Errorf("%s %q has no Number", c.Ref, c.Text)
			continue
		}
		n, err := strconv.Atoi(strings.ReplaceAll(c.Text, ",", ""))
		if err != nil || float64(n) != *c.Number {
			t.Errorf("%s: text %q, number %v", c.Ref, c.Text, *c.Number)
		}
	}
	var big *Cell
	for i := range tb.Rows {
		for j := range tb.Rows[i] {
			if c := &tb.Rows[i][j]; c.Number != nil && *c.Number >= 1000 {
				big = c
			}
		}
	}
	if big == nil || !strings.Contains(big.Text, ",") {
		t.Errorf("no number shown with a thousands separator: %+v", big)
	}
	// Suppression markers are text, not numbers.
	for _, row := range tb.Rows {
		for _, c := range row {
			if (c.Text == "*" || c.Text == "-") && c.Number != nil {
				t.Errorf("%s %q has a Number", c.Ref, c.Text)
			}
		}
	}
	if tb.Confidence <= baseConfidence(MethodXLSX) || !hasReason(tb, "equals the sum of its parts") {
		t.Errorf("confidence %.2f reasons %q: totals should have raised it", tb.Confidence, tb.Reasons)
	}
}

func TestXLSXMergedHeaders(t *testing.T) {
	tb := extractFixture(t, "corpus/merged_headers.xlsx")[0]
	if tb.HeaderRows != 2 {
		t.Errorf("header rows %d, want 2", tb.HeaderRows)
	}
	r0, r1 := tb.Rows[0], tb.Rows[1]
	if r0[0].RowSpan != 2 || r1[0].Text != "Ethnicity" || !r1[0].Covered {
		t.Errorf("A1:A2 merge: %+v / %+v", r0[0], r1[0])
	}
	if r0[1].ColSpan != 3 || r0[1].Covered || !r0[2].Covered || !r0[3].Covered || r0[3].Text != "Arrests" {
		t.Errorf("B1:D1 merge: %+v %+v %+v", r0[1], r0[2], r0[3])
	}
	if r0[4].Text != "Stop and search" || r0[4].ColSpan != 3 {
		t.Errorf("E1:G1 merge: %+v", r0[4])
	}
	if r1[1].Text != "2021" || r1[1].Number == nil || *r1[1].Number != 2021 {
		t.Errorf("year header %+v: want a typed 2021", r1[1])
	}
}

// A blank row before the total row is a gap inside the table.
func TestXLSXBlankRowBeforeTotal(t *testing.T) {
	ts := extractFixture(t, "corpus/district_by_month.xlsx")
	if len(ts) != 1 {
		t.Fatalf("got %d tables, want 1", len(ts))
	}
	tb := ts[0]
	if got := tb.Text(tb.NumRows()-1, 0); got != "Force total" || !hasReason(tb, "blank row above") {
		t.Errorf("last row label %q reasons %q", got, tb.Reasons)
	}
}

// writeWorkbook builds a workbook in memory.
func writeWorkbook(t testing.TB, build func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	build(f)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestXLSXDatesPercentsAndBlankFormulas(t *testing.T) {
	data := writeWorkbook(t, func(f *excelize.File) {
		date, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
		pct, _ := f.NewStyle(&excelize.Style{NumFmt: 10})
		custom := "dd mmm yyyy"
		cdate, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &custom})
		rows := [][]any{{"Date", "Share", "Count"}, {45017, 0.25, 12}, {45048, 0.125, 7}}
		for i, r := range rows {
			for j, v := range r {
				ref, _ := excelize.CoordinatesToCellName(j+1, i+1)
				_ = f.SetCellValue("Sheet1", ref, v)
			}
		}
		_ = f.SetCellStyle("Sheet1", "A2", "A2", date)
		_ = f.SetCellStyle("Sheet1", "A3", "A3", cdate)
		_ = f.SetCellStyle("Sheet1", "B2", "B3", pct)
		_ = f.SetCellFormula("Sheet1", "D2", "C2*2") // no cached value
		_ = f.SetCellStr("Sheet1", "D1", "Double")
	})
	ts, err := File(context.Background(), "d.xlsx", data, nil)
	if err != nil || len(ts) != 1 {
		t.Fatalf("File: %v, %d tables", err, len(ts))
	}
	tb := ts[0]
	d1, d2 := tb.Rows[1][0], tb.Rows[2][0]
	if d1.Number != nil || d2.Number != nil || d1.Text == "45017" || !strings.Contains(d2.Text, "2023") {
		t.Errorf("date cells %+v %+v: want date text and no Number", d1, d2)
	}
	p := tb.Rows[1][1]
	if p.Text != "25.00%" || p.Number == nil || *p.Number != 0.25 {
		t.Errorf("percent cell %+v", p)
	}
	if !hasReason(tb, "formulas without a cached value (first D2)") {
		t.Errorf("reasons %q: want the formula without cached value named", tb.Reasons)
	}
}

func TestXLSXMaxRows(t *testing.T) {
	data := readFixture(t, "corpus/nationality_by_year.xlsx")
	ts, err := File(context.Background(), "n.xlsx", data, &Options{MaxRows: 6})
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 1 || ts[0].NumRows() != 5 || !hasReason(ts[0], "truncated after 6 rows") {
		t.Fatalf("tables %d, rows %d, reasons %q", len(ts), ts[0].NumRows(), ts[0].Reasons)
	}
}

// zipWith builds a zip whose entry name holds size bytes of zeros, the
// others copied from base.
func zipWith(t testing.TB, base []byte, name string, size int64, lie bool) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(base), int64(len(base)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if f.Name == name {
			continue
		}
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	// Deflate the zeros once, then write them raw with a declared size.
	var raw bytes.Buffer
	cw := zip.NewWriter(&raw)
	w, err := cw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
	if err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, 1<<20)
	for left := size; left > 0; left -= int64(len(zeros)) {
		if _, err := w.Write(zeros[:min(int64(len(zeros)), left)]); err != nil {
			t.Fatal(err)
		}
	}
	if err := cw.Close(); err != nil {
		t.Fatal(err)
	}
	rr, err := zip.NewReader(bytes.NewReader(raw.Bytes()), int64(raw.Len()))
	if err != nil {
		t.Fatal(err)
	}
	rf := rr.File[0]
	hdr := rf.FileHeader
	if lie {
		hdr.UncompressedSize64 = 1000
	}
	body, err := rf.OpenRaw()
	if err != nil {
		t.Fatal(err)
	}
	ow, err := zw.CreateRaw(&hdr)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(ow, body); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// zipDeclaring adds n worksheet parts to base, each of size stored bytes
// declared to inflate to declared bytes (a ratio below maxZipRatio).
func zipDeclaring(t testing.TB, base []byte, n int, size int, declared uint64) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(base), int64(len(base)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	body := make([]byte, size)
	for i := range body {
		body[i] = byte(i * 7919 >> 3)
	}
	for i := 0; i < n; i++ {
		w, err := zw.CreateRaw(&zip.FileHeader{Name: fmt.Sprintf("xl/worksheets/extra%d.xml", i), Method: zip.Store,
			CompressedSize64: uint64(size), UncompressedSize64: declared})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Zip bombs inside XLSX and DOCX are refused before inflating, and a lying
// size header fails when the entry is read, quickly and without panics.
func TestZipBombs(t *testing.T) {
	xlsx := readFixture(t, "corpus/merged_headers.xlsx")
	docx := readFixture(t, "corpus/merged_headers.docx")
	cases := []struct {
		name  string
		data  []byte
		opts  *Options
		large bool
	}{
		{"bomb.xlsx", zipWith(t, xlsx, "xl/worksheets/sheet1.xml", 256<<20, false), nil, true},
		{"bomb.docx", zipWith(t, docx, "word/document.xml", 256<<20, false), nil, true},
		{"bomb-32MiB.xlsx", zipWith(t, xlsx, "xl/worksheets/sheet1.xml", 32<<20, false), &Options{MaxBytes: 16 << 20}, true},
		{"styles-over-limit.xlsx", zipWith(t, xlsx, "xl/styles.xml", 2<<20, false), &Options{MaxBytes: 1 << 20}, true},
		{"over-2GiB.xlsx", zipDeclaring(t, xlsx, 4, 8<<20, 700<<20), nil, true},
		{"lying.xlsx", zipWith(t, xlsx, "xl/worksheets/sheet1.xml", 64<<20, true), nil, false},
		{"lying.docx", zipWith(t, docx, "word/document.xml", 64<<20, true), nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			ts, err := File(context.Background(), c.name, c.data, c.opts)
			elapsed := time.Since(start)
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			if err == nil {
				t.Fatalf("no error, %d tables", len(ts))
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Errorf("error %T %v, want *Error", err, err)
			}
			if c.large && !errors.Is(err, ErrTooLarge) {
				t.Errorf("error %v, want ErrTooLarge", err)
			}
			if elapsed > 5*time.Second {
				t.Errorf("took %v", elapsed)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 32<<20 {
				t.Errorf("allocated %d MiB", alloc>>20)
			}
			t.Logf("%s: %v in %v", c.name, err, elapsed)
		})
	}
}

// genWideXLSX writes an n-row, 10-column workbook with excelize's stream
// writer.
func genWideXLSX(t testing.TB, n int) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	header := []any{"Incident", "Force", "Year", "Month", "Offence", "Count", "Arrests", "Charged", "Cautioned", "Outcome"}
	if err := sw.SetRow("A1", header); err != nil {
		t.Fatal(err)
	}
	row := make([]any, 10)
	for i := 0; i < n; i++ {
		row[0] = "INC-" + strconv.Itoa(100000+i)
		row[1] = "Force " + strconv.Itoa(i%43)
		row[2] = 2019 + i%5
		row[3] = 1 + i%12
		row[4] = "Offence group " + strconv.Itoa(i%9)
		row[5] = i % 1000
		row[6] = i % 97
		row[7] = i % 31
		row[8] = i % 7
		row[9] = "Outcome " + strconv.Itoa(i%5)
		ref, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(ref, row); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// peakRSS returns the process's peak resident set size (VmHWM), and resets
// it when reset is set (Linux; 0 elsewhere).
func peakRSS(reset bool) int64 {
	if reset {
		_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	}
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:")), "%d", &kb)
			return kb << 10
		}
	}
	return 0
}

// BenchmarkXLSX100k extracts a 100,000-row, 10-column sheet and reports
// rows per second, allocations and the peak RSS reached while extracting.
func BenchmarkXLSX100k(b *testing.B) {
	const n = 100_000
	data := genWideXLSX(b, n)
	b.ReportMetric(float64(len(data))/(1<<20), "MiB-file")
	runtime.GC()
	base := peakRSS(true)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ts, err := File(context.Background(), "big.xlsx", data, nil)
		if err != nil {
			b.Fatal(err)
		}
		if len(ts) != 1 || ts[0].NumRows() != n+1 {
			b.Fatalf("got %d tables", len(ts))
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
	if p := peakRSS(false); p > 0 {
		b.ReportMetric(float64(p)/(1<<20), "MiB-peak-RSS")
		b.ReportMetric(float64(p-base)/(1<<20), "MiB-peak-RSS-growth")
	}
}

// TestXLSX100kBoundedMemory checks that a 100,000-row sheet is extracted
// with memory in proportion to the table it yields: the sheet is never held
// as a document tree besides.
func TestXLSX100kBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	if raceEnabled {
		t.Skip("measures memory and time: scripts/test.sh runs it without the race detector")
	}
	const n = 100_000
	data := genWideXLSX(t, n)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	ts, err := File(context.Background(), "big.xlsx", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if len(ts) != 1 || ts[0].NumRows() != n+1 || ts[0].NumCols() != 10 {
		t.Fatalf("got %d tables of %d rows", len(ts), ts[0].NumRows())
	}
	if got := ts[0].Text(n, 0); got != "INC-"+strconv.Itoa(100000+n-1) {
		t.Errorf("last row %q", got)
	}
	// The result holds 1.1M cells; live heap after extraction should be a
	// small multiple of that.
	live := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	perCell := float64(live) / float64(n*10)
	t.Logf("live heap %d MiB (%.0f bytes/cell), total allocated %d MiB, sys %d MiB",
		live>>20, perCell, (after.TotalAlloc-before.TotalAlloc)>>20, after.Sys>>20)
	if perCell > 250 {
		t.Errorf("%.0f bytes of live heap per cell", perCell)
	}
	runtime.KeepAlive(ts)
}
