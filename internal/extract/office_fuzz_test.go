package extract

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// Fuzz with a short minimisation time, or the fuzzer spends its time
// shrinking the large seed documents:
//
//	go test -run '^$' -fuzz '^FuzzXLSX$' -fuzztime 1m -fuzzminimizetime 2s ./internal/extract

// fuzzOptions keeps each fuzz input small and quick.
var fuzzOptions = &Options{MaxBytes: 1 << 20, MaxRows: 10000, Timeout: 5 * time.Second}

// addSeeds adds the fixtures with the given extensions as seeds.
func addSeeds(f *testing.F, exts ...string) {
	for _, dir := range []string{"testdata/corpus", "testdata/office"} {
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			for _, ext := range exts {
				if strings.HasSuffix(e.Name(), ext) {
					if b, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil && len(b) < 64<<10 {
						f.Add(b)
					}
				}
			}
		}
	}
}

// watchdog crashes the fuzzing process when one input takes longer than
// the bound, so that the fuzzer keeps the slow input as a failure; call the
// returned func when the input is done.
func watchdog() func() bool {
	return time.AfterFunc(10*time.Second, func() { panic("extraction took more than 10s on one input") }).Stop
}

// checkResult asserts what every extraction must give: a typed error or
// well-formed tables.
func checkResult(t *testing.T, ts []*Table, err error) {
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("error %T %v is not *Error", err, err)
		}
		return
	}
	for _, tb := range ts {
		if tb.Confidence < 0 || tb.Confidence > 1 || tb.HeaderRows < 0 || tb.HeaderRows > len(tb.Rows) {
			t.Fatalf("table %d: confidence %v header rows %d of %d", tb.Index, tb.Confidence, tb.HeaderRows, len(tb.Rows))
		}
		for _, r := range tb.Rows {
			for _, c := range r {
				if c.RowSpan < 0 || c.ColSpan < 0 {
					t.Fatalf("negative span %+v", c)
				}
			}
		}
	}
}

func FuzzCSV(f *testing.F) {
	addSeeds(f, ".csv")
	f.Add([]byte("a;b\n\"x\ny\";2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		defer watchdog()()
		ts, err := extractCSV(context.Background(), data, withDefaults(fuzzOptions))
		if err == nil {
			ts = finishTables(ts, withDefaults(fuzzOptions), "csv")
		}
		checkResult(t, ts, err)
		// Read compactly, the same tables once expanded.
		co := withDefaults(fuzzOptions)
		co.Compact = true
		cs, cerr := extractCSV(context.Background(), data, co)
		if cerr == nil {
			cs = finishTables(cs, co, "csv")
		}
		if (err == nil) != (cerr == nil) || len(cs) != len(ts) {
			t.Fatalf("compact: %d tables (%v), want %d (%v)", len(cs), cerr, len(ts), err)
		}
		for i, c := range cs {
			c.Expand()
			if !reflect.DeepEqual(c, ts[i]) {
				t.Fatalf("compact table %d differs:\n%+v\nwant\n%+v", i+1, c, ts[i])
			}
		}
	})
}

func FuzzDOCX(f *testing.F) {
	addSeeds(f, ".docx")
	f.Fuzz(func(t *testing.T, data []byte) {
		defer watchdog()()
		ts, err := File(context.Background(), "f.docx", data, fuzzOptions)
		checkResult(t, ts, err)
	})
}

// FuzzDOCXXML fuzzes the document part itself, which the zip wrapper
// would otherwise keep the fuzzer from reaching.
func FuzzDOCXXML(f *testing.F) {
	f.Add([]byte(`<w:document xmlns:w="x"><w:body><w:p><w:r><w:t>T</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="3"/><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>a</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:trPr><w:gridBefore w:val="2"/></w:trPr><w:tc><w:tcPr><w:vMerge/></w:tcPr></w:tc></w:tr></w:tbl></w:body></w:document>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		defer watchdog()()
		ts, err := parseDOCX(context.Background(), strings.NewReader(string(data)), 1<<16)
		if err == nil {
			ts = finishTables(ts, withDefaults(fuzzOptions), "docx")
		} else {
			err = &Error{Format: "docx", Err: err}
		}
		checkResult(t, ts, err)
	})
}

func FuzzHTML(f *testing.F) {
	addSeeds(f, ".html")
	f.Add([]byte(`<table><tr><td rowspan=0 colspan=3>a<table><tr><td>b</td></tr></table></td></tr><tr><th>c</th></tr></table>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		defer watchdog()()
		ts, err := File(context.Background(), "f.html", data, fuzzOptions)
		checkResult(t, ts, err)
	})
}

func FuzzText(f *testing.F) {
	addSeeds(f, ".txt")
	f.Fuzz(func(t *testing.T, data []byte) {
		defer watchdog()()
		ts, err := extractText(context.Background(), data, withDefaults(fuzzOptions))
		if err == nil {
			ts = finishTables(ts, withDefaults(fuzzOptions), "text")
		}
		checkResult(t, ts, err)
	})
}

func FuzzXLSX(f *testing.F) {
	addSeeds(f, ".xlsx")
	f.Fuzz(func(t *testing.T, data []byte) {
		defer watchdog()()
		ts, err := File(context.Background(), "f.xlsx", data, fuzzOptions)
		checkResult(t, ts, err)
	})
}

func withDefaults(o *Options) *Options {
	v := o.withDefaults()
	return &v
}
