package e2e

import (
	"context"
	"fmt"
	"log/slog"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/worker"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/foidesk/foidesk/activities"
	"github.com/foidesk/foidesk/internal/calendar"
	"github.com/foidesk/foidesk/internal/campaign"
	"github.com/foidesk/foidesk/internal/dbtest"
	"github.com/foidesk/foidesk/internal/devstack"
	"github.com/foidesk/foidesk/internal/devstack/devstacktest"
	"github.com/foidesk/foidesk/internal/foi"
	fmail "github.com/foidesk/foidesk/internal/mail"
	"github.com/foidesk/foidesk/internal/mailtest"
	"github.com/foidesk/foidesk/internal/simulate"
	"github.com/foidesk/foidesk/internal/store"
	"github.com/foidesk/foidesk/workflows"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// stack is a worker on a Temporal development server, a fresh database and
// an SMTP server.
type stack struct {
	temporal *devstack.Temporal
	client   client.Client
	store    *store.Store
	smtp     *mailtest.SMTPServer
	imap     *mailtest.IMAPServer
}

func startStack(t testing.TB) *stack { return startStackWith(t, nil) }

// startStackWith syncs the inbox from imapOpts instead of an in-memory
// IMAP server, when given.
func startStackWith(t testing.TB, imapOpts *fmail.IMAPOptions) *stack {
	t.Helper()
	ctx := context.Background()
	tp, err := devstack.StartTemporal(ctx, &devstack.TemporalOptions{Binary: devstacktest.Binary(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tp.Stop)
	tc, err := tp.Client(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tc.Close)
	st := dbtest.DB(t)
	smtp, err := mailtest.StartSMTP()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { smtp.Close() })
	imapSrv, err := mailtest.StartIMAP("desk", "s3cret")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { imapSrv.Close() })
	cal, err := calendar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	inbox := &activities.Inbox{IMAP: &fmail.IMAPOptions{Addr: imapSrv.Addr, Username: "desk", Password: "s3cret",
		TLS: "insecure"}}
	if imapOpts != nil {
		inbox.IMAP = imapOpts
	}
	t.Cleanup(inbox.Close)
	acts := &activities.Activities{
		Inbox: inbox,
		Store: st, Calendar: cal,
		SMTP:            &fmail.SMTPOptions{Addr: smtp.Addr, TLS: "insecure", Username: "desk", Password: "pw"},
		From:            mail.Address{Name: "Data desk", Address: "desk@foidesk.test"},
		MessageIDDomain: "foidesk.test",
		Logger:          slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})),
	}
	w := worker.New(tc, "foidesk", worker.Options{MaxConcurrentActivityExecutionSize: 50,
		Interceptors: []interceptor.WorkerInterceptor{activities.HeartbeatInterceptor()}})
	workflows.Register(w)
	w.RegisterActivity(acts)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	return &stack{temporal: tp, client: tc, store: st, smtp: smtp, imap: imapSrv}
}

func loadExample(t testing.TB) *campaign.Spec {
	t.Helper()
	f, err := os.Open("../examples/cro-foreign-nationals.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	spec, err := campaign.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

// TestCampaignChasesExactlyOnce sends the example campaign to all 44 forces
// on a fast clock. A third of the forces answer as soon as the request
// arrives, a third after the first reminder, the rest never. Every force
// gets its request exactly once, every silent force each chaser exactly
// once, and nothing goes to a force after it has answered.
func TestCampaignChasesExactlyOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a whole campaign")
	}
	s := startStack(t)
	spec := loadExample(t)
	spec.TimeScale = 86400 * 6 // a campaign day in a sixth of a second
	year := 2026

	var mu sync.Mutex
	answered := map[string]bool{}
	behaviour := map[string]string{} // force slug → "prompt", "late", "silent"
	s.smtp.OnMessage = func(m mailtest.Received) {
		token := tokenOf(m.Subject)
		if token == "" {
			return
		}
		slug := token[strings.LastIndexByte(token, '/')+1:]
		mu.Lock()
		b := behaviour[slug]
		answer := (b == "prompt" && strings.HasPrefix(m.Subject, "Freedom of Information request")) ||
			(b == "late" && strings.Contains(m.Subject, "Re: "))
		if answer {
			answered[slug] = true
		}
		mu.Unlock()
		if answer {
			go func() {
				err := s.client.SignalWorkflow(context.Background(), foi.RequestWorkflowID(spec.Slug, year, slug), "",
					workflows.SignalReply, workflows.Reply{Kind: foi.KindResponse, MessageID: "reply-" + slug + "@force.test"})
				if err != nil {
					t.Errorf("signal %s: %v", slug, err)
				}
			}()
		}
	}
	forces, err := spec.Forces()
	if err != nil {
		t.Fatal(err)
	}
	if len(forces) != 44 {
		t.Fatalf("example targets %d forces, want 44", len(forces))
	}
	for i, f := range forces {
		behaviour[f.Slug] = []string{"prompt", "late", "silent"}[i%3]
	}

	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	run, err := s.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: foi.CampaignWorkflowID(spec.Slug, year), TaskQueue: "foidesk",
	}, workflows.CampaignWorkflow, workflows.CampaignInput{Spec: *spec, Year: year, CloseAfter: 3})
	if err != nil {
		t.Fatal(err)
	}
	var sum workflows.CampaignSummary
	if err := run.Get(ctx, &sum); err != nil {
		t.Fatalf("campaign: %v", err)
	}

	// What each force received, by purpose.
	got := map[string]map[string]int{}
	for _, m := range s.smtp.Messages() {
		token := tokenOf(m.Subject)
		if token == "" {
			t.Errorf("message without token: %q", m.Subject)
			continue
		}
		slug := token[strings.LastIndexByte(token, '/')+1:]
		if got[slug] == nil {
			got[slug] = map[string]int{}
		}
		got[slug][purposeOf(m.Subject)]++
	}
	for _, f := range forces {
		g := got[f.Slug]
		switch behaviour[f.Slug] {
		case "prompt":
			if fmt.Sprint(g) != "map[request:1]" {
				t.Errorf("%s answered at once but received %v", f.Slug, g)
			}
		case "late":
			if fmt.Sprint(g) != "map[reminder:1 request:1]" {
				t.Errorf("%s answered after a reminder but received %v", f.Slug, g)
			}
		case "silent":
			if fmt.Sprint(g) != "map[internal_review:1 reminder:1 request:1 second_reminder:1]" {
				t.Errorf("%s never answered and received %v", f.Slug, g)
			}
		}
	}
	if sum.Total != 44 || sum.ByState[foi.StateAnswered] != 30 || sum.ByState[foi.StateRegulator] != 14 || len(sum.Unanswered) != 14 {
		t.Errorf("summary: total %d, by state %v, unanswered %d", sum.Total, sum.ByState, len(sum.Unanswered))
	}

	// The ledger agrees with the wire: one row per email, sent; the
	// regulator complaints drafted, not sent.
	var sent, drafted, regulator int
	err = dbtest.SQL(t, s.store).QueryRow(ctx, `SELECT count(*) FILTER (WHERE status = 'sent'),
		count(*) FILTER (WHERE status = 'drafted'), count(*) FILTER (WHERE purpose = 'regulator')
		FROM outbound_messages`).Scan(&sent, &drafted, &regulator)
	if err != nil {
		t.Fatal(err)
	}
	if sent != len(s.smtp.Messages()) || drafted != 14 || regulator != 14 {
		t.Errorf("ledger: %d sent (wire %d), %d drafted, %d regulator; want drafted = regulator = 14",
			sent, len(s.smtp.Messages()), drafted, regulator)
	}
	var states int
	if err := dbtest.SQL(t, s.store).QueryRow(ctx, `SELECT count(DISTINCT state) FROM requests WHERE state IN ('answered','regulator')`).Scan(&states); err != nil {
		t.Fatal(err)
	}
	if states != 2 {
		t.Errorf("requests table has %d of the two final states", states)
	}

	// The histories this run made replay against today's workflow code;
	// with UPDATE_HISTORIES=1 they are kept for workflows/replay_test.go,
	// which replays them against every later change.
	ids := []string{foi.CampaignWorkflowID(spec.Slug, year)}
	for _, f := range forces[:3] { // one of each behaviour
		ids = append(ids, foi.RequestWorkflowID(spec.Slug, year, f.Slug))
	}
	for _, id := range ids {
		replayAndKeep(ctx, t, s.client, id, strings.ReplaceAll(id, "/", "_"))
	}
}

// replayAndKeep replays the history of workflow id (so far, for one still
// running) against today's workflow code; with UPDATE_HISTORIES=1 it keeps
// it as workflows/testdata/histories/NAME.json for workflows/replay_test.go.
func replayAndKeep(ctx context.Context, t *testing.T, c client.Client, id, name string) {
	t.Helper()
	h := history(ctx, t, c, id)
	replayer := worker.NewWorkflowReplayer()
	workflows.Register(replayer)
	if err := replayer.ReplayWorkflowHistory(nil, h); err != nil {
		t.Errorf("replay %s: %v", id, err)
	}
	if os.Getenv("UPDATE_HISTORIES") == "" {
		return
	}
	b, err := protojson.MarshalOptions{Indent: " "}.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("..", "workflows", "testdata", "histories", name+".json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func history(ctx context.Context, t testing.TB, c client.Client, id string) *historypb.History {
	t.Helper()
	it := c.GetWorkflowHistory(ctx, id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	h := &historypb.History{}
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatalf("history of %s: %v", id, err)
		}
		h.Events = append(h.Events, e)
	}
	return h
}

func tokenOf(subject string) string { return simulate.Token(subject) }

func purposeOf(subject string) string { return simulate.Purpose(subject) }
