package activities

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/foidesk/foidesk/internal/dbtest"
	fmail "github.com/foidesk/foidesk/internal/mail"
	"github.com/foidesk/foidesk/internal/mailtest"
)

// TestSyncMailboxRecordsHealth: a sync that cannot log in is recorded as a
// failure with its error, and the next good sync clears it.
func TestSyncMailboxRecordsHealth(t *testing.T) {
	st := dbtest.DB(t)
	srv, err := mailtest.StartIMAP("desk", "right")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	sync := func(password string) error {
		a := &Activities{Store: st, Inbox: &Inbox{IMAP: &fmail.IMAPOptions{Addr: srv.Addr, Username: "desk",
			Password: password, Mailbox: "INBOX", TLS: "insecure"}}}
		defer a.Inbox.Close()
		_, err := a.SyncMailbox(ctx, SyncInput{Mailbox: "INBOX", MaxWait: 10 * time.Millisecond, Poll: 10 * time.Millisecond})
		return err
	}

	if err := sync("wrong"); err == nil {
		t.Fatal("sync with a wrong password succeeded")
	}
	hs, err := st.MailboxHealths(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(hs) != 1 || !hs[0].Failing() || hs[0].LastSuccessAt != nil || hs[0].LastError == "" {
		t.Fatalf("after a failed login: %+v, want one failing mailbox with its error and no success", hs)
	}
	failedAs := hs[0].Mailbox

	if err := sync("right"); err != nil {
		t.Fatal(err)
	}
	hs, err = st.MailboxHealths(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(hs) != 1 || hs[0].Failing() || hs[0].LastSuccessAt == nil || hs[0].Mailbox != failedAs {
		t.Fatalf("after a good sync: %+v, want %s healthy", hs, failedAs)
	}
	if !strings.Contains(failedAs, "INBOX") {
		t.Errorf("health recorded under %q, which does not name the mailbox", failedAs)
	}
}
