package extract

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// genCSV writes a CSV of about size bytes: a header, then rows of a
// month, a force, an offence group, an outcome and a count.
func genCSV(size int) []byte {
	forces := []string{"Metropolitan Police", "Kent", "Greater Manchester", "West Yorkshire", "Thames Valley", "Avon and Somerset"}
	offences := []string{"Violence against the person", "Theft offences", "Criminal damage and arson", "Drug offences", "Public order offences"}
	outcomes := []string{"Charged/Summonsed", "Community resolution", "Investigation complete - no suspect identified", "Evidential difficulties"}
	var b bytes.Buffer
	b.Grow(size + 256)
	b.WriteString("Month,Force,Offence group,Outcome,Count\n")
	for i := 0; b.Len() < size; i++ {
		b.WriteString(strconv.Itoa(2015+i/12%10) + "-" + strconv.Itoa(1+i%12))
		b.WriteByte(',')
		b.WriteString(forces[i%len(forces)])
		b.WriteByte(',')
		b.WriteString(offences[i/7%len(offences)])
		b.WriteByte(',')
		b.WriteString(outcomes[i/3%len(outcomes)])
		b.WriteByte(',')
		b.WriteString(strconv.Itoa(i * 13 % 5000))
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// A CSV of about 60 MB is read whole; its peak heap is logged against the
// file's size (the result alone, at 80 bytes a Cell, is several times it).
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
	data := genCSV(60e6)
	rows := bytes.Count(data, []byte("\n"))
	path := filepath.Join(t.TempDir(), "big.csv")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	st := runChild(t, "TestCSV60MBMemory", path)
	t.Logf("file %.1f MB, %d rows: %.1f s, peak heap %d MiB (%.1f× the file), live after %d MiB, peak RSS %d MiB (baseline %d MiB), allocated %d MiB",
		float64(st.FileBytes)/1e6, rows, st.Seconds, st.PeakHeap>>20, float64(st.PeakHeap)/float64(st.FileBytes),
		st.LiveAfter>>20, st.PeakRSS>>20, st.BaselineRSS>>20, st.TotalAlloc>>20)
	if st.Err != "" {
		t.Fatalf("error: %s", st.Err)
	}
	if st.Rows != rows || st.Cols != 5 {
		t.Errorf("got %d rows × %d columns, want %d × 5", st.Rows, st.Cols, rows)
	}
}
