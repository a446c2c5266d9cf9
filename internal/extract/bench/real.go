package bench

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/foidesk/foidesk/internal/extract"
)

// RealDoc is one document of the real-document corpus: a published file
// with hand-checked expected tables in expected/STEM.tN.csv, one plain CSV
// per table (a table that runs over pages is one file).
type RealDoc struct {
	Path     string
	Expected []string // in table order
	// Selection is set when the expected tables are only some of the
	// document's (listed in selection.txt): other extracted tables are
	// then not counted as false positives.
	Selection bool
}

// Name is the document's file name.
func (d RealDoc) Name() string { return filepath.Base(d.Path) }

// RealDocs lists the documents of dir that have expected tables in
// dir/expected.
func RealDocs(dir string) ([]RealDoc, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("real corpus: %w", err)
	}
	sel, err := readSelection(filepath.Join(dir, "selection.txt"))
	if err != nil {
		return nil, err
	}
	var out []RealDoc
	for _, e := range ents {
		n := e.Name()
		if e.IsDir() || strings.HasSuffix(n, ".md") || strings.HasSuffix(n, ".txt") {
			continue
		}
		stem := strings.TrimSuffix(n, filepath.Ext(n))
		exp, err := filepath.Glob(filepath.Join(dir, "expected", stem+".t*.csv"))
		if err != nil {
			return nil, fmt.Errorf("real corpus: %w", err)
		}
		if len(exp) == 0 {
			continue
		}
		sort.Slice(exp, func(i, j int) bool { return tableNumber(exp[i]) < tableNumber(exp[j]) })
		out = append(out, RealDoc{Path: filepath.Join(dir, n), Expected: exp, Selection: sel[n]})
	}
	return out, nil
}

// readSelection reads the names listed in path, one a line ("#" lines are
// comments); a missing file lists none.
func readSelection(path string) (map[string]bool, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("real corpus: %w", err)
	}
	out := map[string]bool{}
	for _, line := range strings.Split(string(data), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			out[line] = true
		}
	}
	return out, nil
}

// tableNumber is N of a name ending ".tN.csv".
func tableNumber(path string) int {
	s := strings.TrimSuffix(path, ".csv")
	n := 0
	fmt.Sscanf(s[strings.LastIndex(s, ".t")+2:], "%d", &n)
	return n
}

// RealResult is the score of one real document.
type RealResult struct {
	Doc    RealDoc
	Counts Counts // whitespace collapsed
	// Hyphens counts as Counts, but a space after a hyphen that ends a
	// word part is ignored: the corpus joins a cell's wrapped lines with
	// a space even after a hyphen ("Co- ordinator"), where a reader that
	// rejoins the word writes "Co-ordinator".
	Hyphens Counts
	Elapsed time.Duration
	Err     error // the extractor's error, if any (tables may still be scored)
}

// RunReal extracts one real document once and scores it. Merged cells are
// compared as the corpus writes them: their text in the top-left position
// only (OriginGrid).
func RunReal(ctx context.Context, d RealDoc, opts *extract.Options) RealResult {
	res := RealResult{Doc: d}
	var want []*Expected
	for _, p := range d.Expected {
		f, err := os.Open(p)
		if err != nil {
			res.Err = err
			return res
		}
		ts, err := ReadExpected(f)
		f.Close()
		if err != nil {
			res.Err = fmt.Errorf("%s: %w", p, err)
			return res
		}
		if len(ts) != 1 {
			res.Err = fmt.Errorf("%s: %d tables, want 1", p, len(ts))
			return res
		}
		want = append(want, ts[0])
	}
	data, err := os.ReadFile(d.Path)
	if err != nil {
		res.Err = err
		return res
	}
	start := time.Now()
	got, err := extract.File(ctx, d.Path, data, opts)
	res.Elapsed = time.Since(start)
	res.Err = err
	grids := make([][][]string, len(got))
	for i, t := range got {
		grids[i] = OriginGrid(t)
	}
	res.Counts = ScoreGrids(got, grids, want, Collapse, !d.Selection)
	res.Hyphens = ScoreGrids(got, grids, want, hyphenJoined, !d.Selection)
	return res
}

// OriginGrid is a table's grid with the positions covered by a merged
// cell left empty, so that a merged cell's text is counted once.
func OriginGrid(t *extract.Table) [][]string {
	g := t.Strings()
	for r, row := range t.Rows {
		for c, cell := range row {
			if cell.Covered {
				g[r][c] = ""
			}
		}
	}
	return g
}

// hyphenBreakRE is a hyphen after a letter or digit, then white space.
var hyphenBreakRE = regexp.MustCompile(`([\p{L}\p{N}])- `)

// hyphenJoined is Collapse with the space after a word part's hyphen
// removed.
func hyphenJoined(s string) string { return hyphenBreakRE.ReplaceAllString(Collapse(s), "$1-") }
