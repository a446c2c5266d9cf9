package extract

import (
	"context"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// csvRecord is one record as the file's rows are numbered: its fields and
// the lines it starts and ends on.
type csvRecord struct {
	Fields           []string
	StartLine, ToEnd int
}

// stdRecords reads s with encoding/csv as extractCSV once did: lazy
// quotes, any number of fields; the end line is the last field's line
// plus its line breaks.
func stdRecords(t *testing.T, s string, comma rune) []csvRecord {
	r := csv.NewReader(strings.NewReader(s))
	r.Comma, r.FieldsPerRecord, r.LazyQuotes = comma, -1, true
	var out []csvRecord
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("encoding/csv: %v", err)
		}
		line, _ := r.FieldPos(0)
		last, _ := r.FieldPos(len(rec) - 1)
		out = append(out, csvRecord{Fields: rec, StartLine: line, ToEnd: last + strings.Count(rec[len(rec)-1], "\n")})
	}
}

func scanRecords(s string, comma rune) []csvRecord {
	out, _ := collectRecords(newCSVScanner([]byte(s), comma))
	return out
}

// collectRecords reads every record of sc, and the error that ended it.
func collectRecords(sc *csvScanner) ([]csvRecord, error) {
	var out []csvRecord
	for sc.next() {
		rec := make([]string, len(sc.ends))
		for i := range rec {
			rec[i] = string(sc.field(i))
		}
		out = append(out, csvRecord{Fields: rec, StartLine: sc.recLine, ToEnd: sc.endLine})
	}
	return out, sc.err
}

// csvFiles reads the CSV files of the directories.
func csvFiles(t *testing.T, dirs ...string) []string {
	t.Helper()
	var out []string
	for _, dir := range dirs {
		paths, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, string(b))
		}
	}
	return out
}

var scannerCases = []string{
	"", "\n", "\r\n\r\n", "a", "a\r", "a,b\nc,d", "a,b\r\nc,d\r\n", "a,,\n,,\n", ",\n",
	"\"a,b\",c\n", "\"a\"\"b\",c\n", "\"a\nb\",c\nd,e\n", "\"a\r\nb\"\r\n", "x,\"a\n\nb\"\n\ny,z",
	"a\"b,c\n", "\"a\"b,c\n", "\"a\" ,b\n", "\"unterminated\nline two", "\"ends\"", "\"\"", "\"\"\"",
	"a;b;c\n1;2;3\n", "a\tb\n", "  spaced  , x \n", "a\rb,c\n", "\"q\"\r", "sep=;\n",
	"a,\"b\nc\",\"d\ne\"\nf,g\n", "a,\"\n\",b\n", "\"\n\"\n\n\"\n\"",
}

// The scanner reads every record, field and line number as encoding/csv.
func TestCSVScannerMatchesEncodingCSV(t *testing.T) {
	inputs := append(append([]string(nil), scannerCases...), csvFiles(t, "testdata/corpus", "testdata/office")...)
	if len(inputs) < len(scannerCases)+5 {
		t.Fatalf("only %d inputs", len(inputs))
	}
	for _, s := range inputs {
		for _, comma := range []rune{',', ';', '\t', '§'} {
			want, got := stdRecords(t, s, comma), scanRecords(s, comma)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%q with %q:\n got %+v\nwant %+v", s[:min(len(s), 80)], comma, got, want)
			}
		}
	}
}

func FuzzCSVScanner(f *testing.F) {
	for _, s := range scannerCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, got := stdRecords(t, s, ';'), scanRecords(s, ';')
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q:\n got %+v\nwant %+v", s, got, want)
		}
	})
}

func TestAppendNormalSpace(t *testing.T) {
	for _, s := range []string{"", " ", "a", " a  b\t\nc ", "\u00a0x\u00a0\u00a0y\u00a0", "\xc2", "a\xc2", "\xe2\xc2\xa0b", "é  ü"} {
		if got, want := string(appendNormalSpace([]byte("pre"), []byte(s))), "pre"+NormaliseSpace(s); got != want {
			t.Errorf("%q: got %q, want %q", s, got, want)
		}
	}
}

// A compact table expands to the table read without Options.Compact,
// and answers NumRows, NumCols, Text, Row and Strings alike, for every
// CSV of the corpora.
func TestCSVCompactMatchesRows(t *testing.T) {
	var paths []string
	for _, dir := range []string{"testdata/corpus", "testdata/office", "testdata/real"} {
		p, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
		for _, f := range p {
			if !strings.HasSuffix(f, ".expected.csv") {
				paths = append(paths, f)
			}
		}
	}
	if len(paths) < 5 {
		t.Fatalf("only %d CSV files", len(paths))
	}
	// And a file with a repeated header, a total row and a total column.
	extra := []byte("Force,A,B,Total\nKent,1,2,3\nEssex,4,5,9\nTotal,5,7,12\nForce,A,B,Total\nKent,2,2,4\nEssex,1,1,2\nDorset,3,3,6\n")
	files := map[string][]byte{"extra.csv": extra}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files[p] = b
	}
	for name, data := range files {
		dense, err1 := File(context.Background(), filepath.Base(name), data, nil)
		compact, err2 := File(context.Background(), filepath.Base(name), data, &Options{Compact: true})
		if (err1 == nil) != (err2 == nil) || len(dense) != len(compact) {
			t.Fatalf("%s: %d tables (%v) vs compact %d (%v)", name, len(dense), err1, len(compact), err2)
		}
		for i := range dense {
			d, c := dense[i], compact[i]
			if Sniff(name, data) == "csv" && !c.Compact() {
				t.Errorf("%s table %d: not compact", name, i+1)
			}
			if !reflect.DeepEqual(c.Strings(), d.Strings()) || c.NumRows() != d.NumRows() || c.NumCols() != d.NumCols() {
				t.Errorf("%s table %d: grids differ", name, i+1)
			}
			for r := 0; r < d.NumRows(); r++ {
				if !reflect.DeepEqual(c.Row(r), d.Rows[r]) {
					t.Errorf("%s table %d row %d: %+v, want %+v", name, i+1, r, c.Row(r), d.Rows[r])
					break
				}
			}
			c.Expand()
			if c.Compact() || !reflect.DeepEqual(c, d) {
				t.Errorf("%s table %d: expanded\n%+v\nwant\n%+v", name, i+1, c, d)
			}
		}
	}
	ts, err := File(context.Background(), "extra.csv", extra, &Options{Compact: true})
	if err != nil || len(ts) != 2 || !hasReason(ts[0], "equals the sum") || ts[1].Row(0)[0].Ref != "A5" || ts[1].Row(3)[3].Ref != "D8" {
		t.Fatalf("extra.csv: %v, %d tables", err, len(ts))
	}
}

func TestEqualSqueezeFoldAndSuppressed(t *testing.T) {
	words := []string{"", " ", "Total", "to tal", "TOTAL\u00a0", "Tötal", "TÖTAL", "\xff", "\xfe", "K", "\u212a", "n/a", "N/A", "[X]", "Redacted", "REDACTED ", "≤5", "< 5", "Charged/Summonsed", "–", "x", "X", "~", "Withheld", "withheldx"}
	for _, a := range words {
		for _, b := range words {
			if got, want := equalSqueezeFold(a, b), squeezeFold(a) == squeezeFold(b); got != want {
				t.Errorf("equalSqueezeFold(%q, %q) = %v, want %v", a, b, got, want)
			}
		}
		if got, want := isSuppressed(a), a != "" && len(strings.ToLower(strings.TrimSpace(a))) <= 12 && suppressedRE.MatchString(strings.ToLower(strings.TrimSpace(a))); got != want {
			t.Errorf("isSuppressed(%q) = %v, want %v", a, got, want)
		}
	}
}

// chunked holds every value at its index across chunk boundaries.
func TestChunked(t *testing.T) {
	var c chunked[int32]
	const n = 3<<chunkBits + 5
	for i := 0; i < n; i++ {
		c.add(int32(i))
	}
	if c.n != n || len(c.chunks) != 4 {
		t.Fatalf("n %d, %d chunks", c.n, len(c.chunks))
	}
	for i := 0; i < n; i++ {
		if c.at(i) != int32(i) {
			t.Fatalf("at(%d) = %d", i, c.at(i))
		}
	}
}
