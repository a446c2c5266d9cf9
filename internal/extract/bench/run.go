package bench

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"sort"
	"time"

	"github.com/foidesk/foidesk/internal/extract"
)

// pageRE counts the page objects of a PDF that keeps them uncompressed.
var pageRE = regexp.MustCompile(`/Type\s*/Page[^s]`)

// DocResult is the score and speed of one corpus document.
type DocResult struct {
	Doc     Doc
	Strict  Counts // whitespace collapsed
	Numeric Counts // numbers without thousands separators
	Rows    int    // table rows extracted
	Pages   int    // PDF pages (0 for other formats)
	Elapsed time.Duration
	Runs    int
	Err     error
}

// RunDoc extracts one document repeatedly for at least minTime and scores
// the result against its expected CSV.
func RunDoc(ctx context.Context, d Doc, minTime time.Duration) DocResult {
	res := DocResult{Doc: d}
	data, err := os.ReadFile(d.Path)
	if err != nil {
		res.Err = err
		return res
	}
	f, err := os.Open(d.Expected)
	if err != nil {
		res.Err = err
		return res
	}
	want, err := ReadExpected(f)
	f.Close()
	if err != nil {
		res.Err = err
		return res
	}
	var got []*extract.Table
	start := time.Now()
	for res.Runs == 0 || time.Since(start) < minTime {
		got, err = extract.File(ctx, d.Path, data, nil)
		res.Runs++
	}
	res.Elapsed = time.Since(start) / time.Duration(res.Runs)
	if err != nil && len(got) == 0 {
		res.Err = err
	}
	for _, t := range got {
		res.Rows += t.NumRows()
	}
	if d.Format == "pdf" {
		res.Pages = len(pageRE.FindAllIndex(data, -1))
	}
	res.Strict = Score(got, want, Collapse)
	res.Numeric = Score(got, want, Numeric)
	return res
}

// FormatSummary aggregates the results of one format.
type FormatSummary struct {
	Format  string
	Docs    int
	Strict  Counts
	Numeric Counts
	Rows    int
	Pages   int
	Elapsed time.Duration
	Errors  []string
}

// RowsPerSecond is the extraction speed in table rows.
func (s FormatSummary) RowsPerSecond() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Rows) / s.Elapsed.Seconds()
}

// PagesPerSecond is the extraction speed in PDF pages.
func (s FormatSummary) PagesPerSecond() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Pages) / s.Elapsed.Seconds()
}

// Summarise groups document results by format, in a fixed order.
func Summarise(rs []DocResult) []FormatSummary {
	by := map[string]*FormatSummary{}
	for _, r := range rs {
		s := by[r.Doc.Format]
		if s == nil {
			s = &FormatSummary{Format: r.Doc.Format}
			by[r.Doc.Format] = s
		}
		s.Docs++
		s.Strict.Add(r.Strict)
		s.Numeric.Add(r.Numeric)
		s.Rows += r.Rows
		s.Pages += r.Pages
		s.Elapsed += r.Elapsed
		if r.Err != nil {
			s.Errors = append(s.Errors, fmt.Sprintf("%s: %v", r.Doc.Path, r.Err))
		}
	}
	var out []FormatSummary
	for _, s := range by {
		out = append(out, *s)
	}
	order := map[string]int{"xlsx": 0, "csv": 1, "docx": 2, "html": 3, "txt": 4, "pdf": 5}
	sort.Slice(out, func(i, j int) bool { return order[out[i].Format] < order[out[j].Format] })
	return out
}
