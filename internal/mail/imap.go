package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/foidesk/foidesk/internal/store"
)

// IMAPOptions says how to reach and sync a mailbox.
type IMAPOptions struct {
	Addr     string // host:port
	Username string
	Password string
	// TLS is "tls" (implicit, the default), "starttls", or "insecure"
	// (plaintext, only for loopback tests and explicitly configured).
	TLS       string
	TLSConfig *tls.Config
	Mailbox   string // default INBOX
	// ProcessedFolder, when set, receives each message once it is stored.
	ProcessedFolder string
	// BatchSize is how many messages are stored per transaction (default 250).
	BatchSize int
	// MaxMessageBytes: larger messages are stored headers-only with a note
	// (default 50 MiB).
	MaxMessageBytes int64
	// Name identifies the mailbox in the database (default user@addr/mailbox).
	Name   string
	Logger *slog.Logger
}

// MessageStore is where synced messages go (internal/store implements it).
type MessageStore interface {
	Checkpoint(ctx context.Context, mailbox string) (store.Checkpoint, bool, error)
	StoreMessages(ctx context.Context, mailbox string, cp store.Checkpoint, msgs []store.RawMessage) (store.StoreResult, error)
}

// SyncResult reports one pass over the mailbox.
type SyncResult struct {
	Fetched     int
	Stored      []int64
	Duplicates  int
	Resynced    bool // UIDVALIDITY changed: the mailbox was read again from the start
	UIDValidity uint32
	LastUID     uint32
}

// Syncer copies new messages from an IMAP mailbox into the store, by UID
// under UIDVALIDITY. It keeps one connection open between passes and
// reconnects when it breaks. It never deletes mail.
type Syncer struct {
	opts  IMAPOptions
	store MessageStore
	log   *slog.Logger

	mu      sync.Mutex
	c       *imapclient.Client
	changed chan struct{} // a mailbox update arrived (EXISTS)
	hasIdle bool
}

// NewSyncer prepares a syncer; it connects on first use.
func NewSyncer(o IMAPOptions, st MessageStore) *Syncer {
	if o.Mailbox == "" {
		o.Mailbox = "INBOX"
	}
	if o.TLS == "" {
		o.TLS = "tls"
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 250
	}
	if o.MaxMessageBytes <= 0 {
		o.MaxMessageBytes = 50 << 20
	}
	if o.Name == "" {
		o.Name = fmt.Sprintf("%s@%s/%s", o.Username, o.Addr, o.Mailbox)
	}
	log := o.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Syncer{opts: o, store: st, log: log.With(slog.String("mailbox", o.Name)), changed: make(chan struct{}, 1)}
}

// Name is the mailbox's name in the database.
func (s *Syncer) Name() string { return s.opts.Name }

// Close logs out and closes the connection.
func (s *Syncer) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closeLocked()
}

func (s *Syncer) closeLocked() error {
	if s.c == nil {
		return nil
	}
	c := s.c
	s.c = nil
	_ = c.Logout().Wait()
	return c.Close()
}

func (s *Syncer) connect(ctx context.Context) (*imapclient.Client, *imap.SelectData, error) {
	if s.c != nil {
		// Check the connection still answers; reselect to refresh UIDNEXT and
		// UIDVALIDITY (one round trip whatever the mailbox size).
		sel, err := s.c.Select(s.opts.Mailbox, &imap.SelectOptions{ReadOnly: s.opts.ProcessedFolder == ""}).Wait()
		if err == nil {
			return s.c, sel, nil
		}
		s.log.Warn("IMAP connection lost; reconnecting", slog.Any("error", err))
		_ = s.c.Close()
		s.c = nil
	}
	host, _, err := net.SplitHostPort(s.opts.Addr)
	if err != nil {
		return nil, nil, fmt.Errorf("imap: address %q: %w", s.opts.Addr, err)
	}
	tlsConf := s.opts.TLSConfig
	if tlsConf == nil {
		tlsConf = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	}
	opts := &imapclient.Options{
		TLSConfig: tlsConf,
		Dialer:    &net.Dialer{Timeout: 30 * time.Second},
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			Mailbox: func(d *imapclient.UnilateralDataMailbox) {
				if d.NumMessages != nil {
					select {
					case s.changed <- struct{}{}:
					default:
					}
				}
			},
		},
	}
	var c *imapclient.Client
	switch s.opts.TLS {
	case "tls":
		c, err = imapclient.DialTLS(s.opts.Addr, opts)
	case "starttls":
		c, err = imapclient.DialStartTLS(s.opts.Addr, opts)
	case "insecure":
		c, err = imapclient.DialInsecure(s.opts.Addr, opts)
	default:
		return nil, nil, fmt.Errorf("imap: unknown TLS mode %q (tls, starttls, insecure)", s.opts.TLS)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("imap: connect %s: %w", s.opts.Addr, err)
	}
	if err := c.Login(s.opts.Username, s.opts.Password).Wait(); err != nil {
		c.Close()
		return nil, nil, fmt.Errorf("imap: login as %s: %w", s.opts.Username, err)
	}
	sel, err := c.Select(s.opts.Mailbox, &imap.SelectOptions{ReadOnly: s.opts.ProcessedFolder == ""}).Wait()
	if err != nil {
		c.Close()
		return nil, nil, fmt.Errorf("imap: select %s: %w", s.opts.Mailbox, err)
	}
	s.c = c
	s.hasIdle = c.Caps().Has(imap.CapIdle) || c.Caps().Has(imap.CapIMAP4rev2)
	return c, sel, nil
}

// Sync fetches and stores every message newer than the checkpoint. Each
// batch of messages is stored together with the advanced checkpoint in one
// transaction, before anything else happens to them.
func (s *Syncer) Sync(ctx context.Context) (SyncResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	res, err := s.sync(ctx)
	if err != nil && s.c != nil && isConnErr(err) {
		_ = s.c.Close()
		s.c = nil
	}
	return res, err
}

func (s *Syncer) sync(ctx context.Context) (SyncResult, error) {
	c, sel, err := s.connect(ctx)
	if err != nil {
		return SyncResult{}, err
	}
	cp, ok, err := s.store.Checkpoint(ctx, s.opts.Name)
	if err != nil {
		return SyncResult{}, err
	}
	res := SyncResult{UIDValidity: sel.UIDValidity}
	if ok && cp.UIDValidity != sel.UIDValidity {
		s.log.Warn("UIDVALIDITY changed: reading the mailbox again; messages already held are skipped",
			slog.Uint64("old", uint64(cp.UIDValidity)), slog.Uint64("new", uint64(sel.UIDValidity)))
		cp = store.Checkpoint{}
		res.Resynced = true
	}
	cp.UIDValidity = sel.UIDValidity
	res.LastUID = cp.LastUID
	if sel.UIDNext != 0 && uint32(sel.UIDNext) <= cp.LastUID+1 && !res.Resynced {
		return res, nil // nothing new: SELECT told us so
	}
	found, err := c.UIDSearch(&imap.SearchCriteria{
		UID: []imap.UIDSet{{imap.UIDRange{Start: imap.UID(cp.LastUID + 1), Stop: 0}}},
	}, nil).Wait()
	if err != nil {
		return res, fmt.Errorf("imap: search new messages: %w", err)
	}
	var uids []imap.UID
	for _, u := range found.AllUIDs() {
		if uint32(u) > cp.LastUID { // "n:*" also matches the last message when none is newer
			uids = append(uids, u)
		}
	}
	// Fetch the next batch from the server while the last one is stored:
	// the two round trips overlap. Batches arrive in UID order, so the
	// checkpoint only ever moves past messages already committed.
	type fetched struct {
		batch []imap.UID
		msgs  []store.RawMessage
		err   error
	}
	fctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan fetched, 1)
	go func() {
		defer close(batches)
		for start := 0; start < len(uids); start += s.opts.BatchSize {
			batch := uids[start:min(start+s.opts.BatchSize, len(uids))]
			msgs, err := s.fetch(fctx, c, batch)
			select {
			case batches <- fetched{batch, msgs, err}:
			case <-fctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	for f := range batches {
		if f.err != nil {
			return res, f.err
		}
		batch, msgs := f.batch, f.msgs
		res.Fetched += len(msgs)
		next := store.Checkpoint{UIDValidity: cp.UIDValidity, LastUID: uint32(batch[len(batch)-1])}
		sr, err := s.store.StoreMessages(ctx, s.opts.Name, next, msgs)
		if err != nil {
			return res, err
		}
		cp = next
		res.LastUID = cp.LastUID
		res.Stored = append(res.Stored, sr.Stored...)
		res.Duplicates += sr.Duplicates
	}
	if s.opts.ProcessedFolder != "" && len(uids) > 0 {
		// Only after every batch is stored; a failed move costs nothing
		// but tidiness.
		for start := 0; start < len(uids); start += s.opts.BatchSize {
			batch := uids[start:min(start+s.opts.BatchSize, len(uids))]
			if _, err := c.Move(imap.UIDSetNum(batch...), s.opts.ProcessedFolder).Wait(); err != nil {
				s.log.Warn("could not move stored messages", slog.String("folder", s.opts.ProcessedFolder), slog.Any("error", err))
			}
		}
	}
	if len(uids) == 0 && res.Resynced {
		// An emptied mailbox with a new UIDVALIDITY: remember the new validity.
		if _, err := s.store.StoreMessages(ctx, s.opts.Name, cp, nil); err != nil {
			return res, err
		}
	}
	return res, nil
}

func (s *Syncer) fetch(ctx context.Context, c *imapclient.Client, uids []imap.UID) ([]store.RawMessage, error) {
	// Sizes first, so an oversized message is fetched headers-only.
	sizes, err := c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{UID: true, RFC822Size: true}).Collect()
	if err != nil {
		return nil, fmt.Errorf("imap: fetch sizes: %w", err)
	}
	var full, big []imap.UID
	for _, m := range sizes {
		if m.RFC822Size > s.opts.MaxMessageBytes {
			big = append(big, m.UID)
		} else {
			full = append(full, m.UID)
		}
	}
	byUID := map[imap.UID]store.RawMessage{}
	get := func(set []imap.UID, section *imap.FetchItemBodySection, note string) error {
		if len(set) == 0 {
			return nil
		}
		bufs, err := c.Fetch(imap.UIDSetNum(set...), &imap.FetchOptions{
			UID: true, InternalDate: true, BodySection: []*imap.FetchItemBodySection{section},
		}).Collect()
		if err != nil {
			return fmt.Errorf("imap: fetch messages: %w", err)
		}
		for _, b := range bufs {
			raw := b.FindBodySection(section)
			if raw == nil {
				continue
			}
			if note != "" {
				raw = append(append([]byte("X-Foidesk-Truncated: "+note+"\r\n"), raw...), "\r\n"...)
			}
			byUID[b.UID] = rawMessage(uint32(b.UID), raw, b.InternalDate)
		}
		return nil
	}
	if err := get(full, &imap.FetchItemBodySection{Peek: true}, ""); err != nil {
		return nil, err
	}
	note := fmt.Sprintf("message over %d bytes; headers only", s.opts.MaxMessageBytes)
	if err := get(big, &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, Peek: true}, note); err != nil {
		return nil, err
	}
	out := make([]store.RawMessage, 0, len(uids))
	for _, u := range uids {
		m, ok := byUID[u]
		if !ok {
			// Expunged between SEARCH and FETCH: nothing to keep.
			continue
		}
		out = append(out, m)
	}
	return out, ctx.Err()
}

func rawMessage(uid uint32, raw []byte, internal time.Time) store.RawMessage {
	m := store.RawMessage{UID: uid, Raw: raw, InternalDate: internal}
	if msg, err := mail.ReadMessage(bytes.NewReader(raw)); err == nil {
		m.MessageID = strings.Trim(strings.TrimSpace(msg.Header.Get("Message-Id")), "<>")
		m.From = msg.Header.Get("From")
		dec := mimeWordDecoder()
		if subj, err := dec.DecodeHeader(msg.Header.Get("Subject")); err == nil {
			m.Subject = subj
		} else {
			m.Subject = msg.Header.Get("Subject")
		}
	}
	return m
}

// Wait blocks until the mailbox may have changed or maxWait passes: with
// IDLE when the server has it, else by sleeping poll.
func (s *Syncer) Wait(ctx context.Context, maxWait, poll time.Duration) error {
	s.mu.Lock()
	c := s.c
	idle := s.hasIdle
	s.mu.Unlock()
	timer := time.NewTimer(maxWait)
	defer timer.Stop()
	if c == nil || !idle {
		wait := min(poll, maxWait)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
			return nil
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cmd, err := c.Idle()
	if err != nil {
		return fmt.Errorf("imap: idle: %w", err)
	}
	select {
	case <-ctx.Done():
	case <-timer.C:
	case <-s.changed:
	case <-c.Closed():
	}
	if err := cmd.Close(); err != nil && ctx.Err() == nil {
		return fmt.Errorf("imap: end idle: %w", err)
	}
	return ctx.Err()
}

func isConnErr(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, net.ErrClosed) || strings.Contains(err.Error(), "connection")
}
