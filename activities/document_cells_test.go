package activities

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/foidesk/foidesk/internal/extract"
	"github.com/foidesk/foidesk/internal/memtest"
)

// A compact table's cells, written row by row, are byte for byte the JSON
// of its rows expanded — what the dashboard and the review pages read —
// for every CSV of the extractor's corpora, a large generated one and one
// of awkward text (HTML characters, quotes, line breaks, non-ASCII).
func TestWriteCellsMatchesExpandedRows(t *testing.T) {
	files := map[string][]byte{
		"big.csv":     memtest.BigCSV(2 << 20),
		"awkward.csv": []byte("Name,<b>,\"a \"\"q\"\"\",x\n\"two\nlines\",1 & 2,Côte d’Ivoire,\\N\n,,,\n\u2028tab\t,<5,,9\nshort\n"),
	}
	paths, _ := filepath.Glob("../internal/extract/testdata/*/*.csv")
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files[p] = b
	}
	compared := 0
	for name, data := range files {
		ctx := context.Background()
		compact, err := extract.File(ctx, filepath.Base(name), data, &extract.Options{Compact: true})
		if err != nil && len(compact) == 0 {
			continue
		}
		expanded, _ := extract.File(ctx, filepath.Base(name), data, &extract.Options{Compact: true})
		for i, c := range compact {
			if !c.Compact() {
				continue
			}
			var got bytes.Buffer
			if err := writeCells(&got, c); err != nil {
				t.Fatalf("%s table %d: %v", name, i+1, err)
			}
			e := expanded[i]
			e.Expand()
			want, err := json.Marshal(e.Rows)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Fatalf("%s table %d: cells differ\n got %.300s\nwant %.300s", name, i+1, got.Bytes(), want)
			}
			compared++
		}
	}
	if compared < 10 {
		t.Fatalf("only %d compact tables compared", compared)
	}
}
