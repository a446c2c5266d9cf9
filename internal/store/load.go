package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// ExtractedTable is a table found in a document, as stored.
type ExtractedTable struct {
	Index      int
	Method     string
	Page       int
	Sheet      string
	Title      string
	Notes      []string
	HeaderRows int
	NRows      int
	NCols      int
	Confidence float64
	Reasons    []string
	Cells      json.RawMessage // the table's grid, as JSON
}

// Observation is one figure to load, keyed by its provenance.
type Observation struct {
	TableIndex  int
	Page        int
	Sheet       string
	Row, Col    int
	CellRef     string
	Period      string
	PeriodStart *time.Time
	PeriodEnd   *time.Time
	Dimensions  map[string]string
	Measure     string
	Value       *float64
	Flag        string
	Raw         string
	Confidence  float64
}

// LoadInput is everything loaded from one document for one request.
type LoadInput struct {
	CampaignID   int64
	RequestID    int64
	ForceSlug    string
	DocumentID   int64
	Tables       []ExtractedTable
	Observations []Observation
	// Status is the request_documents status to set ("loaded" by default).
	Status string
}

// LoadResult counts what a load changed.
type LoadResult struct {
	Inserted, Updated, Deleted int
}

// LoadDocument replaces a document's tables and observations for a request
// in one transaction. A first load copies the observations straight in; a
// reload copies them into a staging table and merges them into
// observations by their key (campaign, request, document, table, row,
// column), deleting rows of the earlier load that are no longer produced.
// Loading the same result twice changes nothing; a failure anywhere —
// including an observation PostgreSQL cannot store, reported with its
// cell — leaves the previous load intact.
func (s *Store) LoadDocument(ctx context.Context, in LoadInput) (LoadResult, error) {
	var res LoadResult
	if in.Status == "" {
		in.Status = "loaded"
	}
	err := s.InTx(ctx, func(tx pgx.Tx) error {
		res = LoadResult{}
		if err := saveTables(ctx, tx, in.DocumentID, in.Tables); err != nil {
			return err
		}
		var loaded bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM observations
				WHERE campaign_id = $1 AND request_id = $2 AND document_id = $3)`,
			in.CampaignID, in.RequestID, in.DocumentID).Scan(&loaded); err != nil {
			return fmt.Errorf("earlier load: %w", err)
		}
		if !loaded {
			// The first load of a document: straight in with COPY.
			n, err := copyObservations(ctx, tx, "observations", newObservationReader(&in, true))
			if err != nil {
				return err
			}
			res.Inserted = int(n)
		} else if err := merge(ctx, tx, &in, &res); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE request_documents SET status = $3, error = NULL, updated_at = now()
			WHERE request_id = $1 AND document_id = $2`, in.RequestID, in.DocumentID, in.Status); err != nil {
			return fmt.Errorf("status: %w", err)
		}
		return nil
	})
	if err != nil {
		return LoadResult{}, fmt.Errorf("store: load document %d for request %d: %w", in.DocumentID, in.RequestID, err)
	}
	return res, nil
}

// SaveTables records the tables found in a document — for a document
// waiting for review, whose observations are not loaded — replacing those
// of an earlier extraction.
func (s *Store) SaveTables(ctx context.Context, documentID int64, tables []ExtractedTable) error {
	err := s.InTx(ctx, func(tx pgx.Tx) error { return saveTables(ctx, tx, documentID, tables) })
	if err != nil {
		return fmt.Errorf("store: tables of document %d: %w", documentID, err)
	}
	return nil
}

func saveTables(ctx context.Context, tx pgx.Tx, documentID int64, tables []ExtractedTable) error {
	if _, err := tx.Exec(ctx, `DELETE FROM extracted_tables WHERE document_id = $1 AND table_index > $2`,
		documentID, len(tables)); err != nil {
		return fmt.Errorf("tables: %w", err)
	}
	for _, t := range tables {
		if _, err := tx.Exec(ctx, `INSERT INTO extracted_tables
			(document_id, table_index, method, page, sheet, title, notes, header_rows, n_rows, n_cols, confidence, reasons, cells)
			VALUES ($1, $2, $3, NULLIF($4, 0), NULLIF($5, ''), $6, $7, $8, $9, $10, $11, $12, $13)
			ON CONFLICT (document_id, table_index) DO UPDATE SET method = EXCLUDED.method, page = EXCLUDED.page,
				sheet = EXCLUDED.sheet, title = EXCLUDED.title, notes = EXCLUDED.notes,
				header_rows = EXCLUDED.header_rows, n_rows = EXCLUDED.n_rows, n_cols = EXCLUDED.n_cols,
				confidence = EXCLUDED.confidence, reasons = EXCLUDED.reasons, cells = EXCLUDED.cells,
				extracted_at = now()`,
			documentID, t.Index, t.Method, t.Page, t.Sheet, t.Title, nonNil(t.Notes), t.HeaderRows,
			t.NRows, t.NCols, t.Confidence, nonNil(t.Reasons), t.Cells); err != nil {
			return fmt.Errorf("table %d: %w", t.Index, err)
		}
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// copyObservations streams a reader's rows into table with COPY.
func copyObservations(ctx context.Context, tx pgx.Tx, table string, r *observationReader) (int64, error) {
	cols := observationColumns(r.withKeys)
	for i, c := range cols {
		cols[i] = pgx.Identifier{c}.Sanitize()
	}
	tag, err := tx.Conn().PgConn().CopyFrom(ctx, r,
		"COPY "+pgx.Identifier{table}.Sanitize()+" ("+strings.Join(cols, ", ")+") FROM STDIN")
	if r.err != nil {
		// The stream stopped at an observation PostgreSQL could not store.
		return 0, fmt.Errorf("copy: %w", r.err)
	}
	if err != nil {
		return 0, fmt.Errorf("copy: %w", err)
	}
	return tag.RowsAffected(), nil
}

// merge replaces a document's earlier load: the rows go to a staging table
// and are merged by provenance; rows no longer produced are deleted.
func merge(ctx context.Context, tx pgx.Tx, in *LoadInput, res *LoadResult) error {
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE observations_staging (
			table_index int, page int, sheet text, row_index int, col_index int, cell_ref text,
			period text, period_start date, period_end date, dimensions jsonb, measure text,
			value numeric, flag text, raw_text text, confidence real) ON COMMIT DROP`); err != nil {
		return fmt.Errorf("staging: %w", err)
	}
	if _, err := copyObservations(ctx, tx, "observations_staging", newObservationReader(in, false)); err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `DELETE FROM observations o
		WHERE o.campaign_id = $1 AND o.request_id = $2 AND o.document_id = $3
		AND NOT EXISTS (SELECT 1 FROM observations_staging s WHERE s.table_index = o.table_index
			AND s.row_index = o.row_index AND s.col_index = o.col_index)`, in.CampaignID, in.RequestID, in.DocumentID)
	if err != nil {
		return fmt.Errorf("delete stale: %w", err)
	}
	res.Deleted = int(tag.RowsAffected())
	// xmax = 0 tells a fresh insert from an update.
	mrows, err := tx.Query(ctx, `INSERT INTO observations (campaign_id, request_id, force_slug, document_id,
			table_index, page, sheet, row_index, col_index, cell_ref, period, period_start, period_end,
			dimensions, measure, value, flag, raw_text, confidence)
		SELECT $1, $2, $3, $4, table_index, page, sheet, row_index, col_index, cell_ref, period, period_start,
			period_end, dimensions, measure, value, flag, raw_text, confidence FROM observations_staging
		ON CONFLICT (campaign_id, request_id, document_id, table_index, row_index, col_index) DO UPDATE SET
			page = EXCLUDED.page, sheet = EXCLUDED.sheet, cell_ref = EXCLUDED.cell_ref, period = EXCLUDED.period,
			period_start = EXCLUDED.period_start, period_end = EXCLUDED.period_end,
			dimensions = EXCLUDED.dimensions, measure = EXCLUDED.measure, value = EXCLUDED.value,
			flag = EXCLUDED.flag, raw_text = EXCLUDED.raw_text, confidence = EXCLUDED.confidence,
			loaded_at = now()
		WHERE (observations.period, observations.dimensions, observations.value, observations.flag,
			observations.raw_text, observations.measure)
			IS DISTINCT FROM (EXCLUDED.period, EXCLUDED.dimensions, EXCLUDED.value, EXCLUDED.flag,
			EXCLUDED.raw_text, EXCLUDED.measure)
		RETURNING (xmax = 0)`, in.CampaignID, in.RequestID, in.ForceSlug, in.DocumentID)
	if err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	inserted, err := pgx.CollectRows(mrows, pgx.RowTo[bool])
	if err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	for _, ins := range inserted {
		if ins {
			res.Inserted++
		} else {
			res.Updated++
		}
	}
	return nil
}
