package extract

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// streamRecords reads s as a stream, through a buffer of size bytes.
func streamRecords(s string, comma rune, size int) ([]csvRecord, error) {
	return collectRecords(newCSVReaderScanner(bufio.NewReaderSize(strings.NewReader(s), size), comma))
}

// csvStreamInputs are the scanner's cases, the corpora's CSV files and
// some of lines longer than a reader's buffer.
func csvStreamInputs(t *testing.T) []string {
	inputs := append(append([]string(nil), scannerCases...), csvFiles(t, "testdata/corpus", "testdata/office", "testdata/real")...)
	long := strings.Repeat("x", 100)
	inputs = append(inputs, long+","+long+"\n"+long+"\r\n", "\""+long+"\n"+long+"\",1\n2,3",
		strings.Repeat("a,", 50)+"\r\n\r\nb,\"c\"\"\r\n\"\r\n", "é,"+long+"€\n\"ü\nß\",x")
	return inputs
}

// The scanner reading a stream gives every record and line number as it
// gives them reading the bytes, whatever the reader's buffer, and stops
// with errCSVWhole on text that is not UTF-8.
func TestCSVReaderScannerMatchesBytes(t *testing.T) {
	for _, s := range csvStreamInputs(t) {
		for _, comma := range []rune{',', ';', '§'} {
			want := scanRecords(s, comma)
			for _, size := range []int{16, 4096} {
				got, err := streamRecords(s, comma, size)
				if !utf8.ValidString(s) {
					if !errors.Is(err, errCSVWhole) {
						t.Errorf("%q: not UTF-8, error %v", s[:min(len(s), 80)], err)
					}
					continue
				}
				if err != nil || !reflect.DeepEqual(got, want) {
					t.Errorf("%q with %q, buffer %d (%v):\n got %+v\nwant %+v", s[:min(len(s), 80)], comma, size, err, got, want)
				}
			}
		}
	}
	for _, s := range []string{"a,b\n\xff,c\n", "a,b\nc,d\ne,\xe9\n", "\xc3"} {
		if _, err := streamRecords(s, ',', 16); !errors.Is(err, errCSVWhole) {
			t.Errorf("%q: error %v, want errCSVWhole", s, err)
		}
	}
}

// readerAt records the largest read it is asked for.
type readerAt struct {
	r       *bytes.Reader
	mu      sync.Mutex
	largest int
}

func (r *readerAt) ReadAt(p []byte, off int64) (int, error) {
	r.mu.Lock()
	r.largest = max(r.largest, len(p))
	r.mu.Unlock()
	return r.r.ReadAt(p, off)
}

func tablesJSON(ts []*Table, err error) string {
	b, jerr := json.Marshal(ts)
	if jerr != nil {
		return "json: " + jerr.Error()
	}
	return fmt.Sprintf("%s\nerror: %v", b, err)
}

// FileReader gives the tables File gives, byte for byte once encoded,
// and the same error, for every CSV of the corpora and for files that
// try its edges: a byte order mark, Excel's "sep=" line, text that
// stops being UTF-8 past the head (and past MaxRows), UTF-16, long
// lines, other formats, an empty or too large file. A UTF-8 CSV is read
// in pieces, never whole.
func TestFileReaderMatchesFile(t *testing.T) {
	files := map[string][]byte{}
	for _, pat := range []string{"testdata/corpus/*", "testdata/office/*", "testdata/real/*.csv"} {
		paths, _ := filepath.Glob(pat)
		for _, p := range paths {
			switch filepath.Ext(p) {
			case ".xls", ".ods", ".doc", ".odt":
				continue // read by LibreOffice: slow, and read whole either way
			}
			if fi, err := os.Stat(p); err != nil || fi.IsDir() {
				continue
			}
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			files[p] = b
		}
	}
	if len(files) < 10 {
		t.Fatalf("only %d files", len(files))
	}
	rows := func(n int, tail string) []byte {
		var b bytes.Buffer
		b.WriteString("Year,Force,Count\n")
		for i := range n {
			fmt.Fprintf(&b, "%d,Force %d,%d\n", 2015+i%10, i%7, i*13%500)
		}
		b.WriteString(tail)
		return b.Bytes()
	}
	long := strings.Repeat("z", 200<<10)
	files["bom.csv"] = append([]byte("\xef\xbb\xbf"), rows(3000, "")...)
	files["sep.csv"] = append([]byte("sep=;\r\n"), bytes.ReplaceAll(rows(3000, ""), []byte(","), []byte(";"))...)
	files["bomsep.csv"] = append([]byte("\xef\xbb\xbfsep=|\n"), bytes.ReplaceAll(rows(10, ""), []byte(","), []byte("|"))...)
	files["late1252.csv"] = rows(5000, "2030,Caf\xe9,1\n")
	files["laterow.csv"] = rows(5000, "2030,Café,1\n")
	files["long.csv"] = rows(10, long+",1,2\n\""+long+"\n\",3\n")
	files["utf16.csv"] = []byte("\xff\xfea\x00,\x00b\x00\n\x001\x00,\x002\x00\n\x003\x00,\x004\x00\n\x00")
	files["empty.csv"] = nil
	files["blank.csv"] = []byte("\n\n")
	files["prose.txt"] = []byte("Dear requester,\nthank you for your request.\n")
	files["numbers.csv"] = rows(200000, "")
	opts := []*Options{nil, {Compact: true}, {Compact: true, MaxRows: 40}, {MaxBytes: 100 << 10}}
	ctx := context.Background()
	compared := 0
	for name, data := range files {
		for _, o := range opts {
			want := tablesJSON(File(ctx, filepath.Base(name), data, o))
			r := &readerAt{r: bytes.NewReader(data)}
			got := tablesJSON(FileReader(ctx, filepath.Base(name), r, int64(len(data)), o))
			if got != want {
				t.Fatalf("%s %+v: FileReader gives\n%.600s\nFile gives\n%.600s", name, o, got, want)
			}
			compared++
			if (o == nil || o.MaxBytes == 0) && utf8.Valid(data) && Sniff(filepath.Base(name), data) == "csv" &&
				len(data) > 1<<20 && r.largest > 64<<10+3 {
				t.Errorf("%s: a read of %d bytes", name, r.largest)
			}
		}
	}
	t.Logf("%d files, %d results compared", len(files), compared)
}

// appendJSONString writes a string as encoding/json does.
func TestAppendJSONString(t *testing.T) {
	cases := []string{"", "plain", "<a href=\"x\">&amp;</a>", "back\\slash", "\u2028\u2029", "é€😀", "\xff\xfe", "a\xc3", "\x7f\x00\x1f"}
	for b := range 256 {
		cases = append(cases, string([]byte{byte(b)}), "x"+string([]byte{byte(b)})+"y")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []string{"a", " ", "\"", "\\", "<", "&", "\n", "\t", "\x01", "é", "\u2028", "\xe2\x80", "\xff", "😀"}
	for range 2000 {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		cases = append(cases, b.String())
	}
	for _, s := range cases {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString([]byte("pre"), s); string(got) != "pre"+string(want) {
			t.Fatalf("%q: got %s, want %s", s, got[3:], want)
		}
	}
}

// A row's JSON, appended from a compact table's store, is json.Marshal
// of the row, for every row of every CSV table of the corpora; outside
// the grid it is null. Ref gives each cell's ref as the row has it.
func TestAppendRowJSON(t *testing.T) {
	paths, _ := filepath.Glob("testdata/*/*.csv")
	rowsSeen := 0
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		ts, _ := File(context.Background(), filepath.Base(p), data, &Options{Compact: true})
		for _, tb := range ts {
			for r := -1; r <= tb.NumRows(); r++ {
				want, err := json.Marshal(tb.Row(r))
				if err != nil {
					t.Fatal(err)
				}
				got, err := tb.AppendRowJSON([]byte("x"), r)
				if err != nil || string(got) != "x"+string(want) {
					t.Fatalf("%s table %d row %d (%v):\n got %s\nwant %s", p, tb.Index, r, err, got[1:], want)
				}
				rowsSeen++
				row := tb.Row(r)
				for c := -1; c <= tb.NumCols(); c++ {
					want := ""
					if c >= 0 && c < len(row) {
						want = row[c].Ref
					}
					if got := tb.Ref(r, c); got != want {
						t.Fatalf("%s table %d: Ref(%d, %d) = %q, want %q", p, tb.Index, r, c, got, want)
					}
				}
			}
		}
	}
	if rowsSeen < 100 {
		t.Fatalf("only %d rows", rowsSeen)
	}
	// Nothing is allocated for a compact row.
	ts, err := File(context.Background(), "a.csv", []byte("a,b,c\n1,<2>,\"x\ny\"\n"), &Options{Compact: true})
	if err != nil || len(ts) != 1 || !ts[0].Compact() {
		t.Fatalf("%d tables, %v", len(ts), err)
	}
	buf := make([]byte, 0, 1024)
	if n := testing.AllocsPerRun(100, func() { buf, _ = ts[0].AppendRowJSON(buf[:0], 1) }); n != 0 {
		t.Errorf("%v allocations a row", n)
	}
}
