package store

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/foidesk/foidesk/internal/classify"
	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/internal/match"
)

// The store is the match.Lookup of the inbox.
var _ match.Lookup = (*Store)(nil)

const candidateCols = `r.id, r.workflow_id, r.force_slug, r.token, coalesce(r.force_reference, ''), r.state`

func scanCandidates(rows pgx.Rows, err error) ([]match.Candidate, error) {
	if err != nil {
		return nil, fmt.Errorf("store: match candidates: %w", err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (match.Candidate, error) {
		var c match.Candidate
		err := row.Scan(&c.RequestID, &c.WorkflowID, &c.ForceSlug, &c.Token, &c.Reference, &c.State)
		return c, err
	})
}

// ByMessageIDs implements match.Lookup: requests whose ledger holds any of ids.
func (s *Store) ByMessageIDs(ctx context.Context, ids []string) ([]match.Candidate, error) {
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT `+candidateCols+`
		FROM outbound_messages o JOIN requests r ON r.id = o.request_id
		WHERE o.message_id = ANY($1) ORDER BY r.id`, ids)
	return scanCandidates(rows, err)
}

// ByTokens implements match.Lookup.
func (s *Store) ByTokens(ctx context.Context, tokens []string) ([]match.Candidate, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+candidateCols+` FROM requests r WHERE r.token = ANY($1) ORDER BY r.id`, tokens)
	return scanCandidates(rows, err)
}

// ByForceReferences implements match.Lookup. References are compared in
// their normalised form.
func (s *Store) ByForceReferences(ctx context.Context, forceSlug string, refs []string) ([]match.Candidate, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+candidateCols+` FROM requests r
		WHERE r.force_slug = $1 AND r.force_reference IS NOT NULL ORDER BY r.id`, forceSlug)
	all, err := scanCandidates(rows, err)
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, r := range refs {
		want[classify.NormaliseReference(r)] = true
	}
	var out []match.Candidate
	for _, c := range all {
		if want[classify.NormaliseReference(c.Reference)] {
			out = append(out, c)
		}
	}
	return out, nil
}

// finalStates are the request states with an outcome (foi.FinalStates), as
// a query parameter: no reply reopens them but a late answer.
var finalStates = texts(foi.FinalStates())

// triagedStatuses are the statuses of messages waiting for a person to
// assign them (foi.TriagedStatuses), as a query parameter.
var triagedStatuses = texts(foi.TriagedStatuses())

// OpenByForce implements match.Lookup.
func (s *Store) OpenByForce(ctx context.Context, forceSlug string) ([]match.Candidate, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+candidateCols+` FROM requests r
		WHERE r.force_slug = $1 AND NOT (r.state = ANY($2)) ORDER BY r.id`, forceSlug, finalStates)
	return scanCandidates(rows, err)
}

// Document is an attachment to keep.
type Document struct {
	Filename    string
	ContentType string
	Data        []byte
	Path        string // where it sat in the message: "reply.zip/2023/table.xlsx"
}

// SaveDocuments stores a message's attachments, each once by content, and
// records where each came from. It returns the document ids in order.
func (s *Store) SaveDocuments(ctx context.Context, inboundID int64, docs []Document) ([]int64, error) {
	ids := make([]int64, len(docs))
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		for i, d := range docs {
			sum := sha256.Sum256(d.Data)
			err := tx.QueryRow(ctx, `INSERT INTO documents (sha256, filename, content_type, size, data)
				VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (sha256) DO UPDATE SET sha256 = EXCLUDED.sha256
				RETURNING id`, sum[:], d.Filename, d.ContentType, len(d.Data), d.Data).Scan(&ids[i])
			if err != nil {
				return fmt.Errorf("document %q: %w", d.Filename, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO message_documents (inbound_id, document_id, path)
				VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, inboundID, ids[i], d.Path); err != nil {
				return fmt.Errorf("document %q: %w", d.Filename, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: save documents of message %d: %w", inboundID, err)
	}
	return ids, nil
}

// InboundDecision is what processing concluded about a message.
type InboundDecision struct {
	Status         foi.InboundStatus // matched, triage, ignored or failed
	Kind           foi.Kind
	Classification json.RawMessage
	TriageReason   string
	Matches        []match.Match
	// Reference, when set, is learned for each matched request that has
	// none yet (from an acknowledgement).
	Reference string
	// Signals is what the inbox must deliver; kept so a repeat of the
	// processing returns the same without doing it again.
	Signals json.RawMessage
}

// DecideInbound records the decision about a message in one transaction:
// its matches, its status and classification, and a learned reference.
// Deciding a message twice keeps the first decision and returns it.
func (s *Store) DecideInbound(ctx context.Context, id int64, d InboundDecision) (*InboundDecision, error) {
	var out *InboundDecision
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var status foi.InboundStatus
		var signals []byte
		if err := tx.QueryRow(ctx, `SELECT status, coalesce(classification->'signals', 'null')
			FROM inbound_messages WHERE id = $1 FOR UPDATE`, id).Scan(&status, &signals); err != nil {
			return fmt.Errorf("lock message: %w", err)
		}
		if status != foi.InboundStored {
			out = &InboundDecision{Status: status, Signals: signals}
			return nil
		}
		for _, m := range d.Matches {
			if _, err := tx.Exec(ctx, `INSERT INTO message_matches (inbound_id, request_id, method, evidence)
				VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, id, m.RequestID, string(m.Method), m.Evidence); err != nil {
				return fmt.Errorf("match: %w", err)
			}
			if d.Reference != "" {
				if _, err := tx.Exec(ctx, `UPDATE requests SET force_reference = $2, updated_at = now()
					WHERE id = $1 AND force_reference IS NULL`, m.RequestID, d.Reference); err != nil {
					return fmt.Errorf("learn reference: %w", err)
				}
			}
		}
		cls := map[string]json.RawMessage{}
		if len(d.Classification) > 0 {
			cls["result"] = d.Classification
		}
		if len(d.Signals) > 0 {
			cls["signals"] = d.Signals
		}
		clsJSON, err := json.Marshal(cls)
		if err != nil {
			return err
		}
		var kind *foi.Kind
		var reason *string
		if d.Kind != "" {
			kind = &d.Kind
		}
		if d.TriageReason != "" {
			reason = &d.TriageReason
		}
		if _, err := tx.Exec(ctx, `UPDATE inbound_messages SET status = $2, kind = $3, classification = $4,
			triage_reason = $5, processed_at = $6 WHERE id = $1`,
			id, d.Status, kind, clsJSON, reason, time.Now()); err != nil {
			return fmt.Errorf("update message: %w", err)
		}
		out = &d
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: decide inbound %d: %w", id, err)
	}
	return out, nil
}

// TriageItem is a message waiting for a person.
type TriageItem struct {
	ID       int64
	Mailbox  string
	Status   foi.InboundStatus // triage, or failed (the message could not be processed)
	Kind     foi.Kind          // what the classifier made of it, if anything
	From     string
	Subject  string
	Reason   string
	Size     int64 // bytes of the raw message
	StoredAt time.Time
}

// Triage lists messages in triage, oldest first.
func (s *Store) Triage(ctx context.Context, limit int) ([]TriageItem, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, mailbox, status, coalesce(kind, ''), from_addr, subject,
			coalesce(triage_reason, ''), octet_length(raw), stored_at
		FROM inbound_messages WHERE status = ANY($2) ORDER BY id LIMIT $1`, limit, triagedStatuses)
	if err != nil {
		return nil, fmt.Errorf("store: triage: %w", err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (TriageItem, error) {
		var t TriageItem
		err := row.Scan(&t.ID, &t.Mailbox, &t.Status, &t.Kind, &t.From, &t.Subject, &t.Reason, &t.Size, &t.StoredAt)
		return t, err
	})
}

// AssignableRequest is a request of a running campaign: one whose
// workflow can still be told of a reply.
type AssignableRequest struct {
	CampaignSlug  string
	CampaignYear  int
	CampaignTitle string
	WorkflowID    string
	ForceSlug     string
	State         foi.State
}

// AssignableRequests lists the requests of running campaigns, newest
// campaign first, then by campaign and force.
func (s *Store) AssignableRequests(ctx context.Context) ([]AssignableRequest, error) {
	return collectRows[AssignableRequest](ctx, s.pool, "assignable requests", `SELECT c.slug, c.year, c.title, r.workflow_id, r.force_slug, r.state
		FROM requests r JOIN campaigns c ON c.id = r.campaign_id
		WHERE c.status = 'running'
		ORDER BY c.year DESC, c.slug, r.force_slug`)
}

// AssignInbound matches a message in triage to a request by hand, in one
// transaction, and returns the request. Assigning it again to the same
// request is a no-op that returns the same; a message already matched
// otherwise is refused.
func (s *Store) AssignInbound(ctx context.Context, inboundID int64, requestWorkflowID, by string) (*match.Candidate, error) {
	var c match.Candidate
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var status foi.InboundStatus
		if err := tx.QueryRow(ctx, `SELECT status FROM inbound_messages WHERE id = $1 FOR UPDATE`, inboundID).Scan(&status); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return fmt.Errorf("no inbound message %d: %w", inboundID, ErrNotFound)
			}
			return err
		}
		err := tx.QueryRow(ctx, `SELECT `+candidateCols+` FROM requests r WHERE r.workflow_id = $1`, requestWorkflowID).
			Scan(&c.RequestID, &c.WorkflowID, &c.ForceSlug, &c.Token, &c.Reference, &c.State)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("no request %s: %w", requestWorkflowID, ErrNotFound)
		} else if err != nil {
			return err
		}
		var already bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM message_matches WHERE inbound_id = $1 AND request_id = $2)`,
			inboundID, c.RequestID).Scan(&already); err != nil {
			return err
		}
		if already {
			return nil
		}
		if !status.Triaged() && status != foi.InboundIgnored {
			return fmt.Errorf("message %d is %s, not in triage: %w", inboundID, status, ErrConflict)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO message_matches (inbound_id, request_id, method, evidence)
			VALUES ($1, $2, 'operator', $3)`, inboundID, c.RequestID, "assigned by "+by); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE inbound_messages SET status = 'matched',
			triage_reason = coalesce(triage_reason, '') || ' (assigned to ' || $2 || ' by ' || $3 || ')' WHERE id = $1`,
			inboundID, requestWorkflowID, by)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: assign message %d: %w", inboundID, err)
	}
	return &c, nil
}

// MessageDocuments lists the documents a message carried, each named as
// in that message (the last part of its path there), which may differ from
// the name of the first message that carried the same bytes.
func (s *Store) MessageDocuments(ctx context.Context, inboundID int64) ([]StoredDocument, error) {
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT ON (d.id) d.id, d.sha256,
			coalesce(nullif(regexp_replace(md.path, '^.*/', ''), ''), d.filename), md.path, d.content_type
		FROM message_documents md JOIN documents d ON d.id = md.document_id
		WHERE md.inbound_id = $1 ORDER BY d.id, md.path`, inboundID)
	if err != nil {
		return nil, fmt.Errorf("store: documents of message %d: %w", inboundID, err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (StoredDocument, error) {
		var d StoredDocument
		err := row.Scan(&d.ID, &d.SHA256, &d.Filename, &d.Path, &d.ContentType)
		return d, err
	})
}

// EventReplyUndelivered is the kind of the event a request's trail gets
// when a reply matched to it could not be delivered and went back to
// triage. No run of the request records it: the inbox does.
const EventReplyUndelivered = "reply_undelivered"

// outsideEvents are the kinds of events recorded on a request's trail by
// something other than its workflow, which numbers the trail itself.
var outsideEvents = []string{EventReplyUndelivered}

// Undelivered is a reply the inbox could not deliver to its request.
type Undelivered struct {
	InboundID  int64
	WorkflowID string    // the request's
	Error      string    // why the delivery failed
	At         time.Time // when it failed (real time)
	// Key names this failure: a repeat with the same key changes nothing,
	// even once a person has assigned the message again.
	Key string
}

// ReturnToTriage puts a message that was matched to a request but could
// not be delivered to it back before a person, in one transaction: its
// match to the request is removed, so that a person can assign it again
// (to the same request or another) as any message in triage; it goes back
// to triage with the reason; and the request's trail records it, with the
// match that was removed. It reports whether it did so. A message no
// longer matched to the request (a repeat, or a person already assigned
// it elsewhere), or no longer matched at all, is left as it is.
//
// A message matched to several requests keeps its other matches; a second
// request it could not reach adds its reason to the first's.
func (s *Store) ReturnToTriage(ctx context.Context, u Undelivered) (bool, error) {
	if u.At.IsZero() {
		u.At = time.Now()
	}
	done := false
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var status foi.InboundStatus
		var reason string
		err := tx.QueryRow(ctx, `SELECT status, coalesce(triage_reason, '') FROM inbound_messages WHERE id = $1 FOR UPDATE`,
			u.InboundID).Scan(&status, &reason)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("no inbound message %d: %w", u.InboundID, ErrNotFound)
		} else if err != nil {
			return err
		}
		if status != foi.InboundMatched && status != foi.InboundTriage {
			return nil
		}
		// The request row is locked so that events recorded from outside
		// its workflow take their numbers one at a time.
		var (
			requestID int64
			origin    time.Time
			scale     *float64
		)
		err = tx.QueryRow(ctx, `SELECT r.id, coalesce(c.clock_origin, c.created_at), c.clock_scale
			FROM requests r JOIN campaigns c ON c.id = r.campaign_id WHERE r.workflow_id = $1 FOR UPDATE OF r`,
			u.WorkflowID).Scan(&requestID, &origin, &scale)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("no request %s: %w", u.WorkflowID, ErrNotFound)
		} else if err != nil {
			return err
		}
		if u.Key != "" {
			var seen bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM request_events WHERE request_id = $1
				AND kind = $2 AND detail->'delivery'->>'key' = $3)`, requestID, EventReplyUndelivered, u.Key).Scan(&seen); err != nil {
				return err
			}
			if seen {
				return nil
			}
		}
		var method, evidence string
		err = tx.QueryRow(ctx, `DELETE FROM message_matches WHERE inbound_id = $1 AND request_id = $2
			RETURNING method, evidence`, u.InboundID, requestID).Scan(&method, &evidence)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		} else if err != nil {
			return err
		}
		why := fmt.Sprintf("matched to request %s but could not be delivered: %s", u.WorkflowID, u.Error)
		if status == foi.InboundTriage && reason != "" {
			why = reason + "; " + why
		}
		if _, err := tx.Exec(ctx, `UPDATE inbound_messages SET status = 'triage', triage_reason = $2 WHERE id = $1`,
			u.InboundID, why); err != nil {
			return err
		}
		detail, err := json.Marshal(map[string]any{
			"note":       fmt.Sprintf("message %d could not be delivered to the request and is back in triage for a person to assign", u.InboundID),
			"inbound_id": u.InboundID,
			"error":      u.Error,
			"delivery":   map[string]any{"key": u.Key, "method": method, "evidence": evidence},
		})
		if err != nil {
			return err
		}
		at := u.At
		if scale != nil {
			at = foi.CampaignTime(u.At, origin, *scale)
		}
		for try := 0; ; try++ {
			if try == 10 {
				return fmt.Errorf("record event: no free number on the trail of request %s", u.WorkflowID)
			}
			tag, err := tx.Exec(ctx, `INSERT INTO request_events (request_id, seq, kind, occurred_at, detail)
				SELECT $1, coalesce(max(seq) + 1, 0), $2, $3, $4 FROM request_events WHERE request_id = $1
				ON CONFLICT (request_id, seq) DO NOTHING`, requestID, EventReplyUndelivered, at, detail)
			if err != nil {
				return fmt.Errorf("record event: %w", err)
			}
			if tag.RowsAffected() == 1 {
				break
			}
			// A run of the request took that number meanwhile: take the next.
		}
		done = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("store: return message %d to triage: %w", u.InboundID, err)
	}
	return done, nil
}

// InboundKind is a stored message's Message-ID and the kind it was given.
type InboundKind struct {
	MessageID string
	Kind      foi.Kind
}

// InboundByEvidence lists the messages whose classification holds
// evidence of the given rule ("letter:read": the replies read with an
// attached letter), in the order stored.
func (s *Store) InboundByEvidence(ctx context.Context, rule string) ([]InboundKind, error) {
	return collectRows[InboundKind](ctx, s.pool, "inbound by evidence", `SELECT message_id, coalesce(kind, '')
		FROM inbound_messages
		WHERE message_id IS NOT NULL
		  AND classification->'result'->'evidence' @> jsonb_build_array(jsonb_build_object('rule', $1::text))
		ORDER BY id`, rule)
}
