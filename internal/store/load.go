package store

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unsafe"

	"github.com/jackc/pgx/v5"

	"github.com/foidesk/foidesk/internal/foi"
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
	// WriteCells, when set, writes the grid's JSON in place of Cells: it
	// is streamed to PostgreSQL as it is written, so that a large table's
	// grid is never held whole.
	WriteCells func(w io.Writer) error
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
	// Status is the request_documents status to set (foi.DocLoaded by
	// default).
	Status foi.DocumentStatus
}

// LoadResult counts what a load changed.
type LoadResult struct {
	Inserted, Updated, Deleted int
	// Superseded counts rows of the request's earlier documents replaced by
	// this document's figures for the same key (period, dimensions,
	// measure); SupersededByNewer counts this document's rows not kept
	// because a later document of the request has the same figures.
	Superseded, SupersededByNewer int
}

// LoadDocument replaces a document's tables and observations for a request
// in one transaction. A first load copies the observations straight in; a
// reload copies them into a staging table and merges them into
// observations by their key (campaign, request, document, table, row,
// column), deleting rows of the earlier load that are no longer produced.
// Loading the same result twice changes nothing; a failure anywhere —
// including an observation PostgreSQL cannot store, reported with its
// cell — leaves the previous load intact.
//
// A figure is kept once per request: where the same key (period,
// dimensions, measure) has rows from two documents of the request, only
// the later document's stay (see supersede), whichever of the two is
// loaded last. Loads of one request are serialised for that.
func (s *Store) LoadDocument(ctx context.Context, in LoadInput) (LoadResult, error) {
	var res LoadResult
	if in.Status == "" {
		in.Status = foi.DocLoaded
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
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
			// The first load of a document: straight in with COPY. New rows
			// lock nothing another load of the request waits for, so the
			// request's lock is taken only after.
			n, err := copyObservations(ctx, tx, "observations", newObservationReader(&in, true))
			if err != nil {
				return err
			}
			res.Inserted = int(n)
			if err := lockRequest(ctx, tx, in.RequestID); err != nil {
				return err
			}
		} else {
			// A reload updates and deletes committed rows that a load of
			// another document may supersede: lock first.
			if err := lockRequest(ctx, tx, in.RequestID); err != nil {
				return err
			}
			if err := merge(ctx, tx, &in, &res); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE request_documents SET status = $3, error = NULL, updated_at = now()
			WHERE request_id = $1 AND document_id = $2`, in.RequestID, in.DocumentID, in.Status); err != nil {
			return fmt.Errorf("status: %w", err)
		}
		return supersede(ctx, tx, &in, &res)
	})
	if err != nil {
		return LoadResult{}, fmt.Errorf("store: load document %d for request %d: %w", in.DocumentID, in.RequestID, err)
	}
	return res, nil
}

// loadLockSpace is the first key of the advisory locks that serialise the
// loads of one request; the second is the request's id.
const loadLockSpace = 0x6c6f6164 // "load"

// lockRequest waits for any other load of the request to commit, and holds
// its lock until this transaction ends. Statements after it see what the
// other load committed.
func lockRequest(ctx context.Context, tx pgx.Tx, requestID int64) error {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, ($2::bigint % 2147483648)::int)`,
		loadLockSpace, requestID); err != nil {
		return fmt.Errorf("lock request: %w", err)
	}
	return nil
}

// supersede keeps one document's rows per figure of the request: where a
// key (period, dimensions, measure) of this document's rows also has rows
// from another document of the request, the rows of the earlier document
// are deleted — earlier by the order of the messages they came in
// (request_documents.inbound_id, no message counting as earliest), then by
// document id. The rule is the same whichever document loads last, so
// reloading an old document after a correction does not bring its
// superseded figures back. A document left with no figures is marked
// superseded. It costs two index probes when the request has no other
// document with figures.
func supersede(ctx context.Context, tx pgx.Tx, in *LoadInput, res *LoadResult) error {
	var others bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM observations
				WHERE campaign_id = $1 AND request_id = $2 AND document_id < $3)
			OR EXISTS (SELECT 1 FROM observations
				WHERE campaign_id = $1 AND request_id = $2 AND document_id > $3)`,
		in.CampaignID, in.RequestID, in.DocumentID).Scan(&others); err != nil {
		return fmt.Errorf("supersede: other documents: %w", err)
	}
	if !others {
		return nil
	}
	// The keys this document shares with others of the request are found
	// by hashing its keys and probing the others' rows; only rows of those
	// keys are then grouped, and the ones not of the key's newest document
	// deleted by their row address, read in the same statement. Rows
	// copied in this transaction are not in the planner's statistics yet,
	// and a nested loop planned for "a few rows" would not end over a
	// million: nested loops are off for this statement.
	if _, err := tx.Exec(ctx, `SET LOCAL enable_nestloop = off`); err != nil {
		return fmt.Errorf("supersede: %w", err)
	}
	rows, err := tx.Query(ctx, `WITH ranked AS (
			SELECT document_id, row_number() OVER (ORDER BY inbound_id NULLS FIRST, document_id) AS n
			FROM request_documents WHERE request_id = $2),
		shared AS (
			SELECT DISTINCT o.period, o.dimensions, o.measure FROM observations o
			WHERE o.campaign_id = $1 AND o.request_id = $2 AND o.document_id <> $3
			AND (o.period, o.dimensions, o.measure) IN (SELECT period, dimensions, measure FROM observations
				WHERE campaign_id = $1 AND request_id = $2 AND document_id = $3))
		DELETE FROM observations WHERE ctid = ANY (ARRAY (
			SELECT k.ctid FROM (
				SELECT o.ctid, r.n, max(r.n) OVER (PARTITION BY o.period, o.dimensions, o.measure) AS newest
				FROM observations o JOIN ranked r ON r.document_id = o.document_id
				WHERE o.campaign_id = $1 AND o.request_id = $2
				AND (o.period, o.dimensions, o.measure) IN (SELECT period, dimensions, measure FROM shared)) k
			WHERE k.n < k.newest))
		RETURNING document_id`, in.CampaignID, in.RequestID, in.DocumentID)
	if err != nil {
		return fmt.Errorf("supersede: %w", err)
	}
	deleted, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return fmt.Errorf("supersede: %w", err)
	}
	if _, err := tx.Exec(ctx, `SET LOCAL enable_nestloop = on`); err != nil {
		return fmt.Errorf("supersede: %w", err)
	}
	if len(deleted) == 0 {
		return nil
	}
	docs := map[int64]bool{}
	for _, d := range deleted {
		docs[d] = true
		if d == in.DocumentID {
			res.SupersededByNewer++
		} else {
			res.Superseded++
		}
	}
	ids := make([]int64, 0, len(docs))
	for d := range docs {
		ids = append(ids, d)
	}
	if _, err := tx.Exec(ctx, `UPDATE request_documents rd SET status = 'superseded',
			error = 'every figure replaced by a later document of the request', updated_at = now()
		WHERE rd.request_id = $2 AND rd.document_id = ANY($3) AND rd.status = 'loaded'
		AND NOT EXISTS (SELECT 1 FROM observations o
			WHERE o.campaign_id = $1 AND o.request_id = $2 AND o.document_id = rd.document_id)`,
		in.CampaignID, in.RequestID, ids); err != nil {
		return fmt.Errorf("supersede: status: %w", err)
	}
	return nil
}

// SaveTables records the tables found in a document — for a document
// waiting for review, whose observations are not loaded — replacing those
// of an earlier extraction.
func (s *Store) SaveTables(ctx context.Context, documentID int64, tables []ExtractedTable) error {
	err := s.inTx(ctx, func(tx pgx.Tx) error { return saveTables(ctx, tx, documentID, tables) })
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
	const insert = `INSERT INTO extracted_tables
			(document_id, table_index, method, page, sheet, title, notes, header_rows, n_rows, n_cols, confidence, reasons, cells)
			VALUES ($1, $2, $3, NULLIF($4, 0), NULLIF($5, ''), $6, $7, $8, $9, $10, $11, $12, CELLS)
			ON CONFLICT (document_id, table_index) DO UPDATE SET method = EXCLUDED.method, page = EXCLUDED.page,
				sheet = EXCLUDED.sheet, title = EXCLUDED.title, notes = EXCLUDED.notes,
				header_rows = EXCLUDED.header_rows, n_rows = EXCLUDED.n_rows, n_cols = EXCLUDED.n_cols,
				confidence = EXCLUDED.confidence, reasons = EXCLUDED.reasons, cells = EXCLUDED.cells,
				extracted_at = now()`
	for _, t := range tables {
		args := []any{documentID, t.Index, t.Method, t.Page, t.Sheet, t.Title, nonNil(t.Notes), t.HeaderRows,
			t.NRows, t.NCols, t.Confidence, nonNil(t.Reasons)}
		sql := strings.Replace(insert, "CELLS", "$13", 1)
		if t.WriteCells != nil {
			if err := stageCells(ctx, tx, t.WriteCells); err != nil {
				return fmt.Errorf("table %d: %w", t.Index, err)
			}
			sql = strings.Replace(insert, "CELLS", "(SELECT cells FROM extracted_cells_staging)", 1)
		} else {
			args = append(args, t.Cells)
		}
		if _, err := tx.Exec(ctx, sql, args...); err != nil {
			return fmt.Errorf("table %d: %w", t.Index, err)
		}
	}
	return nil
}

// stageCells streams the JSON write gives into the one row of a
// transaction's staging table extracted_cells_staging, with COPY, a
// chunk at a time as it is written.
func stageCells(ctx context.Context, tx pgx.Tx, write func(io.Writer) error) error {
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE IF NOT EXISTS extracted_cells_staging (cells jsonb NOT NULL) ON COMMIT DROP`); err != nil {
		return fmt.Errorf("cells staging: %w", err)
	}
	if _, err := tx.Exec(ctx, `TRUNCATE extracted_cells_staging`); err != nil {
		return fmt.Errorf("cells staging: %w", err)
	}
	pr, pw := io.Pipe()
	werr := make(chan error, 1)
	go func() {
		bw := bufio.NewWriterSize(&copyTextWriter{w: pw}, 64<<10)
		err := write(bw)
		if err == nil {
			err = bw.Flush()
		}
		if err == nil {
			_, err = pw.Write([]byte{'\n'}) // the row's end
		}
		pw.CloseWithError(err)
		werr <- err
	}()
	_, err := tx.Conn().PgConn().CopyFrom(ctx, pr, "COPY extracted_cells_staging (cells) FROM STDIN")
	pr.CloseWithError(errCopyEnded) // a writer still writing stops
	if e := <-werr; e != nil && e != errCopyEnded {
		return fmt.Errorf("cells: %w", e)
	}
	if err != nil {
		return fmt.Errorf("cells: copy: %w", err)
	}
	return nil
}

var errCopyEnded = errors.New("store: copy ended")

// copyTextWriter writes what it is given as (part of) one field of COPY
// text format, escaping backslashes, tabs and line breaks.
type copyTextWriter struct {
	w   io.Writer
	buf []byte
}

func (c *copyTextWriter) Write(p []byte) (int, error) {
	c.buf = appendCopyText(c.buf[:0], unsafe.String(unsafe.SliceData(p), len(p)))
	if _, err := c.w.Write(c.buf); err != nil {
		return 0, err
	}
	return len(p), nil
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
