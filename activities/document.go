package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/foidesk/foidesk/internal/campaign"
	"github.com/foidesk/foidesk/internal/extract"
	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/internal/normalise"
	"github.com/foidesk/foidesk/internal/policy"
	"github.com/foidesk/foidesk/internal/store"
)

// DocumentInput asks for one document of a request to be processed.
type DocumentInput struct {
	RequestID  int64  `json:"request_id"`
	DocumentID int64  `json:"document_id"`
	WorkflowID string `json:"workflow_id"`
	// InboundID and Filename say which message the document came in for
	// this request and its name there (the DocumentRef's); without them
	// the request's first matched message that carried it is taken.
	InboundID int64  `json:"inbound_id,omitempty"`
	Filename  string `json:"filename,omitempty"`
	// Overrides remap headers and values, by table index.
	Overrides map[int]*normalise.Overrides `json:"overrides,omitempty"`
	// Remaps are operators' remaps in the order given, merged over
	// Overrides table by table, the latest winning.
	Remaps []map[int]*normalise.Overrides `json:"remaps,omitempty"`
	// Approve loads tables even where the normaliser is unsure.
	Approve bool `json:"approve,omitempty"`
}

// ReviewTable is a table that waits for a person.
type ReviewTable struct {
	Index   int      `json:"index"`
	Reasons []string `json:"reasons"`
}

// DocumentOutput says what processing did.
type DocumentOutput struct {
	// Status is loaded, review, no_tables or failed.
	Status foi.DocumentStatus `json:"status"`
	// Partial, when set, says which pages were not read: the tables of
	// the others were loaded or wait for review (status loaded or review,
	// with this text as the document's error).
	Partial           string        `json:"partial,omitempty"`
	Tables            int           `json:"tables"`
	Observations      int           `json:"observations"`
	Inserted          int           `json:"inserted"`
	Updated           int           `json:"updated"`
	Deleted           int           `json:"deleted"`
	Superseded        int           `json:"superseded,omitempty"`          // earlier documents' figures this one replaced
	SupersededByNewer int           `json:"superseded_by_newer,omitempty"` // this one's figures a later document replaced
	Review            []ReviewTable `json:"review,omitempty"`
	Error             string        `json:"error,omitempty"`
	// Schema, for a document in review, is the campaign's dataset, so that
	// an operator's remap can be checked against it before it is taken.
	Schema *normalise.Schema `json:"schema,omitempty"`
}

// mergeOverrides merges the operators' remaps over the input's overrides,
// table by table, the latest winning. A remap the schema does not allow
// (a code outside a dimension's vocabulary, a heading mapped to no
// dimension) is left out, and its table's error given back.
func mergeOverrides(schema *normalise.Schema, in DocumentInput) (map[int]*normalise.Overrides, map[int]error) {
	overrides, refused := map[int]*normalise.Overrides{}, map[int]error{}
	for _, m := range append([]map[int]*normalise.Overrides{in.Overrides}, in.Remaps...) {
		for i, o := range m {
			if err := schema.CheckOverrides(o); err != nil {
				refused[i] = err
				continue
			}
			overrides[i] = o
			delete(refused, i)
		}
	}
	return overrides, refused
}

// AttachDocument records that a request's document is being processed,
// with the message and name it came under for that request.
func (a *Activities) AttachDocument(ctx context.Context, in DocumentInput) error {
	return storeErr(a.Store.AttachDocument(ctx, in.RequestID, in.DocumentID, in.WorkflowID,
		store.DocumentSource{InboundID: in.InboundID, Filename: in.Filename}))
}

// ProcessDocument extracts a document's tables, maps them onto the
// campaign's dataset and loads the figures — or, when any table is not
// understood well enough, puts the tables in the review queue and loads
// nothing. Running it again gives the same result and the same rows.
func (a *Activities) ProcessDocument(ctx context.Context, in DocumentInput) (*DocumentOutput, error) {
	req, err := a.Store.Request(ctx, in.RequestID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nonRetryable(ErrTypeNotFound, err)
	} else if err != nil {
		return nil, err
	}
	// Named as in this request's message: the same bytes may have come to
	// another request under another name.
	doc, err := a.Store.RequestDocument(ctx, in.RequestID, in.DocumentID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nonRetryable(ErrTypeNotFound, err)
	} else if err != nil {
		return nil, err
	}
	var spec campaign.Spec
	if err := json.Unmarshal(req.Spec, &spec); err != nil {
		return nil, nonRetryable(ErrTypeInvalid, fmt.Errorf("campaign spec of request %d: %w", in.RequestID, err))
	}
	schema, err := normalise.SchemaFrom(spec.Dataset)
	if err != nil {
		return nil, nonRetryable(ErrTypeInvalid, fmt.Errorf("campaign %s dataset: %w", req.CampaignSlug, err))
	}
	log := a.log().With(slog.Int64("request_id", in.RequestID), slog.Int64("document_id", in.DocumentID),
		slog.String("filename", doc.Filename))

	fail := func(status foi.DocumentStatus, cause error) (*DocumentOutput, error) {
		if err := a.Store.SetDocumentStatus(ctx, in.RequestID, in.DocumentID, status, cause.Error()); err != nil {
			return nil, err
		}
		log.Warn("document not loaded", slog.String("status", string(status)), slog.Any("err", cause))
		return &DocumentOutput{Status: status, Error: cause.Error()}, nil
	}

	// The worker's HeartbeatInterceptor beats for the whole of the work —
	// waiting for a slot, extracting, normalising, loading — so that a big
	// document is not taken for a lost worker.
	release, err := a.documentSlot(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	// The document's bytes go to a file, a chunk at a time, and are read
	// from there: a CSV a line at a time, never whole in memory.
	file, err := spoolDocument(ctx, a.Store, doc)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nonRetryable(ErrTypeNotFound, err)
	} else if err != nil {
		return nil, err
	}
	defer file.Close()
	// A delimited file's tables keep their cells compact (one string
	// and offsets): a large CSV costs a small multiple of its size, not
	// 80 bytes a cell, here and in the normaliser, which reads them so.
	tables, xerr := extract.FileReader(ctx, doc.Filename, file, doc.Size, &extract.Options{
		Document: fmt.Sprintf("%x", doc.SHA256), Compact: true})
	if file.readErr != nil {
		return nil, fmt.Errorf("document %d: reading its copy: %w", in.DocumentID, file.readErr)
	}
	if err := file.Close(); err != nil {
		log.Warn("document copy not removed", slog.Any("err", err))
	}
	ex := policy.JudgeExtraction(tables, xerr)
	if ex.Action == policy.ActionReject {
		if ex.Unexpected && ctx.Err() != nil {
			return nil, xerr // cancelled: the document is not at fault
		}
		return fail(ex.Status, ex.Cause)
	}
	// Pages left unread (past the time limit, scanned pages past the OCR
	// cap, pages that failed) make the result partial: the tables read
	// stand, and the document's status keeps its usual value (loaded or
	// review) with the pages not read in its error text.
	partial := ex.Partial

	var data []*extract.Table
	for _, t := range tables {
		if normalise.HasFigures(t) {
			data = append(data, t)
		}
	}
	overrides, refused := mergeOverrides(schema, in)
	mapped := map[*extract.Table]normalise.TableResult{}
	for i, r := range normalise.Tables(data, schema, overrides) {
		mapped[data[i]] = r
	}
	decisions := make([]policy.TableDecision, len(tables))
	n := 0
	for i, t := range tables {
		r, ok := mapped[t]
		decisions[i] = policy.DecideTable(policy.Table{Extracted: t, Mapped: ok, Result: r.Result, Err: r.Err,
			Refused: refused[t.Index]}, in.Approve, partial)
		if !decisions[i].Review {
			n += len(decisions[i].Result.Observations)
		}
	}
	action := policy.DecideDocument(decisions)

	out := &DocumentOutput{Tables: len(tables), Partial: partial}
	load := store.LoadInput{CampaignID: req.CampaignID, RequestID: in.RequestID, ForceSlug: req.ForceSlug,
		DocumentID: in.DocumentID, Observations: make([]store.Observation, 0, n)}
	for i, t := range tables {
		d := decisions[i]
		et := store.ExtractedTable{Index: t.Index, Method: string(t.Method), Page: t.Source.Page,
			Sheet: t.Source.Sheet, Title: t.Title, Notes: t.Notes, HeaderRows: t.HeaderRows, NRows: t.NumRows(),
			NCols: t.NumCols(), Confidence: clamp01(t.Confidence), Reasons: d.Reasons}
		if t.Compact() {
			// Streamed to PostgreSQL as it is encoded.
			et.WriteCells = func(w io.Writer) error { return writeCells(w, t) }
		} else if et.Cells, err = json.Marshal(t.Rows); err != nil {
			return nil, fmt.Errorf("table %d: %w", t.Index, err)
		}
		load.Tables = append(load.Tables, et)
		if d.Review {
			proposal, err := ReviewProposal{Decisions: d.Result.Decisions, Observations: d.Result.Observations,
				Confidence: d.Result.Confidence}.Encode()
			if err != nil {
				return nil, nonRetryable(ErrTypeInvalid, fmt.Errorf("table %d: %w", t.Index, err))
			}
			out.Review = append(out.Review, ReviewTable{Index: t.Index, Reasons: d.ReviewReasons})
			if _, err := a.Store.OpenReview(ctx, store.ReviewItem{RequestID: in.RequestID, DocumentID: in.DocumentID,
				TableIndex: t.Index, WorkflowID: in.WorkflowID, Reasons: d.ReviewReasons, Proposal: proposal}); err != nil {
				return nil, err
			}
			continue
		}
		for _, o := range d.Result.Observations {
			load.Observations = append(load.Observations, observation(t, schema, o))
		}
	}
	out.Observations = len(load.Observations)
	if action == policy.ActionReview {
		// Nothing half-understood is loaded: the document waits whole,
		// its tables kept for the reviewer to see beside the proposals.
		if err := a.Store.SaveTables(ctx, in.DocumentID, load.Tables); err != nil {
			return nil, storeErr(err)
		}
		if err := a.Store.SetDocumentStatus(ctx, in.RequestID, in.DocumentID, foi.DocReview, partial); err != nil {
			return nil, err
		}
		out.Status, out.Schema = foi.DocReview, schema
		log.Info("document waits for review", slog.Int("tables", len(out.Review)))
		return out, nil
	}
	res, err := a.Store.LoadDocument(ctx, load)
	if err != nil {
		return nil, storeErr(err)
	}
	out.Status, out.Inserted, out.Updated, out.Deleted = foi.DocLoaded, res.Inserted, res.Updated, res.Deleted
	if partial != "" && res.SupersededByNewer < len(load.Observations) {
		// Loaded, and not wholly superseded: say what was not read.
		if err := a.Store.SetDocumentStatus(ctx, in.RequestID, in.DocumentID, foi.DocLoaded, partial); err != nil {
			return nil, err
		}
	}
	out.Superseded, out.SupersededByNewer = res.Superseded, res.SupersededByNewer
	log.Info("document loaded", slog.Int("tables", out.Tables), slog.Int("observations", out.Observations),
		slog.Int("inserted", res.Inserted), slog.Int("updated", res.Updated), slog.Int("deleted", res.Deleted),
		slog.Int("superseded", res.Superseded), slog.Int("superseded_by_newer", res.SupersededByNewer))
	return out, nil
}

// spooledDocument is a document's bytes in a temporary file, removed
// when it is closed. It remembers the first error reading it: the file's
// fault, not the document's.
type spooledDocument struct {
	f       *os.File
	readErr error
}

func (d *spooledDocument) ReadAt(p []byte, off int64) (int, error) {
	n, err := d.f.ReadAt(p, off)
	if err != nil && !errors.Is(err, io.EOF) && d.readErr == nil {
		d.readErr = err
	}
	return n, err
}

// Close closes and removes the file; closing it again does nothing.
func (d *spooledDocument) Close() error {
	if d.f == nil {
		return nil
	}
	err := d.f.Close()
	if rerr := os.Remove(d.f.Name()); rerr != nil && err == nil {
		err = rerr
	}
	d.f = nil
	return err
}

// spoolDocument writes a stored document's bytes into a temporary file,
// read from PostgreSQL a chunk at a time.
func spoolDocument(ctx context.Context, st *store.Store, doc *store.StoredDocument) (*spooledDocument, error) {
	f, err := os.CreateTemp("", "foidesk-document-*")
	if err != nil {
		return nil, fmt.Errorf("document %d: %w", doc.ID, err)
	}
	d := &spooledDocument{f: f}
	n, err := st.WriteDocumentData(ctx, doc.ID, f)
	if err == nil && n != doc.Size {
		err = fmt.Errorf("document %d: read %d bytes, want %d", doc.ID, n, doc.Size)
	}
	if err != nil {
		_ = d.Close()
		return nil, err
	}
	return d, nil
}

// writeCells writes a table's grid as it is stored
// (extracted_tables.cells): the JSON of its rows, as json.Marshal(t.Rows)
// gives it for the table expanded, a row at a time into one reused
// buffer, so that a compact table is never expanded, whole or by rows.
func writeCells(w io.Writer, t *extract.Table) error {
	line := make([]byte, 0, 4<<10)
	if _, err := io.WriteString(w, "["); err != nil {
		return err
	}
	for r := range t.NumRows() {
		line = line[:0]
		if r > 0 {
			line = append(line, ',')
		}
		var err error
		if line, err = t.AppendRowJSON(line, r); err != nil {
			return err
		}
		if _, err := w.Write(line); err != nil {
			return err
		}
		if cap(line) > 1<<20 {
			line = make([]byte, 0, 4<<10) // not kept past one long row
		}
	}
	_, err := io.WriteString(w, "]")
	return err
}

// ReviewProposal is what a table in review carries for the person who
// decides: the normaliser's decisions, the figures it would load and its
// confidence (review_items.proposal).
type ReviewProposal = foi.Proposal[normalise.Decision, normalise.Observation]

// observation is the row a mapped figure of table t is loaded as.
func observation(t *extract.Table, schema *normalise.Schema, o normalise.Observation) store.Observation {
	ob := store.Observation{TableIndex: t.Index, Page: o.Page, Sheet: t.Source.Sheet, Row: o.Row, Col: o.Col,
		CellRef: o.Ref, Period: o.Period.Label, Dimensions: o.Dims, Measure: schema.Measure.Name,
		Value: o.Value, Flag: o.Flag, Raw: o.Raw, Confidence: clamp01(o.Confidence)}
	if !o.Period.Start.IsZero() {
		start, end := o.Period.Start, o.Period.End
		ob.PeriodStart, ob.PeriodEnd = &start, &end
	}
	if ob.Value == nil && ob.Flag == "" {
		ob.Flag = "blank"
	}
	return ob
}

// ReviewDecision is an operator's answer to a document in review.
type ReviewDecision struct {
	RequestID  int64            `json:"request_id"`
	DocumentID int64            `json:"document_id"`
	Status     foi.ReviewStatus `json:"status"`               // approved | rejected | remapped
	Resolution any              `json:"resolution,omitempty"` // the operator's decision, kept as JSON
	By         string           `json:"by"`
}

// ResolveReview closes a document's review items, and marks a rejected
// document so.
func (a *Activities) ResolveReview(ctx context.Context, d ReviewDecision) error {
	resolution, err := json.Marshal(d.Resolution)
	if err != nil {
		return nonRetryable(ErrTypeInvalid, err)
	}
	if err := a.Store.ResolveReviews(ctx, d.RequestID, d.DocumentID, string(d.Status), resolution, d.By); err != nil {
		return storeErr(err)
	}
	if d.Status == foi.ReviewRejected {
		return storeErr(a.Store.SetDocumentStatus(ctx, d.RequestID, d.DocumentID, foi.DocRejected, ""))
	}
	return nil
}

func clamp01(f float64) float64 { return max(0, min(1, f)) }
