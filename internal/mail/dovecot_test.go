package mail_test

import (
	"context"
	"testing"
	"time"

	"github.com/foidesk/foidesk/internal/dbtest"
	"github.com/foidesk/foidesk/internal/mail"
	"github.com/foidesk/foidesk/internal/mailtest"
)

// dovecot starts a real Dovecot; the test fails (not skips) without it, as
// make test installs it.
func dovecot(t *testing.T) (*mailtest.Dovecot, mail.IMAPOptions) {
	t.Helper()
	d, err := mailtest.StartDovecot(t.TempDir(), "desk", "s3cret")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Stop() })
	return d, mail.IMAPOptions{Addr: d.Addr, Username: "desk", Password: "s3cret", TLS: "insecure", Name: "dovecot-inbox"}
}

func TestDovecotSync(t *testing.T) {
	ctx := context.Background()
	st := dbtest.DB(t)
	d, opts := dovecot(t)
	for i := 1; i <= 4; i++ {
		if err := d.Deliver(ctx, "", testMessage(i, "")); err != nil {
			t.Fatal(err)
		}
	}
	// The same message delivered twice by the mail system.
	if err := d.Deliver(ctx, "", testMessage(2, "Received: from relay2\r\n")); err != nil {
		t.Fatal(err)
	}
	s := mail.NewSyncer(opts, st)
	defer s.Close()
	res, err := s.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Stored) != 4 || res.Duplicates != 1 || res.LastUID != 5 {
		t.Errorf("sync: stored %d, duplicates %d, last uid %d; want 4, 1, 5", len(res.Stored), res.Duplicates, res.LastUID)
	}
	res, err = s.Sync(ctx)
	if err != nil || res.Fetched != 0 {
		t.Errorf("idle sync fetched %d (%v), want 0", res.Fetched, err)
	}
}

// With Dovecot, a wait on IDLE ends when a message is delivered, not when
// its time is up: a reply is fetched at once, not minutes later.
func TestDovecotWaitWakesOnDelivery(t *testing.T) {
	st := dbtest.DB(t)
	d, opts := dovecot(t)
	s := mail.NewSyncer(opts, st)
	defer s.Close()
	ctx := context.Background()
	if _, err := s.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(500 * time.Millisecond)
		if err := d.Deliver(ctx, "", testMessage(1, "")); err != nil {
			t.Error(err)
		}
	}()
	// The wait may last ten minutes; the test gives up long before.
	wctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := s.Wait(wctx, 10*time.Minute, 10*time.Minute); err != nil {
		t.Fatalf("wait did not end on the delivery: %v", err)
	}
	res, err := s.Sync(ctx)
	if err != nil || len(res.Stored) != 1 {
		t.Errorf("after the wait: stored %d (%v), want the delivered message", len(res.Stored), err)
	}
}
