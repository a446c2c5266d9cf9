package main

import (
	"bytes"
	"context"
	"net"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/foidesk/foidesk/internal/devstack/devstacktest"
	"github.com/foidesk/foidesk/internal/foi"
)

// TestDemo runs the whole demo on a fixed seed: 44 simulated forces, every
// rung of the chase ladder, every layout of data, and the ground truth
// checked against PostgreSQL.
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole demo")
	}
	devstacktest.Binary(t) // for the demo's stack, through $FOIDESK_TEMPORAL_BIN
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var out, errb bytes.Buffer
	dir := t.TempDir()
	a := &app{stdout: &out, stderr: &errb, getenv: func(k string) string {
		if k == "FOIDESK_DATA_DIR" {
			return dir
		}
		if k == "FOIDESK_LOG_LEVEL" {
			return "error"
		}
		return ""
	}}
	_, port, _ := net.SplitHostPort(freeLoopback(t))
	pgPort, _ := strconv.Atoi(port)
	res, err := runDemo(ctx, a, demoOptions{Seed: 7, Speed: 2, Exit: true, PostgresPort: pgPort,
		TemporalListen: freeLoopback(t), UIAddr: "-", HTTPAddr: freeLoopback(t)})
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	t.Logf("demo: %d figures, %d campaign days in %s", res.Truth, res.CampaignDays, res.Elapsed.Round(time.Millisecond))
	if !res.TruthOK {
		t.Errorf("ground truth: %d of %d right, missing %v, wrong %v, extra %d\n%s", res.Found, res.Truth, res.Missing, res.Wrong, res.Extra, out.String())
	}
	if res.Truth < 1000 {
		t.Errorf("only %d figures sent: the forces did not answer with data", res.Truth)
	}
	total := 0
	for _, n := range res.ByState {
		total += n
	}
	if total != 44 || res.ByState[foi.StateRegulator] == 0 || res.ByState[foi.StateDataLoaded] == 0 ||
		res.ByState[foi.StateRefused] == 0 {
		t.Errorf("final states %v: want 44 requests, some loaded, refused and at the regulator", res.ByState)
	}
	t.Logf("demo: the desk gave %d replies their kind: %d as proposed, %d corrected, %d of them to a kind offered",
		res.KindsConfirmed+res.KindsCorrected, res.KindsConfirmed, res.KindsCorrected, res.KindsOffered)
	if res.KindsOffered > res.KindsCorrected {
		t.Errorf("%d corrected to a kind offered, of %d corrected", res.KindsOffered, res.KindsCorrected)
	}
	t.Logf("demo: %d replies read with an attached letter, %d as sent", res.Letters, res.LettersRight)
	if res.Letters < 2 || res.LettersRight != res.Letters {
		t.Errorf("%d replies read from an attached letter, %d of them as sent; want 2 or more, all as sent", res.Letters, res.LettersRight)
	}
	t.Logf("demo: reply to figures: %s", res.Latency)
	if l := res.Latency; l.N < 20 || l.Loaded50 <= 0 || l.Loaded50 > l.Loaded95 || l.Loaded95 > l.LoadedMax || l.Stored50 > l.Loaded50 {
		t.Errorf("reply latency %+v: want 20 or more replies timed, stored before loaded, quantiles in order", l)
	}
	// The headline counts are the board's, as printed above them: forces
	// that wrote after the campaign run ended have moved their requests on.
	m := regexp.MustCompile(`forces answering: \d+ \(with data loaded: (\d+)\); refusing: \d+; not held: \d+; silent to the end: (\d+)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Errorf("output lacks the forces' outcomes:\n%s", out.String())
	} else {
		loaded, silent := 0, 0
		for _, l := range strings.Split(out.String(), "\n") {
			if strings.Contains(l, "answered, figures loaded") {
				loaded++
			}
			if strings.Contains(l, "closed unanswered") {
				silent++
			}
		}
		if m[1] != strconv.Itoa(loaded) || m[2] != strconv.Itoa(silent) {
			t.Errorf("headline says %s loaded and %s silent; the board shows %d and %d:\n%s", m[1], m[2], loaded, silent, out.String())
		}
	}
	for _, want := range []string{"Ground truth:", "All present and correct", "by offence group", "— complaint ", "Reply to figures:"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
