// Package dataset reads a campaign's loaded figures back out of PostgreSQL:
// exports (CSV, XLSX) with the source of every value, and checks that point
// a data desk at what to look at before publishing.
package dataset

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/xuri/excelize/v2"
)

// Row is one observation with its provenance.
type Row struct {
	Force      string
	ForceName  string
	Period     string
	Dims       map[string]string
	Measure    string
	Value      *float64
	Flag       string
	Raw        string
	Document   string // file name
	DocumentID int64
	Page       int
	Sheet      string
	Table      int
	CellRef    string
	Confidence float64
}

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
func LatestYear(ctx context.Context, db *pgxpool.Pool, slug string) (int, error) {
	var y *int
	if err := db.QueryRow(ctx, `SELECT max(year) FROM campaigns WHERE slug = $1`, slug).Scan(&y); err != nil {
		return 0, fmt.Errorf("dataset: %w", err)
	}
	if y == nil {
		return 0, &ErrNoCampaign{Slug: slug}
	}
	return *y, nil
}

// Load reads every observation of a campaign run, in force, period and
// dimension order.
func Load(ctx context.Context, db *pgxpool.Pool, slug string, year int) (*Data, error) {
	var exists bool
	if err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM campaigns WHERE slug = $1 AND year = $2)`, slug, year).Scan(&exists); err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	if !exists {
		return nil, &ErrNoCampaign{Slug: slug, Year: year}
	}
	rows, err := db.Query(ctx, `SELECT o.force_slug, f.name, o.period, o.dimensions, o.measure, o.value::float8,
			coalesce(o.flag, ''), o.raw_text, coalesce(rd.filename, d.filename), d.id, o.page, o.sheet, o.table_index,
			o.cell_ref, o.confidence
		FROM observations o JOIN campaigns c ON c.id = o.campaign_id
		JOIN forces f ON f.slug = o.force_slug JOIN documents d ON d.id = o.document_id
		LEFT JOIN request_documents rd ON rd.request_id = o.request_id AND rd.document_id = o.document_id
		WHERE c.slug = $1 AND c.year = $2
		ORDER BY o.force_slug, o.period_start NULLS LAST, o.period, o.dimensions::text, o.document_id, o.table_index, o.row_index, o.col_index`,
		slug, year)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	data := &Data{Campaign: slug, Year: year}
	seen := map[string]bool{}
	data.Rows, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (Row, error) {
		var r Row
		var conf float32
		err := row.Scan(&r.Force, &r.ForceName, &r.Period, &r.Dims, &r.Measure, &r.Value, &r.Flag, &r.Raw,
			&r.Document, &r.DocumentID, &r.Page, &r.Sheet, &r.Table, &r.CellRef, &conf)
		r.Confidence = float64(conf)
		for k := range r.Dims {
			seen[k] = true
		}
		return r, err
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

// WriteXLSX writes the data as a workbook: a Data sheet with typed numbers
// and an About sheet saying what it is.
func (d *Data) WriteXLSX(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Data"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	row := func(n int, vals []any) error {
		cell, _ := excelize.CoordinatesToCellName(1, n)
		return sw.SetRow(cell, vals)
	}
	var head []any
	for _, h := range d.Header() {
		head = append(head, h)
	}
	if err := row(1, head); err != nil {
		return err
	}
	// Text goes in as strings, which excelize writes as string cells
	// (never as formulas), so no prefix is needed or added here.
	valueCol := 3 + len(d.Dims) + 1
	for i, r := range d.Rows {
		rec := d.record(r)
		vals := make([]any, len(rec))
		for j, s := range rec {
			vals[j] = s
		}
		if r.Value != nil {
			vals[valueCol] = *r.Value
		} else {
			vals[valueCol] = nil
		}
		if err := row(i+2, vals); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if _, err := f.NewSheet("About"); err != nil {
		return err
	}
	about := [][]any{
		{"Campaign", d.Campaign}, {"Year", d.Year}, {"Observations", len(d.Rows)},
		{"value", "the figure; empty when the force suppressed, redacted or did not record it (see flag)"},
		{"source", "the document, sheet or page, table and cell the figure came from"},
	}
	for i, a := range about {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("About", cell, &a); err != nil {
			return err
		}
	}
	_, err = f.WriteTo(w)
	return err
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
func Check(ctx context.Context, db *pgxpool.Pool, slug string, year int) ([]Issue, error) {
	data, err := Load(ctx, db, slug, year)
	if err != nil {
		return nil, err
	}
	var issues []Issue
	rows, err := db.Query(ctx, `SELECT DISTINCT r.force_slug, coalesce(rd.filename, d.filename), t.table_index, reason
		FROM extracted_tables t JOIN request_documents rd ON rd.document_id = t.document_id
		JOIN requests r ON r.id = rd.request_id JOIN campaigns c ON c.id = r.campaign_id
		JOIN documents d ON d.id = t.document_id, unnest(t.reasons) AS reason
		WHERE c.slug = $1 AND c.year = $2 AND reason LIKE 'total %'
		ORDER BY 1, 2, 3`, slug, year)
	if err != nil {
		return nil, fmt.Errorf("dataset: check totals: %w", err)
	}
	for rows.Next() {
		var force, file, reason string
		var idx int
		if err := rows.Scan(&force, &file, &idx, &reason); err != nil {
			return nil, err
		}
		issues = append(issues, Issue{Kind: "totals", Force: force, Detail: fmt.Sprintf("%s table %d: %s", file, idx, reason)})
	}
	rows.Close()
	rows, err = db.Query(ctx, `SELECT r.force_slug, r.state,
			(SELECT string_agg(rd.status || ' ' || coalesce(rd.filename, d.filename), ', '
				ORDER BY coalesce(rd.filename, d.filename)) FROM request_documents rd
				JOIN documents d ON d.id = rd.document_id WHERE rd.request_id = r.id AND rd.status <> 'loaded')
		FROM requests r JOIN campaigns c ON c.id = r.campaign_id
		WHERE c.slug = $1 AND c.year = $2
		AND NOT EXISTS (SELECT 1 FROM observations o WHERE o.campaign_id = r.campaign_id AND o.request_id = r.id)
		ORDER BY 1`, slug, year)
	if err != nil {
		return nil, fmt.Errorf("dataset: check coverage: %w", err)
	}
	for rows.Next() {
		var force, state string
		var docs *string
		if err := rows.Scan(&force, &state, &docs); err != nil {
			return nil, err
		}
		detail := "no figures loaded; request is " + state
		if docs != nil {
			detail += "; documents: " + *docs
		}
		issues = append(issues, Issue{Kind: "no_data", Force: force, Detail: detail})
	}
	rows.Close()
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
