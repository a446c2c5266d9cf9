package activities

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"path"
	"strings"
	"sync"
	"time"

	"go.temporal.io/sdk/activity"

	"github.com/foidesk/foidesk/internal/calendar"
	"github.com/foidesk/foidesk/internal/classify"
	"github.com/foidesk/foidesk/internal/extract"
	"github.com/foidesk/foidesk/internal/foi"
	fmail "github.com/foidesk/foidesk/internal/mail"
	"github.com/foidesk/foidesk/internal/match"
	"github.com/foidesk/foidesk/internal/store"
)

// Inbox holds the mailbox connections of a worker; the zero value has none.
type Inbox struct {
	// IMAP configures the mailbox; nil disables syncing.
	IMAP *fmail.IMAPOptions

	mu      sync.Mutex
	syncers map[string]*fmail.Syncer
}

func (in *Inbox) syncer(st *store.Store, mailbox string) (*fmail.Syncer, error) {
	if in == nil || in.IMAP == nil {
		return nil, nonRetryable(ErrTypeInvalid, errors.New("no IMAP server configured (FOIDESK_IMAP_ADDR)"))
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if s, ok := in.syncers[mailbox]; ok {
		return s, nil
	}
	o := *in.IMAP
	if o.Name != "" && mailbox != o.Mailbox {
		o.Name += "/" + mailbox
	}
	o.Mailbox = mailbox
	s := fmail.NewSyncer(o, st)
	if in.syncers == nil {
		in.syncers = map[string]*fmail.Syncer{}
	}
	in.syncers[mailbox] = s
	return s, nil
}

// Close drops the worker's IMAP connections.
func (in *Inbox) Close() {
	if in == nil {
		return
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	for _, s := range in.syncers {
		_ = s.Close()
	}
	in.syncers = nil
}

// SyncInput asks for new mail.
type SyncInput struct {
	Mailbox string `json:"mailbox"`
	// MaxWait bounds how long to wait for new mail when there is none
	// (IDLE, or polling every Poll).
	MaxWait time.Duration `json:"max_wait"`
	Poll    time.Duration `json:"poll"`
}

// SyncOutput lists stored messages that still need processing.
type SyncOutput struct {
	Pending    []int64 `json:"pending"`
	Stored     int     `json:"stored"`
	Duplicates int     `json:"duplicates"`
	Resynced   bool    `json:"resynced,omitempty"`
}

// SyncMailbox stores new mail (raw bytes and checkpoint in one transaction)
// and returns the messages not yet processed. With none pending it waits up
// to MaxWait for new mail (the worker heartbeats for it), then syncs again.
func (a *Activities) SyncMailbox(ctx context.Context, in SyncInput) (*SyncOutput, error) {
	if in.MaxWait <= 0 {
		in.MaxWait = 5 * time.Minute
	}
	if in.Poll <= 0 {
		in.Poll = time.Minute
	}
	s, err := a.Inbox.syncer(a.Store, in.Mailbox)
	if err != nil {
		return nil, err
	}
	out := &SyncOutput{}
	sync := func() error {
		res, err := s.Sync(ctx)
		if ctx.Err() == nil { // a cancelled attempt says nothing of the mailbox
			a.recordSync(ctx, s.Name(), err)
		}
		if err != nil {
			return fmt.Errorf("sync %s: %w", in.Mailbox, err)
		}
		out.Stored += len(res.Stored)
		out.Duplicates += res.Duplicates
		out.Resynced = out.Resynced || res.Resynced
		return nil
	}
	pending := func() error {
		ids, err := a.Store.UnprocessedInbound(ctx, s.Name(), 500)
		out.Pending = ids
		return err
	}
	if err := sync(); err != nil {
		return nil, err
	}
	if err := pending(); err != nil || len(out.Pending) > 0 {
		return out, err
	}
	if err := s.Wait(ctx, in.MaxWait, in.Poll); err != nil && ctx.Err() == nil {
		a.log().Warn("waiting for mail", slog.String("mailbox", in.Mailbox), slog.Any("err", err))
	}
	if err := sync(); err != nil {
		return nil, err
	}
	return out, pending()
}

// recordSync records a sync's outcome for the dashboard and the metrics. A
// failure to record is logged: it must not fail the sync.
func (a *Activities) recordSync(ctx context.Context, mailbox string, syncErr error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := a.Store.RecordMailboxSync(ctx, mailbox, syncErr); err != nil {
		a.log().Warn("recording the mailbox's health", slog.String("mailbox", mailbox), slog.Any("err", err))
	}
}

// DocumentRef names a stored attachment to process for data, as one
// message carried it: identical bytes from two messages are one stored
// document, each message with its own filename.
type DocumentRef struct {
	ID       int64  `json:"id"`
	SHA256   string `json:"sha256"`
	Filename string `json:"filename"` // the name in the message
	// InboundID is the message; 0 in payloads from before it was recorded.
	InboundID int64 `json:"inbound_id,omitempty"`
}

// InboundReply is what the inbox tells a request about a message; the
// workflow turns it into its Reply signal.
type InboundReply struct {
	WorkflowID string         `json:"workflow_id"`
	InboundID  int64          `json:"inbound_id"`
	MessageID  string         `json:"message_id"`
	Kind       foi.Kind       `json:"kind"`
	Reference  string         `json:"reference,omitempty"`
	Received   *calendar.Date `json:"received,omitempty"`
	Due        *calendar.Date `json:"due,omitempty"`
	Sections   []string       `json:"sections,omitempty"`
	Documents  []DocumentRef  `json:"documents,omitempty"`
	Subject    string         `json:"subject,omitempty"`
	At         time.Time      `json:"at"`
	// Uncertain marks a reply whose kind a person must confirm, and says why.
	Uncertain    bool    `json:"uncertain,omitempty"`
	UncertainWhy string  `json:"uncertain_why,omitempty"`
	Confidence   float64 `json:"confidence,omitempty"`
}

// ProcessOutput is the decision about one message.
type ProcessOutput struct {
	Status  foi.InboundStatus `json:"status"` // matched | triage | ignored | failed
	Kind    foi.Kind          `json:"kind,omitempty"`
	Triage  string            `json:"triage,omitempty"`
	Replies []InboundReply    `json:"replies,omitempty"`
}

// dataExts are the attachment formats tables are extracted from.
var dataExts = map[string]bool{".pdf": true, ".xlsx": true, ".xlsm": true, ".xls": true, ".ods": true, ".csv": true,
	".docx": true, ".html": true, ".htm": true, ".txt": true}

// isData reports whether an attachment may hold tables: by its name, or by
// its type when the name has no extension. Images, signatures and calendar
// files are kept as documents but not processed.
func isData(name, contentType string) bool {
	if ext := strings.ToLower(path.Ext(name)); ext != "" {
		return dataExts[ext]
	}
	ct := strings.ToLower(contentType)
	return strings.Contains(ct, "pdf") || strings.Contains(ct, "spreadsheet") || strings.Contains(ct, "excel") ||
		strings.Contains(ct, "csv") || strings.Contains(ct, "wordprocessing") || strings.HasPrefix(ct, "text/html")
}

// maxLetters is how many attachments of one message are read as letters,
// and letterOCRPages how many scanned pages of each are read by OCR: a
// printed, signed and scanned letter says what it decides on its first
// pages.
const (
	maxLetters     = 3
	letterOCRPages = 2
)

// letterExts are the formats a decision letter comes in.
var letterExts = map[string]bool{".pdf": true, ".docx": true, ".doc": true, ".odt": true, ".txt": true}

// isLetter reports whether an attachment may be a letter: by its name, or
// by its type when the name has no extension (as isData does).
func isLetter(name, contentType string) bool {
	if ext := strings.ToLower(path.Ext(name)); ext != "" {
		return letterExts[ext]
	}
	return strings.Contains(contentType, "pdf") || strings.Contains(contentType, "wordprocessing") || contentType == "text/plain"
}

// ReadLetter reads one file as a letter; one that cannot be read comes
// back with Unread saying why, and ok is false for a file in no letter
// format.
func ReadLetter(ctx context.Context, name string, data []byte) (l classify.Letter, ok bool) {
	text, err := extract.LetterText(ctx, name, data, &extract.LetterOptions{OCRPages: letterOCRPages})
	switch {
	case errors.Is(err, extract.ErrNotLetter):
		return classify.Letter{}, false
	case err != nil:
		return classify.Letter{Name: name, Unread: err.Error()}, true
	}
	return classify.Letter{Name: name, Text: text}, true
}

// ReadLetters reads the attachments of msg that may be the force's letter
// (a PDF, Word or text file, or a message forwarded as an attachment), for
// the classifier to read with the body:
// many forces answer with a covering line and the decision in the
// attachment. One that cannot be read (scanned with no OCR, malformed,
// encrypted) comes back with Unread saying why; its tables are still
// extracted, which records the error on the document.
func ReadLetters(ctx context.Context, msg *fmail.Message) []classify.Letter {
	var letters []classify.Letter
	for _, att := range msg.Attachments {
		if len(letters) == maxLetters {
			break
		}
		if att.Inline || !isLetter(att.Filename, att.ContentType) {
			continue
		}
		if l, ok := ReadLetter(ctx, att.Filename, att.Data); ok {
			l.Name = att.Name()
			letters = append(letters, l)
		}
	}
	// A reply forwarded as an attachment under a line of the forwarder's
	// is read as a letter.
	for i, t := range msg.AttachedTexts {
		if len(letters) < maxLetters && t != msg.Text {
			letters = append(letters, classify.Letter{Name: fmt.Sprintf("forwarded message %d", i+1), Text: t})
		}
	}
	return letters
}

// AttachmentNames names the files attached to msg, for the classifier's
// reference search.
func AttachmentNames(msg *fmail.Message) []string {
	var names []string
	for _, att := range msg.Attachments {
		if !att.Inline {
			names = append(names, att.Name())
		}
	}
	return names
}

// beyondLetters reports whether refs hold a document other than the
// letters read (a spreadsheet, a table in the body, a letter that could
// not be read): figures the classifier's kind must account for.
func beyondLetters(refs []DocumentRef, letters []classify.Letter) bool {
	read := map[string]int{}
	for _, l := range letters {
		if l.Unread == "" {
			read[path.Base(l.Name)]++
		}
	}
	for _, r := range refs {
		if read[r.Filename] == 0 {
			return true
		}
		read[r.Filename]--
	}
	return false
}

// letters is ReadLetters, logging the attachments that could not be read.
func (a *Activities) letters(ctx context.Context, inboundID int64, msg *fmail.Message) []classify.Letter {
	letters := ReadLetters(ctx, msg)
	for _, l := range letters {
		if l.Unread != "" {
			a.log().Info("attachment not read as a letter", slog.Int64("inbound_id", inboundID),
				slog.String("attachment", l.Name), slog.String("err", l.Unread))
		}
	}
	return letters
}

// classify classifies a reply; a panic inside the classifier is contained
// and logged, and the reply comes out as "other" with no confidence, so a
// person gives it its kind and nothing already stored is touched.
func (a *Activities) classify(in *classify.Input, opts *classify.Options) (res classify.Result) {
	defer func() {
		if p := recover(); p != nil {
			a.log().Error("classifier failed", slog.Any("panic", p))
			res = classify.Result{Kind: foi.KindOther, Evidence: []classify.Evidence{{Rule: "classifier-failed",
				Source: classify.SourceDecision, Note: fmt.Sprintf("the classifier failed on this reply: %v", p)}}}
		}
	}()
	return classifyReply(in, opts)
}

// classifyReply is the classifier; tests replace it.
var classifyReply = classify.Classify

// hasData reports whether any of docs may hold tables.
func hasData(docs []store.Document) bool {
	for _, d := range docs {
		if isData(d.Filename, d.ContentType) {
			return true
		}
	}
	return false
}

// bodyTableTimeout bounds the look for a table in a message body.
const bodyTableTimeout = 10 * time.Second

// bodyTable returns the message body as a document when it holds a table
// of figures (two rows or more with a number in them): the figures of a
// reply that has no attachment are in its body. It returns nil otherwise,
// so that letters without tables add no documents.
func bodyTable(ctx context.Context, msg *fmail.Message) *store.Document {
	ctx, cancel := context.WithTimeout(ctx, bodyTableTimeout)
	defer cancel()
	name, ct, body := "body.txt", "text/plain", msg.Text
	if strings.TrimSpace(msg.HTML) != "" {
		name, ct, body = "body.html", "text/html", msg.HTML
	}
	if strings.TrimSpace(body) == "" {
		return nil
	}
	tables, err := extract.File(ctx, name, []byte(body), nil)
	if err != nil && len(tables) == 0 {
		return nil
	}
	for _, t := range tables {
		if figureRows(t) >= 2 {
			return &store.Document{Filename: name, ContentType: ct, Data: []byte(body), Path: name}
		}
	}
	return nil
}

// figureRows counts the rows of t below its header with a number in them.
func figureRows(t *extract.Table) int {
	n := 0
	for r := t.HeaderRows; r < t.NumRows(); r++ {
		for c := 1; c < len(t.Rows[r]); c++ {
			if looksNumeric(t.Rows[r][c].Text) {
				n++
				break
			}
		}
	}
	return n
}

// looksNumeric reports whether s reads as a count: digits with optional
// thousands separators, or a suppression mark such as "<5".
func looksNumeric(s string) bool {
	s = strings.TrimSpace(strings.ReplaceAll(s, ",", ""))
	s = strings.TrimPrefix(s, "<")
	if s == "" {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && c != '.' {
			return false
		}
	}
	return true
}

// ProcessInbound parses a stored message, keeps its attachments as
// documents, classifies it, matches it to its requests and records the
// decision, in that order. Processing a message twice returns the first
// decision and changes nothing.
func (a *Activities) ProcessInbound(ctx context.Context, id int64) (*ProcessOutput, error) {
	m, err := a.Store.InboundMessage(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nonRetryable(ErrTypeNotFound, err)
	}
	if err != nil {
		return nil, err
	}
	if m.Status != foi.InboundStored {
		return a.decided(ctx, id)
	}
	msg, perr := fmail.Parse(m.Raw, nil)
	if perr != nil {
		d, err := a.Store.DecideInbound(ctx, id, store.InboundDecision{Status: foi.InboundFailed,
			TriageReason: "unreadable message: " + perr.Error()})
		if err != nil {
			return nil, storeErr(err)
		}
		a.log().Warn("unreadable message", slog.Int64("inbound_id", id), slog.Any("err", perr))
		return &ProcessOutput{Status: d.Status, Triage: d.TriageReason}, nil
	}

	// Attachments first: a document is stored once, whatever happens next.
	var docs []store.Document
	for _, att := range msg.Attachments {
		if att.Inline {
			continue
		}
		docs = append(docs, store.Document{Filename: att.Filename, ContentType: att.ContentType, Data: att.Data,
			Path: path.Join(append(append([]string{}, att.Path...), att.Filename)...)})
	}

	senderForce := ""
	mres, err := match.Find(ctx, a.Store, match.Input{
		From: msg.From.Address, InReplyTo: msg.InReplyTo, References: msg.References,
		Subject: msg.Subject, Body: msg.Text, BounceOf: bounceOf(msg),
	})
	if err != nil {
		return nil, err
	}
	senderForce = mres.SenderForce
	if senderForce == "" && len(mres.Matches) > 0 {
		senderForce = mres.Matches[0].ForceSlug
	}
	letters := a.letters(ctx, id, msg)
	cls := a.classify(&classify.Input{Subject: msg.Subject, From: msg.From.String(), Body: msg.Text,
		Force: senderForce, AutoReply: msg.AutoReply, Letters: letters, Attachments: AttachmentNames(msg)}, nil)
	kind := cls.Kind
	if msg.Bounce != nil {
		kind = foi.KindBounce
	}
	// The body may hold the table itself: an answer's HTML body always
	// goes to extraction; any other reply's body does when it holds a
	// table of figures and nothing else in the message does.
	if kind.Disclosure() && strings.TrimSpace(msg.HTML) != "" {
		docs = append(docs, store.Document{Filename: "body.html", ContentType: "text/html", Data: []byte(msg.HTML), Path: "body.html"})
	} else if !hasData(docs) && kind != foi.KindBounce && kind != foi.KindAutoReply {
		if d := bodyTable(ctx, msg); d != nil {
			docs = append(docs, *d)
		}
	}
	ids, err := a.Store.SaveDocuments(ctx, id, docs)
	if err != nil {
		return nil, storeErr(err)
	}
	var refs []DocumentRef
	for i, d := range docs {
		if isData(d.Filename, d.ContentType) {
			sum := sha256.Sum256(d.Data)
			refs = append(refs, DocumentRef{ID: ids[i], SHA256: hex.EncodeToString(sum[:]), Filename: d.Filename, InboundID: id})
		}
	}

	out := &ProcessOutput{Status: foi.InboundMatched, Kind: kind, Triage: mres.Triage}
	switch {
	case mres.Triage != "":
		out.Status = foi.InboundTriage
	case kind == foi.KindAutoReply:
		out.Status = foi.InboundIgnored
	}
	at := m.StoredAt
	if m.InternalDate != nil {
		at = *m.InternalDate
	}
	if out.Status == foi.InboundMatched {
		uncertain, why := cls.NeedsPerson(beyondLetters(refs, letters))
		for _, mt := range mres.Matches {
			r := newReply(mt.WorkflowID, id, msg, kind, cls, refs, at)
			r.Uncertain, r.UncertainWhy = uncertain && kind != foi.KindBounce, why
			out.Replies = append(out.Replies, r)
		}
	}
	clsJSON, err := json.Marshal(cls)
	if err != nil {
		return nil, err
	}
	sig, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	learned := ""
	if kind == foi.KindAcknowledgement || kind == foi.KindAutoAcknowledgement {
		learned = cls.Reference
	}
	d, err := a.Store.DecideInbound(ctx, id, store.InboundDecision{Status: out.Status, Kind: kind,
		Classification: clsJSON, TriageReason: mres.Triage, Matches: mres.Matches, Reference: learned, Signals: sig})
	if err != nil {
		return nil, storeErr(err)
	}
	if d.Status != out.Status || string(d.Signals) != string(sig) {
		// Another worker decided first: its decision stands.
		return a.decided(ctx, id)
	}
	a.log().Info("inbound message processed", slog.Int64("inbound_id", id), slog.String("status", string(out.Status)),
		slog.String("kind", string(kind)), slog.Int("requests", len(out.Replies)), slog.Int("documents", len(refs)),
		slog.String("triage", mres.Triage))
	return out, nil
}

// decided returns the decision already recorded for a message.
func (a *Activities) decided(ctx context.Context, id int64) (*ProcessOutput, error) {
	d, err := a.Store.DecideInbound(ctx, id, store.InboundDecision{})
	if err != nil {
		return nil, storeErr(err)
	}
	out := &ProcessOutput{Status: d.Status}
	if len(d.Signals) > 0 && string(d.Signals) != "null" {
		if err := json.Unmarshal(d.Signals, out); err != nil {
			return nil, fmt.Errorf("decision of message %d: %w", id, err)
		}
	}
	return out, nil
}

func bounceOf(m *fmail.Message) string {
	if m.Bounce == nil {
		return ""
	}
	return m.Bounce.OriginalMessageID
}

// AssignInput assigns a message from triage to a request.
type AssignInput struct {
	InboundID         int64  `json:"inbound_id"`
	RequestWorkflowID string `json:"request_workflow_id"`
	By                string `json:"by"`
}

// AssignInbound matches a message in triage to a request by hand and
// returns the reply to deliver, built as if it had matched on its own.
func (a *Activities) AssignInbound(ctx context.Context, in AssignInput) (*ProcessOutput, error) {
	c, err := a.Store.AssignInbound(ctx, in.InboundID, in.RequestWorkflowID, in.By)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrConflict) {
		return nil, nonRetryable(ErrTypeInvalid, err)
	}
	if err != nil {
		return nil, storeErr(err)
	}
	m, err := a.Store.InboundMessage(ctx, in.InboundID)
	if err != nil {
		return nil, err
	}
	msg, err := fmail.Parse(m.Raw, nil)
	if err != nil {
		return nil, nonRetryable(ErrTypeInvalid, fmt.Errorf("message %d: %w", in.InboundID, err))
	}
	letters := a.letters(ctx, in.InboundID, msg)
	cls := a.classify(&classify.Input{Subject: msg.Subject, From: msg.From.String(), Body: msg.Text,
		Force: c.ForceSlug, AutoReply: msg.AutoReply, Letters: letters, Attachments: AttachmentNames(msg)}, nil)
	docs, err := a.Store.MessageDocuments(ctx, in.InboundID)
	if err != nil {
		return nil, err
	}
	var refs []DocumentRef
	for _, d := range docs {
		if isData(d.Filename, d.ContentType) {
			refs = append(refs, DocumentRef{ID: d.ID, SHA256: hex.EncodeToString(d.SHA256), Filename: d.Filename,
				InboundID: in.InboundID})
		}
	}
	r := newReply(c.WorkflowID, in.InboundID, msg, cls.Kind, cls, refs, m.StoredAt)
	r.Uncertain, r.UncertainWhy = cls.NeedsPerson(beyondLetters(refs, letters))
	a.log().Info("message assigned from triage", slog.Int64("inbound_id", in.InboundID), slog.String("request", c.WorkflowID),
		slog.String("by", in.By))
	return &ProcessOutput{Status: foi.InboundMatched, Kind: r.Kind, Replies: []InboundReply{r}}, nil
}

// UndeliveredInput names a reply the inbox could not deliver to its
// request.
type UndeliveredInput struct {
	InboundID         int64     `json:"inbound_id"`
	RequestWorkflowID string    `json:"request_workflow_id"`
	Error             string    `json:"error"` // why the delivery failed
	At                time.Time `json:"at"`    // when it failed
}

// ReturnToTriage puts a message back before a person when the reply it
// carries could not be delivered to its request: the message goes back to
// triage, unmatched from that request, saying why, and the request's trail
// records it (store.ReturnToTriage). It returns whether it did so: a
// message a person has already assigned again is left as it is. A retry of
// the activity changes nothing more.
func (a *Activities) ReturnToTriage(ctx context.Context, in UndeliveredInput) (bool, error) {
	info := activity.GetInfo(ctx)
	done, err := a.Store.ReturnToTriage(ctx, store.Undelivered{InboundID: in.InboundID, WorkflowID: in.RequestWorkflowID,
		Error: in.Error, At: in.At,
		Key: fmt.Sprintf("%s/%s/%s", info.WorkflowExecution.ID, info.WorkflowExecution.RunID, info.ActivityID)})
	if errors.Is(err, store.ErrNotFound) {
		return false, nonRetryable(ErrTypeNotFound, err)
	}
	if err != nil {
		return false, storeErr(err)
	}
	if done {
		a.log().Warn("reply not delivered: message back in triage", slog.Int64("inbound_id", in.InboundID),
			slog.String("request", in.RequestWorkflowID), slog.String("error", in.Error))
	}
	return done, nil
}

// newReply is what a request is told of a message classified as cls.
func newReply(workflowID string, inboundID int64, msg *fmail.Message, kind foi.Kind, cls classify.Result,
	docs []DocumentRef, at time.Time) InboundReply {
	r := InboundReply{WorkflowID: workflowID, InboundID: inboundID, MessageID: msg.MessageID, Kind: kind,
		Reference: cls.Reference, Sections: cls.Sections, Documents: docs, Subject: msg.Subject, At: at,
		Confidence: cls.Confidence}
	if d, err := calendar.ParseDate(cls.Received); err == nil {
		r.Received = &d
	}
	if d, err := calendar.ParseDate(cls.Due); err == nil {
		r.Due = &d
	}
	return r
}
