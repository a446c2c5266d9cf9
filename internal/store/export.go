package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/foidesk/foidesk/internal/foi"
)

// The dataset's reads: a campaign run's figures with their provenance, for
// exports, and what its checks look at.

// LatestCampaignYear returns the most recent year of a campaign, or
// ErrNotFound for a campaign with no run.
func (s *Store) LatestCampaignYear(ctx context.Context, slug string) (int, error) {
	var y *int
	if err := s.pool.QueryRow(ctx, `SELECT max(year) FROM campaigns WHERE slug = $1`, slug).Scan(&y); err != nil {
		return 0, fmt.Errorf("store: latest year of %s: %w", slug, err)
	}
	if y == nil {
		return 0, ErrNotFound
	}
	return *y, nil
}

// PreviousCampaignYear returns the campaign's latest run before year, or
// ErrNotFound when there is none.
func (s *Store) PreviousCampaignYear(ctx context.Context, slug string, year int) (int, error) {
	var y *int
	if err := s.pool.QueryRow(ctx, `SELECT max(year) FROM campaigns WHERE slug = $1 AND year < $2`, slug, year).Scan(&y); err != nil {
		return 0, fmt.Errorf("store: run of %s before %d: %w", slug, year, err)
	}
	if y == nil {
		return 0, ErrNotFound
	}
	return *y, nil
}

// CampaignExists reports whether a campaign run exists.
func (s *Store) CampaignExists(ctx context.Context, slug string, year int) (bool, error) {
	var exists bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM campaigns WHERE slug = $1 AND year = $2)`, slug, year).Scan(&exists); err != nil {
		return false, fmt.Errorf("store: campaign %s/%d: %w", slug, year, err)
	}
	return exists, nil
}

// ExportRow is one observation of a campaign run with its provenance. It
// has the fields of dataset.Row, which converts from it.
type ExportRow struct {
	Force      string
	ForceName  string
	Period     string
	Dims       map[string]string
	Measure    string
	Value      *float64
	Flag       string
	Raw        string
	Document   string // file name, as named in the request's message
	DocumentID int64
	Page       int
	Sheet      string
	Table      int
	RowIndex   int // 0-based position in the extracted table's grid
	ColIndex   int
	CellRef    string
	Confidence float64
}

// ExportRows calls fn with every observation of a campaign run, in force,
// period and dimension order, reading them as fn goes so that a large run
// is never held in memory. An error from fn stops the reading and is
// returned as it is.
func (s *Store) ExportRows(ctx context.Context, slug string, year int, fn func(ExportRow) error) error {
	rows, err := s.pool.Query(ctx, `SELECT o.force_slug, f.name, o.period, o.dimensions, o.measure, o.value::float8,
			coalesce(o.flag, ''), o.raw_text, coalesce(rd.filename, d.filename), d.id, o.page, o.sheet, o.table_index,
			o.row_index, o.col_index, o.cell_ref, o.confidence
		FROM observations o JOIN campaigns c ON c.id = o.campaign_id
		JOIN forces f ON f.slug = o.force_slug JOIN documents d ON d.id = o.document_id
		LEFT JOIN request_documents rd ON rd.request_id = o.request_id AND rd.document_id = o.document_id
		WHERE c.slug = $1 AND c.year = $2
		ORDER BY o.force_slug, o.period_start NULLS LAST, o.period, o.dimensions::text, o.document_id, o.table_index, o.row_index, o.col_index`,
		slug, year)
	if err != nil {
		return fmt.Errorf("store: figures of %s/%d: %w", slug, year, err)
	}
	var r ExportRow
	var conf float32
	var fnErr error
	_, err = pgx.ForEachRow(rows, []any{&r.Force, &r.ForceName, &r.Period, &r.Dims, &r.Measure, &r.Value, &r.Flag, &r.Raw,
		&r.Document, &r.DocumentID, &r.Page, &r.Sheet, &r.Table, &r.RowIndex, &r.ColIndex, &r.CellRef, &conf}, func() error {
		r.Confidence = float64(conf)
		fnErr = fn(r)
		// The next row scans into fresh values, not into those fn was given.
		r.Dims, r.Value = nil, nil
		return fnErr
	})
	if fnErr != nil {
		return fnErr
	}
	if err != nil {
		return fmt.Errorf("store: figures of %s/%d: %w", slug, year, err)
	}
	return nil
}

// TotalsWarning is an extracted table of a campaign run whose stated
// total does not match its figures.
type TotalsWarning struct {
	ForceSlug  string
	Filename   string
	TableIndex int
	Reason     string // "total ..."
}

// TotalsWarnings lists a campaign run's tables whose totals do not add up,
// by force, file and table.
func (s *Store) TotalsWarnings(ctx context.Context, slug string, year int) ([]TotalsWarning, error) {
	return collectRows[TotalsWarning](ctx, s.pool, fmt.Sprintf("totals of %s/%d", slug, year), `SELECT DISTINCT r.force_slug, coalesce(rd.filename, d.filename), t.table_index, reason
		FROM extracted_tables t JOIN request_documents rd ON rd.document_id = t.document_id
		JOIN requests r ON r.id = rd.request_id JOIN campaigns c ON c.id = r.campaign_id
		JOIN documents d ON d.id = t.document_id, unnest(t.reasons) AS reason
		WHERE c.slug = $1 AND c.year = $2 AND reason LIKE 'total %'
		ORDER BY 1, 2, 3`, slug, year)
}

// RequestWithoutFigures is a request of a campaign run with no figures
// loaded.
type RequestWithoutFigures struct {
	ForceSlug string
	State     foi.State
	// Documents lists its documents not loaded, "status filename" each,
	// comma-separated; nil when there are none.
	Documents *string
}

// RequestsWithoutFigures lists a campaign run's requests with no figures
// loaded, by force.
func (s *Store) RequestsWithoutFigures(ctx context.Context, slug string, year int) ([]RequestWithoutFigures, error) {
	return collectRows[RequestWithoutFigures](ctx, s.pool, fmt.Sprintf("coverage of %s/%d", slug, year), `SELECT r.force_slug, r.state,
			(SELECT string_agg(rd.status || ' ' || coalesce(rd.filename, d.filename), ', '
				ORDER BY coalesce(rd.filename, d.filename)) FROM request_documents rd
				JOIN documents d ON d.id = rd.document_id WHERE rd.request_id = r.id AND rd.status <> 'loaded')
		FROM requests r JOIN campaigns c ON c.id = r.campaign_id
		WHERE c.slug = $1 AND c.year = $2
		AND NOT EXISTS (SELECT 1 FROM observations o WHERE o.campaign_id = r.campaign_id AND o.request_id = r.id)
		ORDER BY 1`, slug, year)
}
