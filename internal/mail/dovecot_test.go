package mail_test

import (
	"context"
	"testing"

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
