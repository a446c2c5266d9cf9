package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/foidesk/foidesk/examples"
	"github.com/foidesk/foidesk/internal/campaign"
	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/internal/mailtest"
	"github.com/foidesk/foidesk/internal/simulate"
	"github.com/foidesk/foidesk/workflows"
)

// BenchmarkCampaignsPG runs BENCH_CAMPAIGNS (default 100) campaigns of 44
// forces at once on the production topology — a Temporal server persisting
// to PostgreSQL, BENCH_WORKERS (default 1) separate worker processes — at a
// campaign day a second, answering as e2e's BenchmarkCampaigns100x44 does
// (a third of the forces at once, a third after the first reminder, a third
// never), so the two compare: that one is Temporal's development server
// (foidesk-temporal dev, SQLite) and an in-process worker.
//
//	BENCH_WORKERS=2 go test ./cmd/foidesk -run '^$' -bench CampaignsPG -benchtime 1x -timeout 60m
func BenchmarkCampaignsPG(b *testing.B) {
	n := envInt("BENCH_CAMPAIGNS", 100)
	nw := envInt("BENCH_WORKERS", 1)
	ctx, cancel := context.WithTimeout(context.Background(), 55*time.Minute)
	defer cancel()
	tp := startTopology(ctx, b)
	sink, err := mailtest.StartSMTP()
	if err != nil {
		b.Fatal(err)
	}
	defer sink.Close()
	spec, err := campaign.Parse(bytes.NewReader(examples.CROForeignNationals))
	if err != nil {
		b.Fatal(err)
	}
	spec.TimeScale = 86400
	forces, err := spec.Forces()
	if err != nil {
		b.Fatal(err)
	}
	behaviour := map[string]string{}
	for i, f := range forces {
		behaviour[f.Slug] = []string{"prompt", "late", "silent"}[i%3]
	}
	var answered sync.WaitGroup
	sink.OnMessage = func(m mailtest.Received) {
		token := simulate.Token(m.Subject)
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
		purpose := simulate.Purpose(m.Subject)
		if (behaviour[force] == "prompt" && purpose == "request") || (behaviour[force] == "late" && purpose == "reminder") {
			answered.Add(1)
			go func() {
				defer answered.Done()
				err := tp.tc.SignalWorkflow(ctx, foi.RequestWorkflowID(slug, year, force), "",
					workflows.SignalReply, workflows.Reply{Kind: foi.KindResponse, MessageID: "reply-" + force + "@force.test"})
				if err != nil {
					b.Errorf("signal %s: %v", force, err)
				}
			}()
		}
	}
	workers := tp.startWorkers(b, nw, []string{"FOIDESK_SMTP_ADDR=" + sink.Addr, "FOIDESK_SMTP_USERNAME=desk",
		"FOIDESK_SMTP_PASSWORD=desk", "FOIDESK_SMTP_TLS=insecure"})
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		var runs []client.WorkflowRun
		for c := range n {
			sp := *spec
			sp.Slug = fmt.Sprintf("bench%03d", c)
			year := 2026 + i
			r, err := tp.tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
				ID: foi.CampaignWorkflowID(sp.Slug, year), TaskQueue: "foidesk",
			}, workflows.CampaignWorkflow, workflows.CampaignInput{Spec: sp, Year: year, CloseAfter: 3})
			if err != nil {
				b.Fatal(err)
			}
			runs = append(runs, r)
		}
		total, got := 0, 0
		for _, r := range runs {
			var sum workflows.CampaignSummary
			if err := r.Get(ctx, &sum); err != nil {
				b.Fatal(err)
			}
			total += sum.Total
			got += sum.ByState[foi.StateAnswered]
		}
		wall := time.Since(start)
		answered.Wait()
		if total != n*len(forces) {
			b.Fatalf("%d requests finished, want %d", total, n*len(forces))
		}
		if want := n * (len(forces) - len(forces)/3); got != want {
			b.Errorf("%d requests answered, want %d: replies were lost or came too late", got, want)
		}
		var rss []string
		var sum int64
		for _, w := range workers {
			w.mu.Lock()
			v := peakRSSOf(w.cmd.Process.Pid)
			w.mu.Unlock()
			sum += v
			rss = append(rss, fmt.Sprintf("%d", v>>20))
		}
		var wcpu float64
		for _, w := range workers {
			w.mu.Lock()
			wcpu += cpuSeconds(w.cmd.Process.Pid)
			w.mu.Unlock()
		}
		tp.temporal.mu.Lock()
		trss := peakRSSOf(tp.temporal.cmd.Process.Pid)
		tcpu := cpuSeconds(tp.temporal.cmd.Process.Pid)
		tp.temporal.mu.Unlock()
		pcpu := tp.postgresCPUSeconds()
		b.Logf("CPU seconds over the run: Temporal server %.0f, workers %.0f, PostgreSQL (live backends) %.0f; wall %.0f s on %d cores",
			tcpu, wcpu, pcpu, wall.Seconds(), runtime.NumCPU())
		b.ReportMetric(tcpu, "temporal-cpu-s")
		b.ReportMetric(wcpu, "workers-cpu-s")
		b.ReportMetric(pcpu, "postgres-cpu-s")
		b.Logf("%d campaigns × %d forces on %d worker process(es): %d requests (%d answered) in %s; "+
			"peak RSS per worker %s MiB, Temporal server %d MiB; %d messages sent",
			n, len(forces), nw, total, got, wall.Round(time.Millisecond), strings.Join(rss, "/"), trss>>20, len(sink.Messages()))
		b.ReportMetric(wall.Seconds(), "wall-s")
		b.ReportMetric(float64(total)/wall.Seconds(), "requests/s")
		b.ReportMetric(float64(sum>>20), "workers-peak-RSS-MiB")
		b.ReportMetric(float64(trss>>20), "temporal-peak-RSS-MiB")
	}
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
