package mail_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/foidesk/foidesk/internal/dbtest"
	"github.com/foidesk/foidesk/internal/mail"
	"github.com/foidesk/foidesk/internal/mailtest"
)

// benchMessage is a realistic reply of about 6 KB.
func benchMessage(i int) []byte {
	body := strings.Repeat("Your request for information has now been considered. The figures are below.\r\n", 70)
	return []byte(fmt.Sprintf("From: FOI Unit <foi@durham.police.uk>\r\nTo: desk@foidesk.test\r\n"+
		"Subject: RE: Freedom of Information request %d\r\nMessage-ID: <bench-%d@durham.police.uk>\r\n"+
		"Date: Mon, 3 Mar 2025 10:00:00 +0000\r\n\r\n%s", i, i, body))
}

func benchDovecot(b *testing.B, n int) (*mailtest.Dovecot, mail.IMAPOptions) {
	d, err := mailtest.StartDovecot(b.TempDir(), "desk", "s3cret")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { d.Stop() })
	if err := d.Fill(n, benchMessage); err != nil {
		b.Fatal(err)
	}
	return d, mail.IMAPOptions{Addr: d.Addr, Username: "desk", Password: "s3cret", TLS: "insecure"}
}

// fetchAll is the protocol's floor: one UID FETCH of every body, read and
// dropped, with no database.
func fetchAll(b *testing.B, o mail.IMAPOptions) int {
	c, err := imapclient.DialInsecure(o.Addr, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(o.Username, o.Password).Wait(); err != nil {
		b.Fatal(err)
	}
	if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		b.Fatal(err)
	}
	all := imap.UIDSet{imap.UIDRange{Start: 1, Stop: 0}}
	msgs, err := c.Fetch(all, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{{Peek: true}}}).Collect()
	if err != nil {
		b.Fatal(err)
	}
	return len(msgs)
}

// BenchmarkDovecotInitialSync syncs a 10,000-message Dovecot mailbox into
// PostgreSQL from scratch (fetch, store raw bytes and checkpoint per batch)
// and compares it with a bare FETCH of the same bodies.
//
//	go test ./internal/mail -run '^$' -bench DovecotInitialSync -benchtime 1x
func BenchmarkDovecotInitialSync(b *testing.B) {
	const n = 10000
	_, o := benchDovecot(b, n)
	start := time.Now()
	if got := fetchAll(b, o); got != n {
		b.Fatalf("fetched %d, want %d", got, n)
	}
	floor := time.Since(start)
	var total time.Duration
	for i := 0; b.Loop(); i++ {
		st := dbtest.DB(b)
		o.Name = fmt.Sprintf("bench-%d", i)
		s := mail.NewSyncer(o, st)
		start := time.Now()
		res, err := s.Sync(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		total += time.Since(start)
		s.Close()
		if len(res.Stored) != n {
			b.Fatalf("stored %d, want %d", len(res.Stored), n)
		}
	}
	per := total / time.Duration(b.N)
	b.ReportMetric(float64(n)/per.Seconds(), "msgs/s")
	b.ReportMetric(float64(n)/floor.Seconds(), "fetch-floor-msgs/s")
	b.ReportMetric(per.Seconds()/floor.Seconds(), "ratio-to-fetch")
}

// BenchmarkIdlePoll measures a sync that finds nothing new, on a small and
// a large mailbox: SELECT's UIDNEXT answers it, so its cost must not grow
// with the mailbox.
func BenchmarkIdlePoll(b *testing.B) {
	for _, n := range []int{100, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			_, o := benchDovecot(b, n)
			st := dbtest.DB(b)
			s := mail.NewSyncer(o, st)
			defer s.Close()
			if _, err := s.Sync(context.Background()); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				res, err := s.Sync(context.Background())
				if err != nil || res.Fetched != 0 {
					b.Fatalf("idle poll fetched %d (%v)", res.Fetched, err)
				}
			}
		})
	}
}
