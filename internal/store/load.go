package store

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
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
// observations by their provenance key (request, document, table, row,
// column), deleting rows of the earlier load that are no longer produced. Loading the same result twice changes
// nothing; a failure anywhere leaves the previous load intact.
func (s *Store) LoadDocument(ctx context.Context, in LoadInput) (LoadResult, error) {
	var res LoadResult
	if in.Status == "" {
		in.Status = "loaded"
	}
	err := s.InTx(ctx, func(tx pgx.Tx) error {
		res = LoadResult{}
		if _, err := tx.Exec(ctx, `DELETE FROM extracted_tables WHERE document_id = $1 AND table_index > $2`,
			in.DocumentID, len(in.Tables)); err != nil {
			return fmt.Errorf("tables: %w", err)
		}
		for _, t := range in.Tables {
			if _, err := tx.Exec(ctx, `INSERT INTO extracted_tables
				(document_id, table_index, method, page, sheet, title, notes, header_rows, n_rows, n_cols, confidence, reasons, cells)
				VALUES ($1, $2, $3, NULLIF($4, 0), NULLIF($5, ''), $6, $7, $8, $9, $10, $11, $12, $13)
				ON CONFLICT (document_id, table_index) DO UPDATE SET method = EXCLUDED.method, page = EXCLUDED.page,
					sheet = EXCLUDED.sheet, title = EXCLUDED.title, notes = EXCLUDED.notes,
					header_rows = EXCLUDED.header_rows, n_rows = EXCLUDED.n_rows, n_cols = EXCLUDED.n_cols,
					confidence = EXCLUDED.confidence, reasons = EXCLUDED.reasons, cells = EXCLUDED.cells,
					extracted_at = now()`,
				in.DocumentID, t.Index, t.Method, t.Page, t.Sheet, t.Title, nonNil(t.Notes), t.HeaderRows,
				t.NRows, t.NCols, t.Confidence, nonNil(t.Reasons), t.Cells); err != nil {
				return fmt.Errorf("table %d: %w", t.Index, err)
			}
		}
		var loaded bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM observations WHERE request_id = $1 AND document_id = $2)`,
			in.RequestID, in.DocumentID).Scan(&loaded); err != nil {
			return fmt.Errorf("earlier load: %w", err)
		}
		rows := make([][]any, 0, len(in.Observations))
		dimsJSON := dimensionEncoder()
		for _, o := range in.Observations {
			dims, err := dimsJSON(o.Dimensions)
			if err != nil {
				return err
			}
			var flag *string
			if o.Flag != "" {
				flag = &o.Flag
			}
			row := []any{o.TableIndex, o.Page, o.Sheet, o.Row, o.Col, o.CellRef, o.Period,
				o.PeriodStart, o.PeriodEnd, dims, o.Measure, o.Value, flag, o.Raw, o.Confidence}
			if !loaded {
				row = append([]any{in.CampaignID, in.RequestID, in.ForceSlug, in.DocumentID}, row...)
			}
			rows = append(rows, row)
		}
		cols := []string{"table_index", "page", "sheet", "row_index", "col_index", "cell_ref", "period", "period_start",
			"period_end", "dimensions", "measure", "value", "flag", "raw_text", "confidence"}
		if !loaded {
			// The first load of a document: straight in with COPY.
			n, err := tx.CopyFrom(ctx, pgx.Identifier{"observations"},
				append([]string{"campaign_id", "request_id", "force_slug", "document_id"}, cols...), pgx.CopyFromRows(rows))
			if err != nil {
				return fmt.Errorf("copy: %w", err)
			}
			res.Inserted = int(n)
		} else if err := merge(ctx, tx, in, cols, rows, &res); err != nil {
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

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// merge replaces a document's earlier load: the rows go to a staging table
// and are merged by provenance; rows no longer produced are deleted.
func merge(ctx context.Context, tx pgx.Tx, in LoadInput, cols []string, rows [][]any, res *LoadResult) error {
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE observations_staging (
			table_index int, page int, sheet text, row_index int, col_index int, cell_ref text,
			period text, period_start date, period_end date, dimensions jsonb, measure text,
			value numeric, flag text, raw_text text, confidence real) ON COMMIT DROP`); err != nil {
		return fmt.Errorf("staging: %w", err)
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"observations_staging"}, cols, pgx.CopyFromRows(rows)); err != nil {
		return fmt.Errorf("copy: %w", err)
	}
	tag, err := tx.Exec(ctx, `DELETE FROM observations o WHERE o.request_id = $1 AND o.document_id = $2
		AND NOT EXISTS (SELECT 1 FROM observations_staging s WHERE s.table_index = o.table_index
			AND s.row_index = o.row_index AND s.col_index = o.col_index)`, in.RequestID, in.DocumentID)
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
		ON CONFLICT (request_id, document_id, table_index, row_index, col_index) DO UPDATE SET
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

// dimensionEncoder returns a JSON encoder for observations' dimension maps
// that encodes each distinct map once: a load has a few hundred distinct
// combinations among its rows.
func dimensionEncoder() func(map[string]string) (string, error) {
	cache := map[string]string{}
	var key []byte
	keys := make([]string, 0, 4)
	return func(d map[string]string) (string, error) {
		keys = keys[:0]
		for k := range d {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		key = key[:0]
		for _, k := range keys {
			key = append(key, k...)
			key = append(key, 0)
			key = append(key, d[k]...)
			key = append(key, 0)
		}
		if s, ok := cache[string(key)]; ok {
			return s, nil
		}
		b, err := json.Marshal(d)
		if err != nil {
			return "", err
		}
		cache[string(key)] = string(b)
		return string(b), nil
	}
}
