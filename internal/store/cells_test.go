package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/foidesk/foidesk/internal/dbtest"
	"github.com/foidesk/foidesk/internal/store"
)

// A table's grid given as WriteCells (streamed with COPY, in small
// writes) is stored as the same JSON given whole as Cells would be, text
// with backslashes, tabs, line breaks and quotes included; a WriteCells
// that fails fails the save and leaves the earlier tables as they were.
func TestSaveTablesStreamsCells(t *testing.T) {
	ctx := context.Background()
	st := dbtest.DB(t)
	_, _, doc := seedRequest(t, st)
	texts := []string{`a\b`, "tab\there", "two\nlines", "cr\r\n", `"quoted"`, "Côte d’Ivoire", `\\N`, `\N`, "", "<5 & >2"}
	var grid [][]map[string]string
	for r := range 3000 {
		var row []map[string]string
		for c, s := range texts {
			row = append(row, map[string]string{"text": s + strings.Repeat("x", (r+c)%7), "ref": "r" + string(rune('A'+c))})
		}
		grid = append(grid, row)
	}
	whole, err := json.Marshal(grid)
	if err != nil {
		t.Fatal(err)
	}
	// Written 1000 bytes at a time.
	stream := func(w io.Writer) error {
		for b := whole; len(b) > 0; b = b[min(len(b), 1000):] {
			if _, err := w.Write(b[:min(len(b), 1000)]); err != nil {
				return err
			}
		}
		return nil
	}
	tables := []store.ExtractedTable{
		{Index: 1, Method: "csv", NRows: 3000, NCols: len(texts), Confidence: 1, Cells: whole},
		{Index: 2, Method: "csv", NRows: 3000, NCols: len(texts), Confidence: 1, WriteCells: stream},
		{Index: 3, Method: "csv", NRows: 1, NCols: 1, Confidence: 1, WriteCells: func(w io.Writer) error {
			_, err := io.WriteString(w, `[[{"text":"x"}]]`)
			return err
		}},
	}
	if err := st.SaveTables(ctx, doc, tables); err != nil {
		t.Fatal(err)
	}
	var same bool
	var n int
	if err := st.Pool().QueryRow(ctx, `SELECT a.cells = b.cells, jsonb_array_length(b.cells) FROM extracted_tables a, extracted_tables b
		WHERE a.document_id = $1 AND b.document_id = $1 AND a.table_index = 1 AND b.table_index = 2`, doc).Scan(&same, &n); err != nil {
		t.Fatal(err)
	}
	var back [][]map[string]string
	var raw []byte
	if err := st.Pool().QueryRow(ctx, `SELECT cells FROM extracted_tables WHERE document_id = $1 AND table_index = 2`, doc).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	again, _ := json.Marshal(back)
	if !same || n != 3000 || !bytes.Equal(again, whole) {
		t.Fatalf("streamed cells: equal to whole %v, %d rows, round trip equal %v", same, n, bytes.Equal(again, whole))
	}
	if got := count(t, st, `SELECT count(*) FROM extracted_tables WHERE document_id = $1 AND cells = '[[{"text":"x"}]]'`, doc); got != 1 {
		t.Errorf("table 3: %d rows with its cells, want 1", got)
	}

	// A failing writer, after some of the grid: nothing changes.
	boom := errors.New("boom")
	err = st.SaveTables(ctx, doc, []store.ExtractedTable{{Index: 1, Method: "csv", Confidence: 1, WriteCells: func(w io.Writer) error {
		if _, err := w.Write(whole[:70000]); err != nil {
			return err
		}
		return boom
	}}})
	if !errors.Is(err, boom) {
		t.Fatalf("failing writer: %v, want boom", err)
	}
	if got := count(t, st, `SELECT count(*) FROM extracted_tables WHERE document_id = $1`, doc); got != 3 {
		t.Errorf("after a failed save: %d tables, want the 3 saved before", got)
	}
	// Malformed JSON is refused by PostgreSQL, as given whole.
	err = st.SaveTables(ctx, doc, []store.ExtractedTable{{Index: 1, Method: "csv", Confidence: 1, WriteCells: func(w io.Writer) error {
		_, err := io.WriteString(w, `[[{"text":`)
		return err
	}}})
	if err == nil || !strings.Contains(err.Error(), "json") {
		t.Errorf("malformed JSON: %v, want PostgreSQL's refusal", err)
	}
}
