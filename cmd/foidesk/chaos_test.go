package main

// The fault-injection suite: the production topology on this machine, and
// faults at random and at chosen points while a 44-force campaign runs.
//
//   - PostgreSQL (a durable local cluster), holding foidesk's database and
//     Temporal's two;
//   - a Temporal server persisting to that PostgreSQL, in its own process
//     (cmd/foidesk-temporal);
//   - separate 'foidesk worker' processes;
//   - the simulated forces behind an SMTP sink that records every message,
//     their replies delivered to Dovecot (with dovecot-lda), read by the
//     workers through a proxy that can cut their IMAP connections.
//
// Faults: SIGKILL of a worker; of every worker at the moment the SMTP sink
// has accepted a message and before the worker has heard so (the ambiguous
// window between acceptance and the ledger update); of the Temporal server;
// of PostgreSQL's postmaster; IMAP connections dropped mid-transfer; SMTP
// 451 answers, permanent 550 answers, and answers past the worker's time
// limit. Each killed process is started again. A request letter refused
// with 550 waits for the desk, which resends it, as a person would once
// the force's address is put right.
//
// The checks: every figure the forces sent is in the database exactly once;
// each ledger message reached the SMTP sink, copies of one message only
// under its own Message-ID and only when the ledger counts more than one
// attempt; no request got two messages for one rung of one deadline (an
// answered clarification restarts the clock, and the chasing with it); each
// reply delivered is stored once and processed; the campaign finished and
// no workflow failed.
//
// The seed fixes the sequence of faults and the gaps between them (the
// timing of the processes themselves is the machine's). Run bigger by hand:
//
//	FOIDESK_CHAOS_SEED=7 FOIDESK_CHAOS_WORKERS=4 FOIDESK_CHAOS_GAP=1s make chaos
//
// FOIDESK_CHAOS_LOGS=dir keeps the processes' logs in dir after the run.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/foidesk/foidesk/examples"
	"github.com/foidesk/foidesk/internal/calendar"
	"github.com/foidesk/foidesk/internal/campaign"
	"github.com/foidesk/foidesk/internal/dbtest"
	"github.com/foidesk/foidesk/internal/engine"
	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/internal/mailtest"
	"github.com/foidesk/foidesk/internal/pglocal"
	"github.com/foidesk/foidesk/internal/simulate"
	"github.com/foidesk/foidesk/internal/store"
	"github.com/foidesk/foidesk/workflows"
)

// chaosOptions size a run; the environment overrides the defaults.
type chaosOptions struct {
	Seed    uint64
	Workers int
	Speed   float64       // campaign days a second
	Gap     time.Duration // mean time between faults
}

func chaosOptionsFromEnv(t *testing.T) chaosOptions {
	o := chaosOptions{Seed: 1, Workers: 2, Speed: 1, Gap: 4 * time.Second}
	if v := os.Getenv("FOIDESK_CHAOS_SEED"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("FOIDESK_CHAOS_SEED: %v", err)
		}
		o.Seed = n
	}
	if v := os.Getenv("FOIDESK_CHAOS_WORKERS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("FOIDESK_CHAOS_WORKERS: %q", v)
		}
		o.Workers = n
	}
	if v := os.Getenv("FOIDESK_CHAOS_SPEED"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f <= 0 {
			t.Fatalf("FOIDESK_CHAOS_SPEED: %q", v)
		}
		o.Speed = f
	}
	if v := os.Getenv("FOIDESK_CHAOS_GAP"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			t.Fatalf("FOIDESK_CHAOS_GAP: %q", v)
		}
		o.Gap = d
	}
	return o
}

// chaosCounts are the faults injected.
type chaosCounts struct {
	mu                                            sync.Mutex
	workerKills, windowKills, temporalKills       int
	postmasterKills, imapDrops, smtp451, smtpSlow int
	smtp550, resends                              int
}

func (c *chaosCounts) add(f *int) { c.mu.Lock(); *f++; c.mu.Unlock() }

func (c *chaosCounts) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return fmt.Sprintf("worker kills %d (of which %d in the window between SMTP acceptance and the ledger), "+
		"Temporal kills %d, postmaster kills %d, IMAP drops %d, SMTP 451 answers %d, SMTP 550 answers %d "+
		"(request letters resent by the desk %d), SMTP answers past the time limit %d",
		c.workerKills+c.windowKills, c.windowKills, c.temporalKills, c.postmasterKills, c.imapDrops, c.smtp451,
		c.smtp550, c.resends, c.smtpSlow)
}

func TestChaos(t *testing.T) {
	// make test runs it (scripts/test.sh, without -race: the workers are
	// separate processes); make chaos runs it on its own, bigger by hand.
	if testing.Short() || os.Getenv("FOIDESK_CHAOS") == "" {
		t.Skip("the fault-injection suite runs with FOIDESK_CHAOS=1 (make chaos)")
	}
	if _, err := pglocal.FindBinaries(); err != nil {
		t.Skip(err)
	}
	o := chaosOptionsFromEnv(t)
	t.Logf("chaos: seed %d, %d workers, %g campaign days a second, a fault every ~%s", o.Seed, o.Workers, o.Speed, o.Gap)
	ctx, cancel := context.WithTimeout(context.Background(), 25*time.Minute)
	defer cancel()
	tp := startTopology(ctx, t)
	st, tc, logger := tp.st, tp.tc, tp.logger

	// The forces, the SMTP sink and the IMAP server.
	scale := o.Speed * 86400
	// Replies go to Dovecot, through a proxy that can cut the workers'
	// IMAP connections.
	dovDir := filepath.Join(tp.dir, "dovecot")
	if err := os.MkdirAll(dovDir, 0o755); err != nil {
		t.Fatal(err)
	}
	dove, err := mailtest.StartDovecot(dovDir, "desk", "desk-password")
	if err != nil {
		t.Fatalf("Dovecot (scripts/deps.sh test installs it): %v", err)
	}
	t.Cleanup(func() { dove.Stop() })
	imapProxy, err := startCutProxy(dove.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer imapProxy.Close()
	var delivered atomic.Int64
	sim, err := simulate.Start(&simulate.Options{Seed: o.Seed, Scale: scale, DeskAddress: "foi-desk@newsroom.example",
		Logger: logger, Deliver: func(raw []byte) error {
			if err := dove.Deliver(ctx, "INBOX", raw); err != nil {
				return err
			}
			delivered.Add(1)
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	r := rand.New(rand.NewPCG(o.Seed, 0xc4a05))
	var rmu sync.Mutex
	roll := func() float64 { rmu.Lock(); defer rmu.Unlock(); return r.Float64() }
	counts := &chaosCounts{}
	var smtpMode atomic.Int32 // 1: answer 451 once; 2: answer slowly once; 3: answer 550 once
	sim.SMTP.Fault = func() error {
		switch smtpMode.Swap(0) {
		case 1:
			counts.add(&counts.smtp451)
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
		case 2:
			// Past the workers' 4 s SMTP time limit: the worker gives up,
			// the server then accepts the message. The retry must go
			// under the same Message-ID, counted as a second attempt.
			counts.add(&counts.smtpSlow)
			time.Sleep(6 * time.Second)
		case 3:
			// Refused for good: the ledger marks the message failed and
			// nothing retries it. A chaser is skipped (the next rung
			// follows); a request letter waits for the desk.
			counts.add(&counts.smtp550)
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "mailbox unavailable"}
		}
		return nil
	}

	// At a chosen point: one force's address refuses the first message,
	// its request letter, for good, as a force whose address has changed.
	// The desk resends it.
	slugs := slices.Sorted(maps.Keys(sim.Forces))
	refused := sim.Forces[slugs[int(r.Uint64()%uint64(len(slugs)))]].FOIEmail
	var refusedOnce atomic.Bool
	sim.SMTP.Reject = func(to string) error {
		if to == refused && refusedOnce.CompareAndSwap(false, true) {
			counts.add(&counts.smtp550)
			return errors.New("mailbox unavailable")
		}
		return nil
	}

	// The workers.
	workers := tp.startWorkers(t, o.Workers, []string{
		"FOIDESK_SMTP_ADDR=" + sim.SMTP.Addr, "FOIDESK_SMTP_USERNAME=desk", "FOIDESK_SMTP_PASSWORD=desk", "FOIDESK_SMTP_TLS=insecure",
		"FOIDESK_SMTP_TIMEOUT=4s",
		"FOIDESK_IMAP_ADDR=" + imapProxy.Addr, "FOIDESK_IMAP_USERNAME=desk", "FOIDESK_IMAP_PASSWORD=desk-password",
		"FOIDESK_IMAP_TLS=insecure", "FOIDESK_IMAP_POLL_INTERVAL=1s",
	})
	var restarts sync.WaitGroup
	restartLater := func(p *proc, after time.Duration) {
		restarts.Add(1)
		go func() {
			defer restarts.Done()
			time.Sleep(after)
			if err := p.start(); err != nil {
				t.Errorf("restart %s: %v", p.name, err)
			}
		}()
	}

	// The ambiguous window: the sink has the message, the worker has not
	// heard so. Kill every worker there, now and then.
	var faulting atomic.Bool
	prev := sim.SMTP.OnMessage
	sim.SMTP.OnMessage = func(m mailtest.Received) {
		if faulting.Load() && roll() < 0.06 {
			for _, w := range workers {
				w.kill()
			}
			counts.add(&counts.windowKills)
			for _, w := range workers {
				restartLater(w, 500*time.Millisecond)
			}
		}
		prev(m)
	}

	// Start the campaign, as the demo does.
	spec, err := campaign.Parse(bytes.NewReader(examples.CROForeignNationals))
	if err != nil {
		t.Fatal(err)
	}
	spec.TimeScale = scale
	year := calendar.DateOf(time.Now()).Year()
	wr, err := tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: foi.CampaignWorkflowID(spec.Slug, year), TaskQueue: "foidesk"},
		workflows.CampaignWorkflow, workflows.CampaignInput{Spec: *spec, Year: year, CloseAfter: 5})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		// Get survives a restarted server: retry it on transport errors.
		for {
			var sum workflows.CampaignSummary
			err := tc.GetWorkflow(ctx, wr.GetID(), "").Get(ctx, &sum)
			if err == nil || ctx.Err() != nil {
				done <- err
				return
			}
			var failed *temporal.WorkflowExecutionError
			if errors.As(err, &failed) {
				done <- err
				return
			}
			time.Sleep(time.Second)
		}
	}()

	// Faults, one every ~Gap, until the campaign is done.
	faulting.Store(true)
	stopFaults := make(chan struct{})
	faultsDone := make(chan struct{})
	go func() {
		defer close(faultsDone)
		for {
			gap := time.Duration((0.5 + roll()) * float64(o.Gap))
			select {
			case <-stopFaults:
				return
			case <-time.After(gap):
			}
			switch x := roll(); {
			case x < 0.45:
				w := workers[int(roll()*float64(len(workers)))]
				w.kill()
				counts.add(&counts.workerKills)
				restartLater(w, time.Duration(200+roll()*1800)*time.Millisecond)
			case x < 0.55:
				tp.temporal.kill()
				counts.add(&counts.temporalKills)
				restartLater(tp.temporal, time.Second)
			case x < 0.63:
				if err := tp.killPostmaster(ctx); err != nil {
					t.Errorf("restart PostgreSQL: %v", err)
				}
				counts.add(&counts.postmasterKills)
			case x < 0.8:
				if imapProxy.cut() > 0 {
					counts.add(&counts.imapDrops)
				}
			case x < 0.88:
				smtpMode.Store(1)
			case x < 0.94:
				smtpMode.Store(3)
			default:
				smtpMode.Store(2)
			}
		}
	}()

	// The desk: answers clarifications and gives the kinds of replies the
	// classifier was unsure of, retrying through the faults.
	desk := &demoDesk{run: &devRun{store: st, client: tc}, sim: sim, log: logger, taskQueue: "foidesk", seen: map[int64]bool{}}
	clarified := map[string]bool{}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	var campaignErr error
wait:
	for {
		select {
		case campaignErr = <-done:
			break wait
		case <-ctx.Done():
			t.Fatalf("the campaign did not finish; faults so far: %s", counts)
		case <-tick.C:
		}
		status, err := campaignStatus(ctx, tc, spec.Slug, year)
		if err != nil {
			continue
		}
		for _, rq := range status.Requests {
			if rq.State == foi.StateAwaitingClarification && !clarified[rq.Force] {
				// Answered again on the next round if a fault cut it off.
				clarified[rq.Force] = answerClarification(ctx, logger, tc, spec.Slug, year, rq.Force) == nil
			}
		}
		desk.checkKinds(ctx)
		resendRefusedLetters(ctx, t, st, tc, "foidesk")
	}
	close(stopFaults)
	<-faultsDone
	faulting.Store(false)
	restarts.Wait()
	if campaignErr != nil {
		t.Fatalf("campaign: %v", campaignErr)
	}
	sim.Wait()
	// Work cut off by the last faults resumes when its heartbeat or retry
	// timeouts expire.
	defer func(d time.Duration) { settleTimeout = d }(settleTimeout)
	settleTimeout = 4 * time.Minute
	if err := settle(ctx, desk.run, desk); err != nil {
		var stored, docs, kinds int
		var detail string
		_ = dbtest.SQL(t, st).QueryRow(ctx, `SELECT
			(SELECT count(*) FROM inbound_messages WHERE status = 'stored'),
			(SELECT count(*) FROM request_documents WHERE status IN ('pending', 'extracted')),
			(SELECT count(*) FROM reply_reviews WHERE status = 'open'),
			coalesce((SELECT string_agg(d.workflow_id || ' ' || d.status, ', ') FROM request_documents d
				JOIN requests r ON r.id = d.request_id WHERE d.status IN ('pending', 'extracted')), '')`).
			Scan(&stored, &docs, &kinds, &detail)
		t.Fatalf("%v: %d replies stored and not processed, %d documents in progress (%s), %d kinds waiting; faults: %s",
			err, stored, docs, detail, kinds, counts)
	}
	desk.wait()
	// The letters resent, as the requests recorded them (an update cut off
	// by a fault may have been applied all the same).
	if err := dbtest.SQL(t, st).QueryRow(ctx, `SELECT count(*) FROM request_events WHERE kind = 'resend'`).
		Scan(&counts.resends); err != nil {
		t.Fatal(err)
	}
	t.Logf("chaos: faults: %s", counts)
	starts := []string{fmt.Sprintf("temporal %d", tp.temporal.starts)}
	for _, w := range workers {
		starts = append(starts, fmt.Sprintf("%s %d", w.name, w.starts))
	}
	t.Logf("chaos: process starts: %s", strings.Join(starts, ", "))

	// Every figure exactly once.
	res := &demoResult{}
	if err := compareTruth(ctx, desk.run, spec.Slug, year, sim, res); err != nil {
		t.Fatal(err)
	}
	t.Logf("chaos: ground truth: %d figures sent, %d loaded exactly once and right, %d duplicated, %d extra",
		res.Truth, res.Found, res.Duplicates, res.Extra)
	if !res.TruthOK {
		t.Errorf("figures: missing %v, wrong %v, extra %d; simulated replies never delivered %d",
			res.Missing, res.Wrong, res.Extra, res.Undelivered)
		explainFigures(ctx, t, st, append(res.Missing, res.Wrong...))
	}
	if res.Truth < 500 {
		t.Errorf("only %d figures sent: the forces did not answer with data", res.Truth)
	}

	if lat, err := measureLatency(ctx, st, sim.Delivered()); err != nil {
		t.Error(err)
	} else {
		t.Logf("chaos: reply to figures: %s", lat)
		if lat.N == 0 {
			t.Error("no reply's figures were timed")
		}
	}

	// Decisions sent as a letter under a covering line, through Dovecot
	// and worker kills, are read from the letter.
	if n, right, err := lettersRead(ctx, st, sim); err != nil {
		t.Error(err)
	} else {
		t.Logf("chaos: %d replies read with an attached letter, %d as sent", n, right)
		if n < 2 || right != n {
			t.Errorf("%d replies read with an attached letter, %d as sent; want 2 or more, all as sent", n, right)
		}
	}

	if counts.resends == 0 {
		t.Errorf("no refused request letter was resent (%s refused the first)", refused)
	}
	checkSends(ctx, t, st, sim.SMTP.Messages())
	checkReplies(ctx, t, st, int(delivered.Load()))
	checkWorkflows(ctx, t, tc)
}

// resendRefusedLetters does what the desk does for a request letter the
// mail server refused for good: it sends it again. One whose update fails
// (a fault cut it off) is tried on the next round.
func resendRefusedLetters(ctx context.Context, t *testing.T, st *store.Store, tc client.Client, taskQueue string) {
	rows, err := dbtest.SQL(t, st).Query(ctx, `SELECT r.workflow_id FROM requests r
		WHERE EXISTS (SELECT 1 FROM outbound_messages o WHERE o.request_id = r.id AND o.purpose = 'request' AND o.status = 'failed'
			AND o.last_error LIKE '%550%')
		AND NOT EXISTS (SELECT 1 FROM outbound_messages o WHERE o.request_id = r.id AND o.purpose = 'request' AND o.status <> 'failed')`)
	if err != nil {
		return // PostgreSQL may be down: next round
	}
	var ids []string
	for rows.Next() {
		var id string
		if rows.Scan(&id) == nil {
			ids = append(ids, id)
		}
	}
	rows.Close()
	for _, id := range ids {
		uctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		_, _ = engine.UpdateRequest(uctx, tc, taskQueue, id, workflows.UpdateResendRequest,
			workflows.ResendInput{By: "chaos desk", Reason: "address checked"})
		cancel()
	}
}

// checkSends: each ledger message reached the sink; copies of one message
// only under its own Message-ID and only when the ledger counts the
// attempts; at most one message per request and rung of one deadline.
func checkSends(ctx context.Context, t *testing.T, st *store.Store, sink []mailtest.Received) {
	t.Helper()
	copies := map[string]int{}
	for _, m := range sink {
		copies[m.MessageID]++
	}
	rows, err := dbtest.SQL(t, st).Query(ctx, `SELECT request_id, purpose, message_id, status, attempts FROM outbound_messages`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	ledger := map[string]bool{}
	var sent, resent, flaggedResends int
	for rows.Next() {
		var req int64
		var purpose, id, status string
		var attempts int
		if err := rows.Scan(&req, &purpose, &id, &status, &attempts); err != nil {
			t.Fatal(err)
		}
		ledger[id] = true
		n := copies[id]
		switch {
		case status == "sent" && n == 0:
			t.Errorf("ledger message %s (%s) marked sent, never reached the SMTP server", id, purpose)
		case status == "drafted" && n > 0:
			t.Errorf("ledger message %s (%s), a draft for a person to send, reached the SMTP server", id, purpose)
		case status != "sent" && status != "failed" && status != "drafted":
			t.Errorf("ledger message %s (%s) left %s", id, purpose, status)
		case n > 1 && attempts < n:
			t.Errorf("message %s reached the SMTP server %d times, the ledger counts %d attempts", id, n, attempts)
		}
		if n > 0 {
			sent++
		}
		if n > 1 {
			resent++
			if attempts > 1 {
				flaggedResends++
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	// One message per request and rung within one deadline: an answered
	// clarification restarts the clock and the chasing with it.
	dup, err := dbtest.SQL(t, st).Query(ctx, `SELECT o.request_id::text, o.purpose, count(*) FROM outbound_messages o
		WHERE o.purpose NOT IN ('other', 'clarification_answer') AND o.status <> 'failed'
		GROUP BY o.request_id, o.purpose, (SELECT count(*) FROM request_events e WHERE e.request_id = o.request_id
			AND e.kind = 'clarification_answered' AND e.recorded_at <= o.created_at)
		HAVING count(*) > 1`)
	if err != nil {
		t.Fatal(err)
	}
	for dup.Next() {
		var req, purpose string
		var n int
		if err := dup.Scan(&req, &purpose, &n); err != nil {
			t.Fatal(err)
		}
		t.Errorf("request %s has %d %s messages for one deadline, want one; its events:\n%s", req, n, purpose, requestEvents(ctx, t, st, req))
	}
	dup.Close()
	if err := dup.Err(); err != nil {
		t.Fatal(err)
	}
	for id := range copies {
		if !ledger[id] {
			t.Errorf("the SMTP server got %s, which is not in the ledger", id)
		}
	}
	t.Logf("chaos: %d messages sent, %d of them more than once (each under its own Message-ID, %d flagged by attempts)",
		sent, resent, flaggedResends)
	if sent < 44 {
		t.Errorf("only %d messages reached the SMTP server", sent)
	}
}

// requestEvents lists a request's events and ledger, for a failure message.
func requestEvents(ctx context.Context, t *testing.T, st *store.Store, requestID string) string {
	rows, err := dbtest.SQL(t, st).Query(ctx, `SELECT seq::text, kind, coalesce(from_state, ''), coalesce(to_state, ''),
			to_char(occurred_at, 'YYYY-MM-DD'), recorded_at::text, detail::text FROM request_events WHERE request_id = $1::bigint
		UNION ALL SELECT 'mail', purpose, status, attempts::text, '', created_at::text, message_id FROM outbound_messages WHERE request_id = $1::bigint
		ORDER BY 6`, requestID)
	if err != nil {
		return err.Error()
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var f [7]string
		if err := rows.Scan(&f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6]); err != nil {
			return err.Error()
		}
		fmt.Fprintf(&b, "  %s\n", strings.Join(f[:], " | "))
	}
	return b.String()
}

// checkReplies: every reply in the mailbox stored once and processed.
func checkReplies(ctx context.Context, t *testing.T, st *store.Store, n int) {
	t.Helper()
	var stored, distinct, waiting, failed, triage int
	err := dbtest.SQL(t, st).QueryRow(ctx, `SELECT count(*), count(DISTINCT message_id),
		count(*) FILTER (WHERE status = 'stored'), count(*) FILTER (WHERE status = 'failed'),
		count(*) FILTER (WHERE status = 'triage') FROM inbound_messages`).
		Scan(&stored, &distinct, &waiting, &failed, &triage)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("chaos: %d replies delivered, %d stored (%d distinct Message-IDs), %d waiting, %d failed, %d in triage",
		n, stored, distinct, waiting, failed, triage)
	if stored != n || distinct != stored {
		t.Errorf("%d replies delivered, %d stored with %d distinct Message-IDs: want each once", n, stored, distinct)
	}
	if waiting != 0 || failed != 0 {
		t.Errorf("%d replies not processed, %d failed", waiting, failed)
	}
	// Every simulated reply answers its request in the thread: one in
	// triage is a reply the desk could not deliver to it.
	if triage != 0 {
		t.Errorf("%d replies in triage, want none", triage)
	}
}

// checkWorkflows: no workflow failed, timed out or was terminated, and
// what is still open is the inbox or a request waiting on a person.
func checkWorkflows(ctx context.Context, t *testing.T, tc client.Client) {
	t.Helper()
	// A request reopened by a late reply waits a campaign day for more
	// before it finishes: give those time.
	var open []string
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(time.Second) {
		resp, err := tc.ListOpenWorkflow(ctx, &workflowservice.ListOpenWorkflowExecutionsRequest{Namespace: "default", MaximumPageSize: 1000})
		if err != nil {
			t.Fatal(err)
		}
		open = open[:0]
		for _, e := range resp.Executions {
			if _, err := foi.ParseInboxWorkflowID(e.Execution.WorkflowId); err != nil {
				open = append(open, e.Execution.WorkflowId)
			}
		}
		if len(open) == 0 || time.Now().After(deadline) {
			break
		}
	}
	var bad []string
	var next []byte
	closed := 0
	for {
		resp, err := tc.ListClosedWorkflow(ctx, &workflowservice.ListClosedWorkflowExecutionsRequest{
			Namespace: "default", MaximumPageSize: 1000, NextPageToken: next})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range resp.Executions {
			closed++
			switch e.Status {
			case enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED, enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW:
			default:
				bad = append(bad, fmt.Sprintf("%s %s", e.Execution.WorkflowId, e.Status))
			}
		}
		if next = resp.NextPageToken; len(next) == 0 {
			break
		}
	}
	sort.Strings(bad)
	if len(bad) > 0 {
		t.Errorf("%d workflows ended badly: %v", len(bad), bad)
	}
	t.Logf("chaos: %d workflows closed, %d open besides the inbox %v", closed, len(open), open)
	if len(open) > 0 {
		t.Errorf("workflows still open after the campaign settled: %v", open)
	}
}

// explainFigures logs, for each force with a figure missing or wrong, the
// messages its request received and what became of their documents: what
// a failed run needs to be understood after the fact.
func explainFigures(ctx context.Context, t *testing.T, st *store.Store, problems []string) {
	forces := map[string]bool{}
	for _, p := range problems {
		if f, _, ok := strings.Cut(p, "|"); ok {
			forces[f] = true
		}
	}
	for f := range forces {
		rows, err := dbtest.SQL(t, st).Query(ctx, `SELECT i.id, coalesce(i.message_id, ''), i.stored_at, coalesce(i.kind, ''),
				coalesce(rd.document_id, 0), coalesce(rd.inbound_id, 0), coalesce(rd.status, ''), coalesce(rd.filename, ''),
				coalesce(rd.error, ''), coalesce(rd.updated_at, i.stored_at),
				(SELECT count(*) FROM observations o WHERE o.request_id = r.id AND o.document_id = rd.document_id)
			FROM requests r JOIN message_matches mm ON mm.request_id = r.id
			JOIN inbound_messages i ON i.id = mm.inbound_id
			LEFT JOIN request_documents rd ON rd.request_id = r.id AND rd.inbound_id = i.id
			WHERE r.force_slug = $1 ORDER BY i.id, rd.document_id`, f)
		if err != nil {
			t.Logf("explain %s: %v", f, err)
			continue
		}
		for rows.Next() {
			var (
				inbound, doc, docInbound, n int64
				msgID, kind, status, name   string
				errText                     string
				stored, updated             time.Time
			)
			if err := rows.Scan(&inbound, &msgID, &stored, &kind, &doc, &docInbound, &status, &name, &errText, &updated, &n); err != nil {
				t.Logf("explain %s: %v", f, err)
				break
			}
			t.Logf("explain %s: message %d %s stored %s as %q; document %d (message %d) %q %s %q at %s, %d figures",
				f, inbound, msgID, stored.Format(time.TimeOnly), kind, doc, docInbound, name, status, errText,
				updated.Format(time.TimeOnly), n)
		}
		rows.Close()
		var id string
		if err := dbtest.SQL(t, st).QueryRow(ctx, `SELECT max(id)::text FROM requests WHERE force_slug = $1`, f).Scan(&id); err != nil {
			t.Logf("explain %s: %v", f, err)
			continue
		}
		t.Logf("explain %s: request %s, events and mail:\n%s", f, id, requestEvents(ctx, t, st, id))
	}
}
