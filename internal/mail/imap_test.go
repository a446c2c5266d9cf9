package mail_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/foidesk/foidesk/internal/dbtest"
	"github.com/foidesk/foidesk/internal/mail"
	"github.com/foidesk/foidesk/internal/mailtest"
	"github.com/foidesk/foidesk/internal/store"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func testMessage(n int, extra string) []byte {
	return []byte(fmt.Sprintf("From: FOI Unit <foi@durham.police.uk>\r\nTo: desk@foidesk.test\r\n"+
		"Subject: RE: Freedom of Information request [FOI cro-2025/durham] %d\r\n"+
		"Message-ID: <reply-%d@durham.police.uk>\r\nDate: Mon, 3 Mar 2025 10:00:00 +0000\r\n%s\r\n"+
		"Dear requester,\r\n\r\nThank you for your request %d.\r\n", n, n, extra, n))
}

func memServer(t *testing.T) (*mailtest.IMAPServer, mail.IMAPOptions) {
	t.Helper()
	srv, err := mailtest.StartIMAP("desk", "s3cret")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv, mail.IMAPOptions{Addr: srv.Addr, Username: "desk", Password: "s3cret", TLS: "insecure", Name: "test-inbox"}
}

func count(t *testing.T, st *store.Store, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := dbtest.SQL(t, st).QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSyncStoresEachMessageOnce(t *testing.T) {
	ctx := context.Background()
	st := dbtest.DB(t)
	srv, opts := memServer(t)
	for i := 1; i <= 5; i++ {
		if err := srv.Deliver("", testMessage(i, "")); err != nil {
			t.Fatal(err)
		}
	}
	s := mail.NewSyncer(opts, st)
	defer s.Close()
	res, err := s.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Stored) != 5 || res.LastUID != 5 {
		t.Fatalf("first sync stored %d up to uid %d, want 5 and 5", len(res.Stored), res.LastUID)
	}
	// Nothing new: nothing fetched.
	res, err = s.Sync(ctx)
	if err != nil || res.Fetched != 0 {
		t.Fatalf("second sync fetched %d (err %v), want 0", res.Fetched, err)
	}
	// The same message delivered again (a new UID, same Message-ID) is dropped.
	if err := srv.Deliver("", testMessage(3, "X-Delivered-Again: yes\r\n")); err != nil {
		t.Fatal(err)
	}
	if err := srv.Deliver("", testMessage(6, "")); err != nil {
		t.Fatal(err)
	}
	res, err = s.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Stored) != 1 || res.Duplicates != 1 || res.LastUID != 7 {
		t.Errorf("third sync: stored %d, duplicates %d, last uid %d; want 1, 1, 7", len(res.Stored), res.Duplicates, res.LastUID)
	}
	if n := count(t, st, `SELECT count(*) FROM inbound_messages`); n != 6 {
		t.Errorf("%d messages stored, want 6", n)
	}
	m, err := st.InboundMessage(ctx, res.Stored[0])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(m.Raw), "request 6.") || m.MessageID != "reply-6@durham.police.uk" || !strings.Contains(m.Subject, "[FOI cro-2025/durham]") {
		t.Errorf("stored message = %q / %q / %q", m.MessageID, m.Subject, m.Raw)
	}
	if n, _ := srv.Count("INBOX"); n != 7 {
		t.Errorf("the server has %d messages, want all 7: foidesk never deletes mail", n)
	}
}

func TestSyncUIDValidityChangeResyncsWithoutDuplicates(t *testing.T) {
	ctx := context.Background()
	st := dbtest.DB(t)
	srv, opts := memServer(t)
	for i := 1; i <= 3; i++ {
		srv.Deliver("", testMessage(i, ""))
	}
	s := mail.NewSyncer(opts, st)
	defer s.Close()
	first, err := s.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s.Close() // the server is migrated: a new connection sees the new mailbox
	if err := srv.RecreateMailbox("INBOX", testMessage(1, ""), testMessage(2, ""), testMessage(3, ""), testMessage(4, "")); err != nil {
		t.Fatal(err)
	}
	res, err := s.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Resynced || res.UIDValidity == first.UIDValidity {
		t.Errorf("UIDVALIDITY %d → %d not noticed", first.UIDValidity, res.UIDValidity)
	}
	if len(res.Stored) != 1 || res.Duplicates != 3 {
		t.Errorf("resync stored %d with %d duplicates, want 1 and 3", len(res.Stored), res.Duplicates)
	}
	cp, _, _ := st.Checkpoint(ctx, "test-inbox")
	if cp.UIDValidity != res.UIDValidity || cp.LastUID != 4 {
		t.Errorf("checkpoint = %+v", cp)
	}
	if n := count(t, st, `SELECT count(*) FROM inbound_messages`); n != 4 {
		t.Errorf("%d messages stored, want 4", n)
	}
}

func TestSyncSurvivesConnectionDroppedMidFetch(t *testing.T) {
	if raceEnabled {
		// go-imap v2.0.0-beta.8's reader goroutine and FetchCommand.Collect
		// touch the same bufio.Reader when the connection drops inside a
		// literal (a race in the library, not here). v2.0.0-beta.9 was
		// tried on 2026-12-06: the same race, three runs in three
		// (imapwire.Decoder.readByte against the reader goroutine), so
		// beta.8 stays. scripts/test.sh runs this test without the race
		// detector.
		t.Skip("upstream data race on a dropped connection; run without -race")
	}
	ctx := context.Background()
	st := dbtest.DB(t)
	srv, opts := memServer(t)
	big := strings.Repeat("0123456789 figures for the year\r\n", 2000)
	for i := 1; i <= 6; i++ {
		srv.Deliver("", testMessage(i, "X-Pad: x\r\n\r\n"+big))
	}
	opts.BatchSize = 2
	s := mail.NewSyncer(opts, st)
	defer s.Close()
	// Each connection dies after ~150 KB: enough for a batch or two, not all.
	srv.CutAfter.Store(150_000)
	var lastErr error
	for attempt := 0; attempt < 20; attempt++ {
		res, err := s.Sync(ctx)
		lastErr = err
		if err == nil && res.LastUID == 6 {
			break
		}
	}
	if lastErr != nil {
		t.Fatalf("sync never completed: %v", lastErr)
	}
	if n := count(t, st, `SELECT count(*) FROM inbound_messages`); n != 6 {
		t.Errorf("%d messages stored after reconnects, want exactly 6", n)
	}
	if n := count(t, st, `SELECT count(DISTINCT uid) FROM inbound_messages`); n != 6 {
		t.Errorf("%d distinct UIDs, want 6", n)
	}
}

func TestSyncMovesProcessedMailAfterStoring(t *testing.T) {
	ctx := context.Background()
	st := dbtest.DB(t)
	srv, opts := memServer(t)
	if err := srv.CreateMailbox("Stored"); err != nil {
		t.Fatal(err)
	}
	srv.Deliver("", testMessage(1, ""))
	srv.Deliver("", testMessage(2, ""))
	opts.ProcessedFolder = "Stored"
	s := mail.NewSyncer(opts, st)
	defer s.Close()
	if _, err := s.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	inbox, _ := srv.Count("INBOX")
	stored, _ := srv.Count("Stored")
	if inbox != 0 || stored != 2 {
		t.Errorf("INBOX %d, Stored %d; want 0 and 2", inbox, stored)
	}
	if n := count(t, st, `SELECT count(*) FROM inbound_messages`); n != 2 {
		t.Errorf("%d stored, want 2", n)
	}
}

func TestWaitWakesOnNewMailWithIdle(t *testing.T) {
	ctx := context.Background()
	st := dbtest.DB(t)
	srv, opts := memServer(t)
	s := mail.NewSyncer(opts, st)
	defer s.Close()
	if _, err := s.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(200 * time.Millisecond)
		srv.Deliver("", testMessage(1, ""))
	}()
	start := time.Now()
	if err := s.Wait(ctx, 30*time.Second, time.Minute); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited > 20*time.Second {
		t.Errorf("IDLE did not wake on new mail (waited %v)", waited)
	}
	res, err := s.Sync(ctx)
	if err != nil || len(res.Stored) != 1 {
		t.Errorf("after wake: stored %d, err %v", len(res.Stored), err)
	}
}
