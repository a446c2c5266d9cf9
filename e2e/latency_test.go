package e2e

import (
	"context"
	"slices"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/foidesk/foidesk/internal/foi"
	fmail "github.com/foidesk/foidesk/internal/mail"
	"github.com/foidesk/foidesk/internal/mailtest"
	"github.com/foidesk/foidesk/workflows"
)

// BenchmarkDovecotToWorkflow measures the time from a reply delivered to a
// real Dovecot (dovecot-lda) to its request workflow having taken the
// signal, with the inbox on IDLE: twenty forces acknowledge one after the
// other; the median and the worst are reported.
//
//	go test ./e2e -run '^$' -bench DovecotToWorkflow -benchtime 1x
func BenchmarkDovecotToWorkflow(b *testing.B) {
	d, err := mailtest.StartDovecot(b.TempDir(), "desk", "s3cret")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { d.Stop() })
	s := startStackWith(b, &fmail.IMAPOptions{Addr: d.Addr, Username: "desk", Password: "s3cret", TLS: "insecure"})
	spec := loadExample(b)
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		year := 2030 + i
		spec.Targets = []string{"all44"}
		if _, err := s.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
			ID: foi.CampaignWorkflowID(spec.Slug, year), TaskQueue: "foidesk",
		}, workflows.CampaignWorkflow, workflows.CampaignInput{Spec: *spec, Year: year}); err != nil {
			b.Fatal(err)
		}
		if i == 0 {
			if _, err := s.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
				ID: foi.InboxWorkflowID("INBOX"), TaskQueue: "foidesk",
			}, workflows.InboxWorkflow, workflows.InboxInput{Mailbox: "INBOX", MaxWait: time.Minute}); err != nil {
				b.Fatal(err)
			}
		}
		forces, _ := spec.Forces()
		sent := map[string]string{}
		for deadline := time.Now().Add(time.Minute); len(sent) < len(forces); time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				b.Fatalf("%d requests sent", len(sent))
			}
			for _, m := range s.smtp.Messages() {
				if tok := tokenOf(m.Subject); tok != "" {
					sent[tok] = m.MessageID
				}
			}
		}
		var lat []time.Duration
		for _, f := range forces[:20] {
			id := foi.RequestWorkflowID(spec.Slug, year, f.Slug)
			e := email{from: f.FOIEmail, subject: "RE: Freedom of Information request", messageID: "ack-" + f.Slug + "@bench",
				inReplyTo: sent[foi.RequestToken(spec.Slug, year, f.Slug)],
				body:      "Dear Requester\n\nFreedom of Information Request Reference No: FOI/01234/26\n\nI write in connection with your request for information. Your request will now be considered in accordance with the Freedom of Information Act 2000. You will receive a response within the statutory timescale of 20 working days.\n"}
			start := time.Now()
			if err := d.Deliver(ctx, "", e.raw()); err != nil {
				b.Fatal(err)
			}
			for {
				v, err := s.client.QueryWorkflow(ctx, id, "", workflows.QueryStatus)
				var st workflows.RequestStatus
				if err == nil && v.Get(&st) == nil && st.State == foi.StateAcknowledged {
					break
				}
				if time.Since(start) > time.Minute {
					b.Fatalf("%s not acknowledged after a minute", f.Slug)
				}
				time.Sleep(20 * time.Millisecond)
			}
			lat = append(lat, time.Since(start))
		}
		slices.Sort(lat)
		b.ReportMetric(lat[len(lat)/2].Seconds(), "median-s")
		b.ReportMetric(lat[len(lat)-1].Seconds(), "max-s")
		b.Logf("delivery to signal: median %s, max %s over %d replies", lat[len(lat)/2], lat[len(lat)-1], len(lat))
	}
}
