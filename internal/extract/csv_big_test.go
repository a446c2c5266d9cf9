package extract

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/foidesk/foidesk/internal/memtest"
)

// A CSV of about 60 MB is read whole. Read with Options.Compact, the
// heap it takes at its peak (sampled HeapAlloc and HeapInuse, less the
// heap before, which holds the file) is at most 3× the file's size; read
// into Rows (80 bytes a Cell) it is logged alongside.
func TestCSV60MBMemory(t *testing.T) {
	if childExtract() {
		return
	}
	if testing.Short() {
		t.Skip("slow: reads a 60 MB CSV")
	}
	if raceEnabled {
		t.Skip("measures memory and time: run without the race detector")
	}
	data := memtest.BigCSV(60e6)
	rows := bytes.Count(data, []byte("\n"))
	path := filepath.Join(t.TempDir(), "big.csv")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, compact := range []bool{true, false} {
		var env []string
		if compact {
			env = []string{"FOIDESK_EXTRACT_COMPACT=1"}
		}
		st := runChild(t, "TestCSV60MBMemory", path, env...)
		file := float64(st.FileBytes)
		grew := float64(st.PeakHeap - min(st.PeakHeap, st.HeapBefore))
		inuse := float64(st.PeakInuse - min(st.PeakInuse, st.HeapBefore))
		t.Logf("compact %v: file %.1f MB, %d rows: %.1f s, peak heap %d MiB (%.2f× the file; %.2f× above the heap before; in use %.2f×), live after %d MiB (%.2f×), peak RSS %d MiB (baseline %d MiB), allocated %d MiB",
			compact, file/1e6, rows, st.Seconds, st.PeakHeap>>20, float64(st.PeakHeap)/file, grew/file, inuse/file,
			st.LiveAfter>>20, float64(st.LiveAfter)/file, st.PeakRSS>>20, st.BaselineRSS>>20, st.TotalAlloc>>20)
		if st.Err != "" {
			t.Fatalf("error: %s", st.Err)
		}
		if st.Rows != rows || st.Cols != 5 {
			t.Errorf("got %d rows × %d columns, want %d × 5", st.Rows, st.Cols, rows)
		}
		if compact && (grew > 3*file || inuse > 3*file) {
			t.Errorf("compact: peak heap %.2f× (in use %.2f×) the file above the heap before, want at most 3×", grew/file, inuse/file)
		}
	}
}

// BenchmarkCSVCompact reads an 8 MB CSV into compact tables and reports
// the heap they hold per byte of the file.
func BenchmarkCSVCompact(b *testing.B) {
	data := memtest.BigCSV(8e6)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var held float64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		ts, err := File(context.Background(), "big.csv", data, &Options{Compact: true})
		if err != nil || len(ts) != 1 || ts[0].NumCols() != 5 {
			b.Fatalf("%v, %d tables", err, len(ts))
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		held = float64(after.HeapAlloc-min(after.HeapAlloc, before.HeapAlloc)) / float64(len(data))
		runtime.KeepAlive(ts)
	}
	b.ReportMetric(held, "held/file-byte")
}
