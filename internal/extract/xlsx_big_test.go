package extract

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/foidesk/foidesk/internal/memtest"
)

// genTallXLSX writes an n-row, 2-column workbook (a header, then a date
// label and a count per row) with excelize's stream writer.
func genTallXLSX(t testing.TB, n int) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	if err := sw.SetRow("A1", []any{"Recorded at", "Calls"}); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	row := make([]any, 2)
	for i := 1; i < n; i++ {
		row[0] = start.Add(time.Duration(i) * time.Minute).Format("2006-01-02 15:04")
		row[1] = i * 7 % 1000
		ref, _ := excelize.CoordinatesToCellName(1, i+1)
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

// childStats is what a child process reports of one extraction.
type childStats struct {
	Rows, Cols  int
	Last        string
	Err         string
	Seconds     float64
	PeakRSS     int64 // bytes, VmHWM of the child
	TotalAlloc  uint64
	PeakHeap    uint64 // highest HeapAlloc seen by a sampler
	PeakInuse   uint64 // highest HeapInuse seen by the sampler
	HeapBefore  uint64 // HeapAlloc before extracting (the file read)
	BaselineRSS int64  // VmHWM before extracting
	FileBytes   int
	LiveAfter   uint64 // heap in use after extracting and a GC, the tables alive
}

// runChild extracts the file at path in a fresh process (this test binary
// run again), so that its peak RSS is the extraction's alone.
func runChild(t *testing.T, test, path string, env ...string) childStats {
	t.Helper()
	var st childStats
	memtest.RunChild(t, test, append([]string{"FOIDESK_EXTRACT_CHILD=" + path}, env...), &st)
	return st
}

// childExtract, in a child process, extracts the file named by
// FOIDESK_EXTRACT_CHILD (with Options.Compact when FOIDESK_EXTRACT_COMPACT
// is set) and prints its stats; it reports whether it ran.
func childExtract() bool {
	path := os.Getenv("FOIDESK_EXTRACT_CHILD")
	if path == "" {
		return false
	}
	data, err := os.ReadFile(path)
	if err != nil {
		memtest.Report(childStats{Err: err.Error()})
		return true
	}
	runtime.GC()
	st := childStats{BaselineRSS: peakRSS(false), FileBytes: len(data)}
	var sampler memtest.Sampler
	sampler.Start()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	st.HeapBefore = before.HeapAlloc
	start := time.Now()
	opts := &Options{Timeout: 10 * time.Minute, Compact: os.Getenv("FOIDESK_EXTRACT_COMPACT") != ""}
	ts, err := File(context.Background(), filepath.Base(path), data, opts)
	st.Seconds = time.Since(start).Seconds()
	peak := sampler.Stop()
	runtime.ReadMemStats(&after)
	st.PeakHeap, st.PeakInuse = peak.HeapAlloc, peak.HeapInuse
	st.TotalAlloc = after.TotalAlloc - before.TotalAlloc
	st.PeakRSS = peakRSS(false)
	runtime.GC()
	runtime.ReadMemStats(&after)
	st.LiveAfter = after.HeapAlloc - min(after.HeapAlloc, before.HeapAlloc)
	if err != nil {
		st.Err = err.Error()
	}
	if len(ts) > 0 {
		st.Rows, st.Cols = ts[0].NumRows(), ts[0].NumCols()
		st.Last = ts[0].Text(st.Rows-1, 0) + "|" + ts[0].Text(st.Rows-1, 1)
	}
	memtest.Report(st)
	runtime.KeepAlive(ts)
	return true
}

// A genuine sheet of 1,048,576 rows (as many as Excel holds), whose sheet
// XML inflates past MaxBytes at an ordinary compression ratio, is read
// whole, streaming, within 500 MiB of peak RSS.
func TestXLSXMillionRows(t *testing.T) {
	if childExtract() {
		return
	}
	if testing.Short() {
		t.Skip("slow: generates and reads a 1,048,576-row workbook")
	}
	if raceEnabled {
		t.Skip("measures memory and time: run without the race detector")
	}
	const n = 1 << 20
	data := genTallXLSX(t, n)
	path := filepath.Join(t.TempDir(), "tall.xlsx")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	st := runChild(t, "TestXLSXMillionRows", path)
	t.Logf("file %.1f MiB: %.1f s, peak RSS %d MiB (baseline %d MiB), peak heap %d MiB, live after %d MiB, allocated %d MiB",
		float64(st.FileBytes)/(1<<20), st.Seconds, st.PeakRSS>>20, st.BaselineRSS>>20, st.PeakHeap>>20, st.LiveAfter>>20, st.TotalAlloc>>20)
	if st.Err != "" {
		t.Fatalf("error: %s", st.Err)
	}
	last := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Add((n - 1) * time.Minute).Format("2006-01-02 15:04")
	if st.Rows != n || st.Cols != 2 || st.Last != last+"|"+strconv.Itoa((n-1)*7%1000) {
		t.Errorf("got %d rows × %d columns, last %q", st.Rows, st.Cols, st.Last)
	}
	if st.PeakRSS > 500<<20 {
		t.Errorf("peak RSS %d MiB, want at most 500 MiB", st.PeakRSS>>20)
	}
}

// Reading stops at the cell limit, the merged ranges past maxMerges are
// ignored, and each says so; the time limit gives an error naming the row.
func TestXLSXCellMergeAndTimeLimits(t *testing.T) {
	data := writeWorkbook(t, func(f *excelize.File) {
		for r := 1; r <= 40; r++ {
			f.SetSheetRow("Sheet1", "A"+strconv.Itoa(r), &[]any{"Row " + strconv.Itoa(r), r, r * 2})
		}
	})
	ts, err := File(context.Background(), "cells.xlsx", data, &Options{MaxCells: 30})
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 1 || ts[0].NumRows() != 10 || !hasReason(ts[0], "cell limit (30 cells)") {
		t.Fatalf("%d tables, rows %d, reasons %q", len(ts), ts[0].NumRows(), ts[0].Reasons)
	}

	data = writeWorkbook(t, func(f *excelize.File) {
		f.SetSheetRow("Sheet1", "A1", &[]any{"Force", "Count"})
		f.SetSheetRow("Sheet1", "A2", &[]any{"Kent", 4})
	})
	many := make([]string, 0, maxMerges+10)
	for i := 0; i < maxMerges+10; i++ {
		r := strconv.Itoa(10 + i)
		many = append(many, `<mergeCell ref="D`+r+`:E`+r+`"/>`)
	}
	data = replaceInZip(t, data, "xl/worksheets/sheet1.xml", func(s string) string {
		return strings.Replace(s, "</sheetData>", "</sheetData><mergeCells count=\""+strconv.Itoa(len(many))+"\">"+strings.Join(many, "")+"</mergeCells>", 1)
	})
	ts, err = File(context.Background(), "merges.xlsx", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 1 || !hasReason(ts[0], "10 merged ranges past the first 65536 ignored") {
		t.Fatalf("%d tables, reasons %q", len(ts), ts[0].Reasons)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	big := genTallXLSX(t, 5000)
	_, err = File(ctx, "tall.xlsx", big, nil)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "stopped at row") {
		t.Fatalf("error %v, want context.Canceled naming the row", err)
	}
}

// replaceInZip rewrites one part of a zip package.
func replaceInZip(t testing.TB, data []byte, name string, edit func(string) string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if f.Name != name {
			if err := zw.Copy(f); err != nil {
				t.Fatal(err)
			}
			continue
		}
		b, err := readZipFile(f, 1<<30)
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(edit(string(b)))); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
