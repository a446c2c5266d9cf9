package normalise

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/foidesk/foidesk/internal/extract"
)

// compactCSVs are the CSV files the comparison of compact and expanded
// tables reads: the extractor's corpora and the equivalence cases written
// as CSV (their texts; a CSV has no typed numbers), with each case's
// options.
func compactCSVs(t *testing.T) (names []string, files map[string][]byte, opts map[string]*Options) {
	files, opts = map[string][]byte{}, map[string]*Options{}
	var paths []string
	for _, pat := range []string{"../extract/testdata/corpus/*.csv", "../extract/testdata/office/*.csv",
		"../extract/testdata/real/*.csv"} {
		p, _ := filepath.Glob(pat)
		paths = append(paths, p...)
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, p)
		files[p] = b
	}
	if len(names) < 5 {
		t.Fatalf("only %d CSV files", len(names))
	}
	for i, c := range equivCases(t) {
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		for _, row := range c.table.Rows {
			rec := make([]string, len(row))
			for j, cell := range row {
				rec[j] = cell.Text
			}
			if err := w.Write(rec); err != nil {
				t.Fatal(err)
			}
		}
		w.Flush()
		name := fmt.Sprintf("case%03d.csv", i)
		names = append(names, name)
		files[name], opts[name] = b.Bytes(), c.opts
	}
	return names, files, opts
}

// A compact table (extract.Options.Compact) maps exactly as the same
// table expanded into Rows: the same observations, refs, decisions,
// reasons and confidence, under every schema, and HasFigures agrees.
func TestCompactTablesMapAsExpanded(t *testing.T) {
	schemas := equivSchemas(t)
	names, files, opts := compactCSVs(t)
	compared, mapped := 0, 0
	for _, name := range names {
		data := files[name]
		ctx := context.Background()
		compact, err1 := extract.File(ctx, filepath.Base(name), data, &extract.Options{Compact: true})
		dense, err2 := extract.File(ctx, filepath.Base(name), data, nil)
		if (err1 == nil) != (err2 == nil) || len(compact) != len(dense) {
			t.Fatalf("%s: %d tables (%v), dense %d (%v)", name, len(compact), err1, len(dense), err2)
		}
		for i := range compact {
			c, d := compact[i], dense[i]
			if !c.Compact() && strings.HasSuffix(name, ".csv") && extract.Sniff(name, data) == "csv" {
				t.Fatalf("%s table %d: not compact", name, i+1)
			}
			if HasFigures(c) != HasFigures(d) {
				t.Errorf("%s table %d: HasFigures %v, expanded %v", name, i+1, HasFigures(c), HasFigures(d))
			}
			for k, s := range schemas {
				o := opts[name]
				got := canonical(Table(c, s, o))
				want := canonical(Table(d, s, o))
				compared++
				if strings.Contains(want, `"observations":[{`) {
					mapped++
				}
				if got != want {
					j := 0
					for j < min(len(got), len(want)) && got[j] == want[j] {
						j++
					}
					from := max(0, j-200)
					t.Fatalf("%s table %d schema %d: compact result differs at byte %d\n got: …%s\nwant: …%s", name, i+1, k, j,
						got[from:min(len(got), j+200)], want[from:min(len(want), j+200)])
				}
			}
			if !c.Compact() {
				continue
			}
			// Table reads a compact table without expanding it.
			if c.Rows != nil {
				t.Fatalf("%s table %d: mapping filled Rows", name, i+1)
			}
		}
	}
	if mapped < compared/4 {
		t.Fatalf("only %d of %d results have observations", mapped, compared)
	}
	t.Logf("%d CSV files, %d results compared, %d with observations", len(names), compared, mapped)
}
