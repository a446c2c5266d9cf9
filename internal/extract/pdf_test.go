package extract

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const pdfCorpus = "testdata/pdf"

type pdfExpect struct {
	CSV   string   `json:"csv"`
	Page  int      `json:"page"`
	Title string   `json:"title"`
	Notes []string `json:"notes"`
}

type pdfCase struct {
	File     string      `json:"file"`
	Producer string      `json:"producer"`
	Features []string    `json:"features"`
	Tables   []pdfExpect `json:"tables"`
	OCRPages []int       `json:"ocr_pages"`
}

func loadPDFCases(t testing.TB) []pdfCase {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(pdfCorpus, "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []pdfCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatal("empty corpus")
	}
	return cases
}

func readGrid(t testing.TB, name string) [][]string {
	t.Helper()
	f, err := os.Open(filepath.Join(pdfCorpus, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func extractCase(t testing.TB, c pdfCase) ([]*Table, error) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(pdfCorpus, c.File))
	if err != nil {
		t.Fatal(err)
	}
	return File(context.Background(), c.File, data, nil)
}

// TestPDFCorpus compares every table of every corpus PDF cell by cell
// with its expected CSV, and checks titles, notes, pages, cell
// provenance and pages needing OCR.
func TestPDFCorpus(t *testing.T) {
	for _, c := range loadPDFCases(t) {
		t.Run(strings.TrimSuffix(c.File, ".pdf"), func(t *testing.T) {
			tables, err := extractCase(t, c)
			var pe PageErrors
			if err != nil && !errors.As(err, &pe) {
				t.Fatalf("extract: %v", err)
			}
			if got := pe.Pages(ErrNeedsOCR); fmt.Sprint(got) != fmt.Sprint(orEmpty(c.OCRPages)) {
				t.Errorf("pages needing OCR = %v, want %v (err %v)", got, c.OCRPages, err)
			}
			if len(tables) != len(c.Tables) {
				for _, tb := range tables {
					t.Logf("got table %d (page %d, %s, %dx%d): %q", tb.Index, tb.Source.Page, tb.Method, tb.NumRows(), tb.NumCols(), tb.Title)
				}
				t.Fatalf("got %d tables, want %d", len(tables), len(c.Tables))
			}
			for i, want := range c.Tables {
				tb := tables[i]
				grid := readGrid(t, want.CSV)
				if diff := gridDiff(grid, tb.Strings()); diff != "" {
					t.Errorf("table %d (%s): cells differ:\n%s", i+1, want.CSV, diff)
				}
				if tb.Source.Page != want.Page {
					t.Errorf("table %d: page %d, want %d", i+1, tb.Source.Page, want.Page)
				}
				if tb.Title != want.Title {
					t.Errorf("table %d: title %q, want %q", i+1, tb.Title, want.Title)
				}
				if fmt.Sprint(orEmptyS(tb.Notes)) != fmt.Sprint(orEmptyS(want.Notes)) {
					t.Errorf("table %d: notes %q, want %q", i+1, tb.Notes, want.Notes)
				}
				checkProvenance(t, tb)
			}
		})
	}
}

func orEmpty(v []int) []int {
	if v == nil {
		return []int{}
	}
	return v
}

func orEmptyS(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

// checkProvenance checks that every cell with text has a page, a box and
// an r<row>c<col> reference.
func checkProvenance(t *testing.T, tb *Table) {
	t.Helper()
	for r, row := range tb.Rows {
		for c, cell := range row {
			if want := fmt.Sprintf("r%dc%d", r+1, c+1); cell.Ref != want {
				t.Errorf("cell %d,%d: ref %q, want %q", r, c, cell.Ref, want)
				return
			}
			if cell.Text == "" {
				continue
			}
			if cell.Page < tb.Source.Page || cell.BBox == nil || cell.BBox.X1 <= cell.BBox.X0 || cell.BBox.Y1 <= cell.BBox.Y0 {
				t.Errorf("cell %s: page %d bbox %+v", cell.Ref, cell.Page, cell.BBox)
				return
			}
		}
	}
}

func gridDiff(want, got [][]string) string {
	var b strings.Builder
	n := max(len(want), len(got))
	bad := 0
	for r := range n {
		var w, g []string
		if r < len(want) {
			w = want[r]
		}
		if r < len(got) {
			g = got[r]
		}
		if strings.Join(w, "|") != strings.Join(g, "|") {
			bad++
			if bad <= 8 {
				fmt.Fprintf(&b, "  row %d\n    want %q\n    got  %q\n", r+1, w, g)
			}
		}
	}
	if bad > 8 {
		fmt.Fprintf(&b, "  … %d rows differ\n", bad)
	}
	return b.String()
}

// cellScore counts, for one expected and one extracted grid, the non-empty
// cells that agree (tp) and the non-empty cells of each side. Rows are
// first aligned by longest common subsequence on their text (so that one
// missing or extra row does not shift every row after it), then cells of
// aligned rows compared column by column.
func cellScore(want, got [][]string) (tp, nWant, nGot int) {
	for _, r := range want {
		for _, c := range r {
			if c != "" {
				nWant++
			}
		}
	}
	for _, r := range got {
		for _, c := range r {
			if c != "" {
				nGot++
			}
		}
	}
	rowMatch := func(a, b []string) int {
		m := 0
		for i := 0; i < len(a) && i < len(b); i++ {
			if a[i] != "" && a[i] == b[i] {
				m++
			}
		}
		return m
	}
	// LCS on rows weighted by matching cells.
	W, G := len(want), len(got)
	dp := make([][]int, W+1)
	for i := range dp {
		dp[i] = make([]int, G+1)
	}
	for i := W - 1; i >= 0; i-- {
		for j := G - 1; j >= 0; j-- {
			best := max(dp[i+1][j], dp[i][j+1])
			if m := rowMatch(want[i], got[j]); m > 0 {
				best = max(best, dp[i+1][j+1]+m)
			}
			dp[i][j] = best
		}
	}
	return dp[0][0], nWant, nGot
}

// TestPDFCorpusF1 scores cell-level precision, recall and F1 over the whole
// corpus (tables paired in order; missing and extra tables count fully
// against) and fails below the level reached.
func TestPDFCorpusF1(t *testing.T) {
	const minF1 = 0.97
	var total cellCounts
	for _, c := range loadPDFCases(t) {
		tables, _ := extractCase(t, c)
		n := scoreCase(t, c, tables)
		t.Logf("%-32s P %.3f R %.3f", c.File, n.precision(), n.recall())
		total.add(n)
	}
	t.Logf("corpus: %d expected cells, %d extracted, %d correct: precision %.4f recall %.4f F1 %.4f",
		total.want, total.got, total.tp, total.precision(), total.recall(), total.f1())
	if f1 := total.f1(); f1 < minF1 {
		t.Errorf("cell F1 %.4f below %.2f", f1, minF1)
	}
}

// cellCounts are a cell-by-cell comparison's counts: cells right, expected
// and extracted (non-empty cells only).
type cellCounts struct{ tp, want, got int }

func (n *cellCounts) add(m cellCounts)  { n.tp, n.want, n.got = n.tp+m.tp, n.want+m.want, n.got+m.got }
func (n cellCounts) precision() float64 { return ratio(n.tp, n.got) }
func (n cellCounts) recall() float64    { return ratio(n.tp, n.want) }
func (n cellCounts) f1() float64 {
	p, r := n.precision(), n.recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// scoreCase compares a case's expected tables with tables, in order, cell
// by cell, and logs how each imperfect table differs.
func scoreCase(t *testing.T, c pdfCase, tables []*Table) cellCounts {
	t.Helper()
	var n cellCounts
	for i := 0; i < max(len(tables), len(c.Tables)); i++ {
		var want, got [][]string
		if i < len(c.Tables) {
			want = readGrid(t, c.Tables[i].CSV)
		}
		if i < len(tables) {
			got = tables[i].Strings()
		}
		tp, nw, ng := cellScore(want, got)
		n.add(cellCounts{tp, nw, ng})
		if tp < nw || tp < ng {
			t.Logf("%s table %d:\n%s", c.File, i+1, gridDiff(want, got))
		}
	}
	return n
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// timeBound runs f and fails if it takes longer than d.
func timeBound(t *testing.T, d time.Duration, f func()) {
	t.Helper()
	start := time.Now()
	f()
	if el := time.Since(start); el > d {
		t.Errorf("took %v, bound %v", el, d)
	}
}

// A PDF merged by pdfunite, whose trailer's /Size is smaller than its
// cross-reference table, reads as its two parts do, one after the other.
func TestPDFUnite(t *testing.T) {
	united, err := os.ReadFile("testdata/pdfunite/w01-w06.pdf")
	if err != nil {
		t.Fatal(err)
	}
	got, err := File(context.Background(), "w01-w06.pdf", united, nil)
	if err != nil {
		t.Fatalf("united: %v", err)
	}
	var want []*Table
	for i, name := range []string{"w01-std14-unruled.pdf", "w06-two-tables.pdf"} {
		ts, err := File(context.Background(), name, readFixture(t, "pdf/"+name), nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, tb := range ts {
			tb.Source.Page += i // w01 has one page
		}
		want = append(want, ts...)
	}
	if len(got) != len(want) || len(want) != 3 {
		t.Fatalf("got %d tables, want %d (3)", len(got), len(want))
	}
	for i := range want {
		if fmt.Sprint(got[i].Strings()) != fmt.Sprint(want[i].Strings()) || got[i].Source.Page != want[i].Source.Page || got[i].Title != want[i].Title {
			t.Errorf("table %d: page %d %q %q, want page %d %q %q", i+1, got[i].Source.Page, got[i].Title, got[i].Strings(),
				want[i].Source.Page, want[i].Title, want[i].Strings())
		}
	}
}
