package extract_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/foidesk/foidesk/internal/extract/bench"
)

// corpusFloor is the cell-level F1 each format reached on the corpus; a
// change that lowers it fails. PDF is scored by its own tests.
var corpusFloor = map[string]float64{"xlsx": 1, "csv": 1, "docx": 1, "html": 1, "txt": 1}

func TestCorpusF1(t *testing.T) {
	docs, err := bench.CorpusDocs("testdata/corpus")
	if err != nil {
		t.Fatal(err)
	}
	var rs []bench.DocResult
	for _, d := range docs {
		if _, ok := corpusFloor[d.Format]; !ok {
			continue
		}
		r := bench.RunDoc(context.Background(), d, 0)
		if r.Err != nil {
			t.Errorf("%s: %v", d.Path, r.Err)
		}
		if r.Strict.F1() < corpusFloor[d.Format] {
			t.Errorf("%s: F1 %.3f (P %.3f R %.3f, tables %d/%d)", d.Path, r.Strict.F1(), r.Strict.Precision(),
				r.Strict.Recall(), r.Strict.TablesGot, r.Strict.TablesWant)
		}
		rs = append(rs, r)
	}
	for _, s := range bench.Summarise(rs) {
		t.Logf("%s: %d documents, F1 %.3f, numeric F1 %.3f, titles %d/%d, notes %d/%d",
			s.Format, s.Docs, s.Strict.F1(), s.Numeric.F1(), s.Strict.TitlesOK, s.Strict.Titles, s.Strict.NotesOK, s.Strict.Notes)
		if s.Strict.F1() < corpusFloor[s.Format] {
			t.Errorf("%s: F1 %.3f below %.3f", s.Format, s.Strict.F1(), corpusFloor[s.Format])
		}
		if s.Strict.TitlesOK != s.Strict.Titles || s.Strict.NotesOK != s.Strict.Notes {
			t.Errorf("%s: titles %d/%d, notes %d/%d", s.Format, s.Strict.TitlesOK, s.Strict.Titles, s.Strict.NotesOK, s.Strict.Notes)
		}
	}
	if len(rs) < 25 {
		t.Errorf("only %d corpus documents scored", len(rs))
	}
}

// The committed expected files and text renderings match the generator.
func TestCorpusUpToDate(t *testing.T) {
	for _, c := range bench.Cases() {
		for _, f := range c.Formats {
			name := filepath.Join("testdata/corpus", c.Name+"."+f)
			exp, err := os.ReadFile(name + bench.ExpectedSuffix)
			if err != nil {
				t.Fatal(err)
			}
			if string(exp) != bench.ExpectedCSV(c, f) {
				t.Errorf("%s is stale: go run ./internal/extract/bench/cmd/gencorpus -pdf", name+bench.ExpectedSuffix)
			}
			if f == "xlsx" || f == "docx" {
				continue // zip timestamps differ between runs
			}
			want, err := bench.Render(c, f)
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s is stale: go run ./internal/extract/bench/cmd/gencorpus -pdf", name)
			}
		}
	}
}
