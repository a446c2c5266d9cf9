// Package dataset reads a campaign's loaded figures back out of the store:
// exports (CSV, XLSX) with the source of every value, checks that point a
// data desk at what to look at before publishing, and summaries that add
// the figures up without counting anything twice.
package dataset

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/foidesk/foidesk/internal/store"
)

// Row is one observation with its provenance, as the store reads it for
// export.
type Row store.ExportRow

// Source is a human-readable reference to the cell: "figures.xlsx, sheet
// Data, cell C7" or "reply.pdf, page 2, table 1, r3c2".
func (r Row) Source() string {
	var b strings.Builder
	b.WriteString(r.Document)
	if r.Sheet != "" {
		fmt.Fprintf(&b, ", sheet %s", r.Sheet)
	}
	if r.Page > 0 {
		fmt.Fprintf(&b, ", page %d", r.Page)
	}
	fmt.Fprintf(&b, ", table %d, cell %s", r.Table, r.CellRef)
	return b.String()
}

// SourcePath is the dashboard's view of the cell a figure came from: the
// table as the force sent it with the cell highlighted (and, for a PDF,
// the page with the cell's box drawn).
func (r Row) SourcePath() string {
	return SourcePath(r.DocumentID, r.Table, r.RowIndex, r.ColIndex)
}

// SourcePath is the dashboard's address of one cell of an extracted table.
func SourcePath(documentID int64, table, row, col int) string {
	return fmt.Sprintf("/documents/%d/tables/%d?row=%d&col=%d", documentID, table, row, col)
}

// Data is a campaign run's observations.
type Data struct {
	Campaign string
	Year     int
	Dims     []string // dimension names, sorted
	Rows     []Row
}

// ErrNoCampaign is returned for a campaign run that does not exist.
type ErrNoCampaign struct {
	Slug string
	Year int
}

func (e *ErrNoCampaign) Error() string {
	if e.Year == 0 {
		return fmt.Sprintf("no campaign %q", e.Slug)
	}
	return fmt.Sprintf("no campaign %q for %d", e.Slug, e.Year)
}

// LatestYear returns the most recent year of a campaign, for callers that
// were given none.
func LatestYear(ctx context.Context, st *store.Store, slug string) (int, error) {
	y, err := st.LatestCampaignYear(ctx, slug)
	if errors.Is(err, store.ErrNotFound) {
		return 0, &ErrNoCampaign{Slug: slug}
	}
	if err != nil {
		return 0, fmt.Errorf("dataset: %w", err)
	}
	return y, nil
}

// Load reads every observation of a campaign run, in force, period and
// dimension order.
func Load(ctx context.Context, st *store.Store, slug string, year int) (*Data, error) {
	exists, err := st.CampaignExists(ctx, slug, year)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	if !exists {
		return nil, &ErrNoCampaign{Slug: slug, Year: year}
	}
	data := &Data{Campaign: slug, Year: year}
	seen := map[string]bool{}
	err = st.ExportRows(ctx, slug, year, func(r store.ExportRow) error {
		for k := range r.Dims {
			seen[k] = true
		}
		data.Rows = append(data.Rows, Row(r))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	for k := range seen {
		data.Dims = append(data.Dims, k)
	}
	sort.Strings(data.Dims)
	return data, nil
}

// Header is the export's column list.
func (d *Data) Header() []string {
	h := []string{"force", "force_name", "period"}
	h = append(h, d.Dims...)
	return append(h, "measure", "value", "flag", "source", "document_id", "cell_ref")
}

func (d *Data) record(r Row) []string {
	rec := []string{r.Force, r.ForceName, r.Period}
	for _, k := range d.Dims {
		rec = append(rec, r.Dims[k])
	}
	v := ""
	if r.Value != nil {
		v = strconv.FormatFloat(*r.Value, 'f', -1, 64)
	}
	return append(rec, r.Measure, v, r.Flag, r.Source(), strconv.FormatInt(r.DocumentID, 10), r.CellRef)
}

// numericCols reports which of the export's columns hold numbers foidesk
// formats itself (the value and the document ID); every other column is
// text that may have come from a force, a file name or a reviewer.
func (d *Data) numericCols() map[int]bool {
	valueCol := 3 + len(d.Dims) + 1
	return map[int]bool{valueCol: true, valueCol + 3: true}
}

// WriteCSV writes the data as CSV with a header row. A suppressed or
// missing value is an empty cell with its flag beside it, never 0. Text
// cells go through CSVText, so that none opens as a formula in a
// spreadsheet; the value and document_id columns are numbers written as
// numbers, a negative one with a plain leading minus ("-3").
func (d *Data) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(d.Header()); err != nil {
		return err
	}
	numeric := d.numericCols()
	for _, r := range d.Rows {
		rec := d.record(r)
		for i, s := range rec {
			if !numeric[i] {
				rec[i] = CSVText(s)
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Issue is one thing a check found.
type Issue struct {
	Kind   string `json:"kind"` // totals | no_data | outlier | review | failed
	Force  string `json:"force"`
	Detail string `json:"detail"`
}

// Check looks for what a data desk should see before publishing: stated
// totals that do not add up, forces with no data, documents waiting in
// review or failed, and values far outside the other forces' range for the
// same period and breakdown.
func Check(ctx context.Context, st *store.Store, slug string, year int) ([]Issue, error) {
	data, err := Load(ctx, st, slug, year)
	if err != nil {
		return nil, err
	}
	var issues []Issue
	totals, err := st.TotalsWarnings(ctx, slug, year)
	if err != nil {
		return nil, fmt.Errorf("dataset: check totals: %w", err)
	}
	for _, w := range totals {
		issues = append(issues, Issue{Kind: "totals", Force: w.ForceSlug, Detail: fmt.Sprintf("%s table %d: %s", w.Filename, w.TableIndex, w.Reason)})
	}
	empty, err := st.RequestsWithoutFigures(ctx, slug, year)
	if err != nil {
		return nil, fmt.Errorf("dataset: check coverage: %w", err)
	}
	for _, r := range empty {
		detail := "no figures loaded; request is " + string(r.State)
		if r.Documents != nil {
			detail += "; documents: " + *r.Documents
		}
		issues = append(issues, Issue{Kind: "no_data", Force: r.ForceSlug, Detail: detail})
	}
	issues = append(issues, outliers(data)...)
	return issues, nil
}

// outliers flags values more than ten times, or less than a tenth of, the
// median of the other forces for the same period and breakdown, where at
// least five forces gave a figure (and the median is at least 5, so small
// counts do not alarm).
func outliers(d *Data) []Issue {
	type key struct{ period, dims string }
	groups := map[key][]Row{}
	for _, r := range d.Rows {
		if r.Value == nil {
			continue
		}
		var parts []string
		for _, k := range d.Dims {
			parts = append(parts, k+"="+r.Dims[k])
		}
		k := key{r.Period, strings.Join(parts, ",")}
		groups[k] = append(groups[k], r)
	}
	var out []Issue
	for k, rs := range groups {
		if len(rs) < 5 {
			continue
		}
		for i, r := range rs {
			var others []float64
			for j, o := range rs {
				if j != i && o.Force != r.Force {
					others = append(others, *o.Value)
				}
			}
			slices.Sort(others)
			med := others[len(others)/2]
			if med < 5 {
				continue
			}
			if v := *r.Value; v > 10*med || v < med/10 {
				out = append(out, Issue{Kind: "outlier", Force: r.Force, Detail: fmt.Sprintf("%s %s: %g against a median of %g among %d other forces (%s)",
					k.period, k.dims, v, med, len(others), r.Source())})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Force+out[i].Detail < out[j].Force+out[j].Detail })
	return out
}

// Total sums the loaded values matching filter, ignoring flagged cells.
func (d *Data) Total(filter func(Row) bool) float64 {
	s := 0.0
	for _, r := range d.Rows {
		if r.Value != nil && (filter == nil || filter(r)) {
			s += *r.Value
		}
	}
	return math.Round(s*1e6) / 1e6
}
