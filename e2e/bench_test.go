package e2e

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/internal/mailtest"
	"github.com/foidesk/foidesk/workflows"
)

// benchScale runs a campaign day in a sixth of a second, as the e2e test.
const benchScale = 86400 * 6

// answerLikeForces makes the SMTP server answer like the e2e test's forces:
// by the force's position among the targets, a third answer the request at
// once, a third the first reminder, a third never.
func answerLikeForces(tb testing.TB, s *stack, behaviour map[string]string) {
	var mu sync.Mutex
	s.smtp.OnMessage = func(m mailtest.Received) {
		token := tokenOf(m.Subject)
		i := strings.LastIndexByte(token, '/')
		j := strings.LastIndexByte(token[:max(i, 0)], '-')
		if i < 0 || j < 0 {
			return
		}
		slug, force := token[:j], token[i+1:]
		year, err := strconv.Atoi(token[j+1 : i])
		if err != nil {
			return
		}
		mu.Lock()
		b := behaviour[force]
		mu.Unlock()
		if (b == "prompt" && strings.HasPrefix(m.Subject, "Freedom of Information request")) ||
			(b == "late" && strings.HasPrefix(m.Subject, "Re: ")) {
			go func() {
				err := s.client.SignalWorkflow(context.Background(), foi.RequestWorkflowID(slug, year, force), "",
					workflows.SignalReply, workflows.Reply{Kind: foi.KindResponse, MessageID: "reply-" + force + "@force.test"})
				if err != nil {
					tb.Errorf("signal %s: %v", force, err)
				}
			}()
		}
	}
}

// BareTimerWorkflow is the baseline: one durable timer and nothing else.
func BareTimerWorkflow(ctx workflow.Context, d time.Duration) error {
	return workflow.Sleep(ctx, d)
}

// BenchmarkCampaign44 drives the example campaign to completion on scaled
// time and compares its wall time with 44 bare single-timer workflows that
// sleep as long as the campaign lasts in real time: the ratio is foidesk's
// orchestration overhead (sending, planning, chasing, recording).
//
//	go test ./e2e -run '^$' -bench Campaign44 -benchtime 1x
func BenchmarkCampaign44(b *testing.B) {
	s := startStack(b)
	bare := worker.New(s.client, "bench-bare", worker.Options{})
	bare.RegisterWorkflow(BareTimerWorkflow)
	if err := bare.Start(); err != nil {
		b.Fatal(err)
	}
	defer bare.Stop()
	spec := loadExample(b)
	spec.TimeScale = benchScale
	forces, err := spec.Forces()
	if err != nil {
		b.Fatal(err)
	}
	behaviour := map[string]string{}
	for i, f := range forces {
		behaviour[f.Slug] = []string{"prompt", "late", "silent"}[i%3]
	}
	answerLikeForces(b, s, behaviour)
	ctx := context.Background()
	var campaignWall, bareWall time.Duration
	for i := 0; b.Loop(); i++ {
		year := 2100 + i
		start := time.Now()
		run, err := s.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
			ID: foi.CampaignWorkflowID(spec.Slug, year), TaskQueue: "foidesk",
		}, workflows.CampaignWorkflow, workflows.CampaignInput{Spec: *spec, Year: year, CloseAfter: 3})
		if err != nil {
			b.Fatal(err)
		}
		var sum workflows.CampaignSummary
		if err := run.Get(ctx, &sum); err != nil {
			b.Fatal(err)
		}
		wall := time.Since(start)
		campaignWall += wall
		// The same span of real time, as bare timers.
		span := time.Duration(float64(sum.FinishedAt.Sub(sum.StartedAt)) / benchScale)
		start = time.Now()
		var runs []client.WorkflowRun
		for k := range forces {
			r, err := s.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
				ID: fmt.Sprintf("bare/%d/%d", year, k), TaskQueue: "bench-bare",
			}, BareTimerWorkflow, span)
			if err != nil {
				b.Fatal(err)
			}
			runs = append(runs, r)
		}
		for _, r := range runs {
			if err := r.Get(ctx, nil); err != nil {
				b.Fatal(err)
			}
		}
		bareWall += time.Since(start)
		b.Logf("campaign %s: %d requests, %d chasers, campaign time %s, wall %s; bare timers (%s each) wall %s",
			sum.Slug, sum.Total, sum.ChasersSent, sum.FinishedAt.Sub(sum.StartedAt).Round(time.Hour),
			wall.Round(time.Millisecond), span.Round(time.Millisecond), bareWall.Round(time.Millisecond))
	}
	b.ReportMetric(campaignWall.Seconds()/float64(b.N), "campaign-s")
	b.ReportMetric(bareWall.Seconds()/float64(b.N), "bare-timers-s")
	b.ReportMetric(float64(campaignWall)/float64(bareWall), "ratio")
}

// BenchmarkCampaigns100x44 runs 100 campaigns of 44 forces at once on one
// worker and reports the wall time and the process's peak resident memory.
//
//	go test ./e2e -run '^$' -bench Campaigns100x44 -benchtime 1x -timeout 30m
func BenchmarkCampaigns100x44(b *testing.B) {
	n := 100
	if v, err := strconv.Atoi(os.Getenv("BENCH_CAMPAIGNS")); err == nil && v > 0 {
		n = v
	}
	s := startStack(b)
	spec := loadExample(b)
	// A campaign day a second: 4,400 requests' worth of activities must
	// keep up with their timers on two cores, or campaign time runs ahead
	// of the work and the figures mean nothing.
	spec.TimeScale = 86400
	forces, err := spec.Forces()
	if err != nil {
		b.Fatal(err)
	}
	behaviour := map[string]string{}
	for i, f := range forces {
		behaviour[f.Slug] = []string{"prompt", "late", "silent"}[i%3]
	}
	answerLikeForces(b, s, behaviour)
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		var runs []client.WorkflowRun
		for c := range n {
			sp := *spec
			sp.Slug = fmt.Sprintf("bench%03d", c)
			year := 2026 + i
			r, err := s.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
				ID: foi.CampaignWorkflowID(sp.Slug, year), TaskQueue: "foidesk",
			}, workflows.CampaignWorkflow, workflows.CampaignInput{Spec: sp, Year: year, CloseAfter: 3})
			if err != nil {
				b.Fatal(err)
			}
			runs = append(runs, r)
		}
		total, answered := 0, 0
		for _, r := range runs {
			var sum workflows.CampaignSummary
			if err := r.Get(ctx, &sum); err != nil {
				b.Fatal(err)
			}
			total += sum.Total
			answered += sum.ByState[foi.StateAnswered]
		}
		wall := time.Since(start)
		if total != n*len(forces) {
			b.Fatalf("%d requests finished, want %d", total, n*len(forces))
		}
		if want := n * (len(forces) - len(forces)/3); answered != want {
			b.Errorf("%d requests answered, want %d: replies were lost or came too late", answered, want)
		}
		b.Logf("%d campaigns × %d forces: %d requests (%d answered) in %s; peak RSS %d MiB",
			n, len(forces), total, answered, wall.Round(time.Millisecond), peakRSS()>>20)
		b.ReportMetric(wall.Seconds(), "wall-s")
	}
	b.ReportMetric(float64(peakRSS()>>20), "peak-RSS-MiB")
}

// peakRSS reads the process's high-water resident set size (Linux).
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}
