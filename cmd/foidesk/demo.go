package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/foidesk/foidesk/examples"
	"github.com/foidesk/foidesk/internal/calendar"
	"github.com/foidesk/foidesk/internal/campaign"
	"github.com/foidesk/foidesk/internal/config"
	"github.com/foidesk/foidesk/internal/dataset"
	"github.com/foidesk/foidesk/internal/devstack"
	"github.com/foidesk/foidesk/internal/engine"
	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/internal/simulate"
	"github.com/foidesk/foidesk/internal/store"
	"github.com/foidesk/foidesk/workflows"
)

var demoCmd = &command{
	name:    "demo",
	summary: "run a whole simulated 44-force campaign end to end and check its figures",
	usage:   "[--seed N] [--speed N] [--exit]",
	help: `Start the local stack (PostgreSQL, Temporal with its Web UI, the worker, the
dashboard), 44 simulated police forces behind an in-process SMTP and IMAP
server, and the sample campaign (community resolutions given to foreign
nationals, examples/cro-foreign-nationals.yaml) on scaled time. The forces
acknowledge, ask for clarification, extend, refuse, stay silent until the
internal review and the regulator pack, and answer with tables in PDF
letters, spreadsheets, CSV, Word documents and email bodies.

A live line shows progress. At the end the command prints the campaign
board, headline figures from PostgreSQL, and the comparison with the
simulator's ground truth: every figure sent must be in the database exactly
once; if not, the exit status is 1. Without --exit the Temporal UI and the
dashboard stay up until Ctrl-C.

The demo keeps its data apart from 'foidesk dev', under
$FOIDESK_DATA_DIR/demo, and starts afresh each run.`,
	flags: func(fs *flag.FlagSet) {
		fs.Int("seed", 1, "seed for the forces' behaviours and figures")
		fs.Float64("speed", 2, "campaign days per real second")
		fs.Bool("exit", false, "exit when the campaign is over instead of keeping the UIs up")
	},
	run: func(ctx context.Context, a *app, args []string) error {
		o := demoOptions{Seed: uint64(a.flagInt("seed")), Exit: a.flagBool("exit"), Live: isTerminal(a.stdout)}
		o.Speed, _ = strconv.ParseFloat(a.flagString("speed"), 64)
		res, err := runDemo(ctx, a, o)
		if err != nil {
			return err
		}
		if !res.TruthOK {
			return errors.New("the database does not hold every figure the forces sent exactly once")
		}
		return nil
	},
}

func init() { register(demoCmd) }

type demoOptions struct {
	Seed  uint64
	Speed float64 // campaign days per second
	Exit  bool
	Live  bool // redraw a status line
	// Ports: zero values mean the defaults (PostgreSQL 54339, Temporal
	// 127.0.0.1:7243, the UI on FOIDESK_TEMPORAL_UI_ADDR).
	PostgresPort   int
	TemporalListen string
	UIAddr         string
	HTTPAddr       string
}

type demoResult struct {
	Truth        int // figures the forces sent
	Found        int // of them, in the database exactly once and right
	Missing      []string
	Wrong        []string
	Duplicates   int
	Extra        int
	Elapsed      time.Duration
	CampaignDays int
	ByState      map[foi.State]int
	TruthOK      bool
	// Undelivered counts the replies the mailbox never took: the truth
	// cannot be checked then.
	Undelivered int
	// Replies the classifier was unsure of, which the desk read and gave
	// their kind: as proposed, or corrected.
	KindsConfirmed, KindsCorrected int
	// KindsOffered: of the corrected, those given a kind the classifier
	// offered as an alternative (one click on the replies-to-check page).
	KindsOffered int
	// Latency: from a reply's delivery to the mailbox to its figures.
	Latency replyLatency
	// Replies read with an attached letter or document: how many, and how
	// many of them the classifier read as the simulator sent them.
	Letters, LettersRight int
}

// replyLatency is how long replies took from their delivery to the
// mailbox to being stored, and to the last of their figures committed.
type replyLatency struct {
	N                  int // replies whose figures loaded
	Stored50           time.Duration
	Loaded50, Loaded95 time.Duration
	LoadedMax          time.Duration
}

func (l replyLatency) String() string {
	if l.N == 0 {
		return "no reply with figures"
	}
	r := func(d time.Duration) time.Duration { return d.Round(100 * time.Millisecond) }
	return fmt.Sprintf("%d replies with figures: delivery to stored, median %s; delivery to the last figure committed, median %s, 95th percentile %s, slowest %s",
		l.N, r(l.Stored50), r(l.Loaded50), r(l.Loaded95), r(l.LoadedMax))
}

// measureLatency times each reply the simulator delivered whose figures
// loaded, from its delivery (the simulator's clock) to the database's
// commit (PostgreSQL's clock: the same machine).
func measureLatency(ctx context.Context, st *store.Store, delivered map[string]time.Time) (replyLatency, error) {
	loads, err := st.ReplyLoads(ctx)
	if err != nil {
		return replyLatency{}, err
	}
	var stored, loaded []time.Duration
	for _, l := range loads {
		at, ok := delivered[l.MessageID] // both without angle brackets
		if !ok {
			continue
		}
		stored = append(stored, l.StoredAt.Sub(at))
		loaded = append(loaded, l.LoadedAt.Sub(at))
	}
	if len(loaded) == 0 {
		return replyLatency{}, nil
	}
	slices.Sort(stored)
	slices.Sort(loaded)
	q := func(ds []time.Duration, p float64) time.Duration { return ds[min(len(ds)-1, int(p*float64(len(ds))))] }
	return replyLatency{N: len(loaded), Stored50: q(stored, 0.5), Loaded50: q(loaded, 0.5), Loaded95: q(loaded, 0.95),
		LoadedMax: loaded[len(loaded)-1]}, nil
}

func runDemo(ctx context.Context, a *app, o demoOptions) (*demoResult, error) {
	start := time.Now()
	if o.Speed <= 0 {
		o.Speed = 2
	}
	base, err := a.config()
	if err != nil {
		return nil, err
	}
	cfg := *base
	cfg.DataDir = filepath.Join(base.DataDir, "demo")
	if err := os.RemoveAll(cfg.DataDir); err != nil {
		return nil, fmt.Errorf("demo: clear %s: %w", cfg.DataDir, err)
	}
	// The demo runs on embedded defaults, whatever the environment points at.
	cfg.DatabaseURL, cfg.TemporalAddress = "", ""
	if o.PostgresPort == 0 {
		o.PostgresPort = 54339
	}
	if o.TemporalListen == "" {
		o.TemporalListen = "127.0.0.1:7243"
	}
	scale := o.Speed * 86400
	sim, err := simulate.Start(&simulate.Options{Seed: o.Seed, Scale: scale, DeskAddress: "foi-desk@newsroom.example",
		Logger: a.logger()})
	if err != nil {
		return nil, err
	}
	defer sim.Close()
	cfg.FromName, cfg.FromAddress, cfg.MessageIDDomain = "Data desk", "foi-desk@newsroom.example", "newsroom.example"
	cfg.SMTP = config.SMTP{Addr: sim.SMTP.Addr, Username: "desk", Password: "desk", TLS: config.TLSInsecure}
	cfg.IMAP = config.IMAP{Addr: sim.IMAP.Addr, Username: "desk", Password: "desk-password", Mailbox: "INBOX",
		TLS: config.TLSInsecure, PollInterval: time.Second}

	if o.HTTPAddr != "" {
		cfg.HTTPAddr = o.HTTPAddr
	}
	fmt.Fprintf(a.stdout, "foidesk demo: 44 simulated forces, seed %d, %g campaign days a second\n", o.Seed, o.Speed)
	run, err := startDev(ctx, a, &cfg, devstack.Options{PostgresPort: o.PostgresPort, TemporalListen: o.TemporalListen, UIAddr: o.UIAddr})
	if err != nil {
		return nil, err
	}
	defer run.stop()
	run.print(a)

	spec, err := campaign.Parse(bytes.NewReader(examples.CROForeignNationals))
	if err != nil {
		return nil, err
	}
	spec.TimeScale = scale
	year := calendar.DateOf(time.Now()).Year()
	tc := run.client
	wr, err := tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: foi.CampaignWorkflowID(spec.Slug, year), TaskQueue: cfg.TemporalTaskQueue,
	}, workflows.CampaignWorkflow, workflows.CampaignInput{Spec: *spec, Year: year, CloseAfter: 5})
	if err != nil {
		return nil, fmt.Errorf("start campaign: %w", err)
	}
	fmt.Fprintf(a.stdout, "\ncampaign %s started: %s\n\n", wr.GetID(), spec.Title)

	done := make(chan error, 1)
	var sum workflows.CampaignSummary
	go func() { done <- wr.Get(ctx, &sum) }()
	clarified := map[string]bool{}
	desk := &demoDesk{run: run, sim: sim, log: a.logger(), taskQueue: cfg.TemporalTaskQueue, seen: map[int64]bool{}}
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	failing := 0
	var last *workflows.CampaignStatus
	var printed calendar.Date
wait:
	for {
		select {
		case err := <-done:
			if err != nil {
				return nil, fmt.Errorf("campaign: %w", err)
			}
			break wait
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-tick.C:
		}
		st, err := campaignStatus(ctx, tc, spec.Slug, year)
		if err != nil {
			// Say so when the campaign stops answering for a while,
			// rather than waiting without a word.
			if failing++; failing%20 == 0 {
				a.logger().Warn("demo: the campaign's status cannot be read", slog.Int("tries", failing), slog.Any("err", err))
			}
			continue
		}
		failing = 0
		last = st
		// The desk answers clarification requests, as a journalist would.
		for _, r := range st.Requests {
			if r.State == foi.StateAwaitingClarification && !clarified[r.Force] {
				clarified[r.Force] = true
				go answerClarification(ctx, a.logger(), tc, spec.Slug, year, r.Force)
			}
		}
		desk.checkKinds(ctx)
		line := progressLine(ctx, run, st, sim)
		if o.Live {
			fmt.Fprintf(a.stdout, "\r\033[K%s", line)
		} else if printed.IsZero() || printed.DaysUntil(st.Today) >= 7 {
			printed = st.Today
			fmt.Fprintln(a.stdout, line)
		}
	}
	if o.Live {
		fmt.Fprintln(a.stdout)
	}
	// Some forces write after their request has finished: a corrected
	// file, an answer after the request was closed. Wait for the last of
	// them, and for what they start (a reopened request, its documents,
	// the desk's reading) to settle.
	fmt.Fprintln(a.stdout, "waiting for the forces' last letters …")
	sim.Wait()
	if err := settle(ctx, run, desk); err != nil {
		return nil, err
	}
	elapsed := time.Since(start)
	if st, err := campaignStatus(ctx, tc, spec.Slug, year); err == nil {
		last = st
	}
	if last == nil {
		return nil, errors.New("demo: the campaign's status could not be read at its end")
	}
	fmt.Fprintln(a.stdout)
	printBoard(a, last)
	desk.wait()
	// The board's states, not the campaign run's summary: a force that
	// wrote after the run ended (a late answer, a correction) has moved
	// its request on since.
	res := &demoResult{Elapsed: elapsed, ByState: last.ByState,
		CampaignDays: int(sum.FinishedAt.Sub(sum.StartedAt).Hours() / 24)}
	res.KindsConfirmed, res.KindsCorrected, res.KindsOffered = desk.counts()
	fmt.Fprintf(a.stdout, "\nThe desk read %d replies the classifier was unsure of: %d as proposed, %d corrected (%d of them to a kind it offered).\n",
		res.KindsConfirmed+res.KindsCorrected, res.KindsConfirmed, res.KindsCorrected, res.KindsOffered)
	if res.Letters, res.LettersRight, err = lettersRead(ctx, run.store, sim); err != nil {
		return nil, err
	}
	fmt.Fprintf(a.stdout, "%d replies were read with an attached letter or document (PDF, Word, text); %d of them came out as sent.\n",
		res.Letters, res.LettersRight)
	if err := demoHeadlines(ctx, a.stdout, run, spec.Slug, year, last); err != nil {
		return nil, err
	}
	if err := compareTruth(ctx, run, spec.Slug, year, sim, res); err != nil {
		return nil, err
	}
	printTruth(a.stdout, res)
	if res.Latency, err = measureLatency(ctx, run.store, sim.Delivered()); err != nil {
		return nil, err
	}
	fmt.Fprintf(a.stdout, "\nReply to figures: %s.\n", res.Latency)
	fmt.Fprintf(a.stdout, "\n%d campaign days in %s of wall time.\n", res.CampaignDays, elapsed.Round(100*time.Millisecond))
	if !o.Exit {
		fmt.Fprintln(a.stdout, "\nThe stack stays up for you to look around (Ctrl-C to stop):")
		run.print(a)
		<-ctx.Done()
	}
	return res, nil
}

// demoDesk plays the journalist who reads the replies the classifier was
// unsure of and gives each its kind, as the simulator sent it.
type demoDesk struct {
	run       *devRun
	sim       *simulate.Simulator
	log       *slog.Logger
	taskQueue string

	mu                   sync.Mutex
	seen                 map[int64]bool
	confirmed, corrected int
	offered              int // corrected to one of the classifier's alternatives
	wg                   sync.WaitGroup
}

func (d *demoDesk) checkKinds(ctx context.Context) {
	items, err := d.run.store.ReplyReviews(ctx, string(foi.ReplyReviewOpen), 0)
	if err != nil {
		return
	}
	for _, it := range items {
		d.mu.Lock()
		seen := d.seen[it.ID]
		d.seen[it.ID] = true
		d.mu.Unlock()
		if seen {
			continue
		}
		m, err := d.run.store.InboundMessage(ctx, it.InboundID)
		if err != nil {
			continue
		}
		k, ok := d.sim.Sent(m.MessageID)
		if !ok {
			d.log.Warn("demo: a reply the simulator did not send waits for a person", slog.Int64("inbound_id", it.InboundID))
			continue
		}
		d.wg.Add(1)
		go func() {
			defer d.wg.Done()
			_, err := engine.UpdateRequest(ctx, d.run.client, d.taskQueue, it.WorkflowID, workflows.UpdateConfirmKind,
				workflows.KindInput{InboundID: it.InboundID, Kind: foi.Kind(k.Expect()), By: "demo desk",
					Why: "read the letter"})
			if err != nil {
				d.log.Warn("demo: reply kind not given", slog.String("workflow_id", it.WorkflowID), slog.Any("err", err))
				d.mu.Lock()
				delete(d.seen, it.ID) // read it again on the next round
				d.mu.Unlock()
				return
			}
			d.mu.Lock()
			defer d.mu.Unlock()
			switch {
			case foi.Kind(k.Expect()) == it.ProposedKind:
				d.confirmed++
			case slices.Contains(alternativeKinds(it), foi.Kind(k.Expect())):
				d.corrected++
				d.offered++
			default:
				d.corrected++
			}
		}()
	}
}

func (d *demoDesk) wait() { d.wg.Wait() }

// lettersRead counts the replies whose classification read an attached
// letter, and those of them read as the kind the simulator sent.
func lettersRead(ctx context.Context, st *store.Store, sim *simulate.Simulator) (n, right int, err error) {
	read, err := st.InboundByEvidence(ctx, "letter:read")
	if err != nil {
		return 0, 0, err
	}
	for _, m := range read {
		if k, ok := sim.Sent(m.MessageID); ok && k.Expect() == string(m.Kind) {
			right++
		}
	}
	return len(read), right, nil
}

// settleTimeout bounds how long the demo waits for the last replies to be
// processed (the fault-injection suite allows longer).
var settleTimeout = 2 * time.Minute

// settle waits until every reply the forces delivered is stored, no
// stored message waits to be processed, no document is being processed
// and no reply waits for the desk, for a second on end.
func settle(ctx context.Context, run *devRun, desk *demoDesk) error {
	deadline := time.Now().Add(settleTimeout)
	quiet := 0
	for quiet < 4 {
		if time.Now().After(deadline) {
			return fmt.Errorf("demo: the last replies were not processed within %s", settleTimeout)
		}
		desk.checkKinds(ctx)
		desk.wait()
		busy, err := run.store.Backlog(ctx)
		if err != nil {
			return err
		}
		// A reply delivered but not yet read from the mailbox is work in
		// hand too: the inbox may be taking up a sync a fault cut off.
		stored, err := run.store.InboundCount(ctx)
		if err != nil {
			return err
		}
		busy += max(0, len(desk.sim.Delivered())-stored)
		if busy == 0 {
			quiet++
		} else {
			quiet = 0
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
	return nil
}

func (d *demoDesk) counts() (confirmed, corrected, offered int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.confirmed, d.corrected, d.offered
}

func answerClarification(ctx context.Context, log *slog.Logger, tc client.Client, slug string, year int, force string) error {
	id := foi.RequestWorkflowID(slug, year, force)
	h, err := tc.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: id, UpdateName: workflows.UpdateAnswerClarification,
		Args:         []any{workflows.ClarificationInput{Text: "We would like figures by the offence for which each community resolution was given.", By: "demo desk"}},
		WaitForStage: client.WorkflowUpdateStageCompleted})
	if err == nil {
		err = h.Get(ctx, nil)
	}
	if err != nil {
		log.Warn("demo: clarification not answered", slog.String("workflow_id", id), slog.Any("err", err))
	}
	return err
}

func progressLine(ctx context.Context, run *devRun, st *workflows.CampaignStatus, sim *simulate.Simulator) string {
	// A count that cannot be read shows as 0: the line is only progress.
	p, _ := run.store.Progress(ctx)
	n := func(states ...foi.State) int {
		t := 0
		for _, s := range states {
			t += st.ByState[s]
		}
		return t
	}
	return fmt.Sprintf("%s  sent %d  acknowledged %d  overdue %d  chased %d  answered %d  refused %d  loaded %d figures  review %d  (%d/%d done)",
		st.Today, p.RequestsSent, n(foi.StateAcknowledged, foi.StateExtended), len(st.Overdue), p.Chasers,
		n(foi.StateAnswered, foi.StatePartiallyAnswered, foi.StateDataLoaded),
		n(foi.StateRefused, foi.StateNotHeld), p.Observations, p.OpenReviews, st.Finished, st.Total)
}

// demoHeadlines prints the campaign's figures from PostgreSQL and its
// forces' outcomes as the board shows them at the end (st).
func demoHeadlines(ctx context.Context, w io.Writer, run *devRun, slug string, year int, st *workflows.CampaignStatus) error {
	data, err := dataset.Load(ctx, run.store, slug, year)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nCommunity resolutions given to foreign nationals, %d forces answering with data:\n", countForces(data))
	for _, dim := range []string{"offence_group", "nationality"} {
		totals := map[string]float64{}
		flagged := map[string]int{}
		for _, r := range data.Rows {
			if r.Value != nil {
				totals[r.Dims[dim]] += *r.Value
			} else {
				flagged[r.Dims[dim]]++
			}
		}
		keys := make([]string, 0, len(totals))
		for k := range totals {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return totals[keys[i]] > totals[keys[j]] })
		fmt.Fprintf(w, "\n  by %s (suppressed cells not counted):\n", strings.ReplaceAll(dim, "_", " "))
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
		for _, k := range keys {
			fmt.Fprintf(tw, "    %s\t%.0f\t%d suppressed\t\n", k, totals[k], flagged[k])
		}
		tw.Flush()
	}
	by := func(s foi.State) int { return st.ByState[s] }
	silent := 0
	for _, r := range st.Requests {
		if r.Closed && !r.State.Final() {
			silent++
		}
	}
	fmt.Fprintf(w, "\n  forces answering: %d (with data loaded: %d); refusing: %d; not held: %d; silent to the end: %d\n",
		by(foi.StateAnswered)+by(foi.StatePartiallyAnswered)+by(foi.StateDataLoaded), by(foi.StateDataLoaded),
		by(foi.StateRefused), by(foi.StateNotHeld), silent)
	return nil
}

func countForces(d *dataset.Data) int {
	seen := map[string]bool{}
	for _, r := range d.Rows {
		seen[r.Force] = true
	}
	return len(seen)
}

// obs is one loaded figure: a value, or a flag for a suppressed one.
type obs struct {
	value *float64
	flag  string
}

func (o obs) String() string {
	if o.value == nil {
		return fmt.Sprintf("no value, flag %q", o.flag)
	}
	return fmt.Sprintf("%g, flag %q", *o.value, o.flag)
}

// compareTruth checks every figure the simulator sent against the
// observations: exactly one row each, with the value (or, for a suppressed
// figure, a flag and no value). A reply the mailbox never took fails it.
func compareTruth(ctx context.Context, run *devRun, slug string, year int, sim *simulate.Simulator, res *demoResult) error {
	truth := sim.Truth()
	res.Undelivered = sim.Undelivered()
	figures, err := run.store.DemoFigures(ctx, slug, year)
	if err != nil {
		return err
	}
	got := map[string][]obs{}
	for _, f := range figures {
		k := fmt.Sprintf("%s|%s|%s|%s", f.Force, f.Period, f.OffenceGroup, f.Nationality)
		got[k] = append(got[k], obs{f.Value, f.Flag})
	}
	res.Truth = len(truth)
	for _, f := range truth {
		k := f.Key()
		os := got[k]
		delete(got, k)
		switch {
		case len(os) == 0:
			res.Missing = append(res.Missing, fmt.Sprintf("%s (%s)", k, f.Shown))
		case len(os) > 1:
			res.Duplicates++
			res.Wrong = append(res.Wrong, fmt.Sprintf("%s loaded %d times", k, len(os)))
		case f.Suppressed() && (os[0].value != nil || os[0].flag == ""):
			res.Wrong = append(res.Wrong, fmt.Sprintf("%s sent as %q, loaded as %s", k, f.Shown, os[0]))
		case !f.Suppressed() && (os[0].value == nil || *os[0].value != float64(f.Value)):
			res.Wrong = append(res.Wrong, fmt.Sprintf("%s sent as %d, loaded as %s", k, f.Value, os[0]))
		default:
			res.Found++
		}
	}
	for range got {
		res.Extra++
	}
	res.TruthOK = res.Truth > 0 && res.Found == res.Truth && res.Extra == 0 && res.Undelivered == 0
	return nil
}

func printTruth(w io.Writer, res *demoResult) {
	fmt.Fprintf(w, "\nGround truth: the forces sent %d figures; %d are in the database exactly once and right", res.Truth, res.Found)
	if res.TruthOK {
		fmt.Fprintln(w, ". All present and correct.")
		return
	}
	fmt.Fprintf(w, ".\n  missing %d, wrong %d, duplicated %d, not sent but loaded %d\n", len(res.Missing), len(res.Wrong), res.Duplicates, res.Extra)
	if res.Undelivered > 0 {
		fmt.Fprintf(w, "  %d simulated replies never reached the mailbox (see the log)\n", res.Undelivered)
	}
	for i, m := range append(res.Missing, res.Wrong...) {
		if i == 10 {
			fmt.Fprintf(w, "  … and %d more\n", len(res.Missing)+len(res.Wrong)-10)
			break
		}
		fmt.Fprintf(w, "  %s\n", m)
	}
}

// isTerminal reports whether w is a character device (a live status line
// makes sense there, not in a log).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
