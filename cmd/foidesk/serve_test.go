package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/foidesk/foidesk/internal/config"
	"github.com/foidesk/foidesk/internal/dataset"
	"github.com/foidesk/foidesk/internal/dbtest"
	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/internal/freeport"
	"github.com/foidesk/foidesk/internal/pglocal"
	"github.com/foidesk/foidesk/internal/store"
)

// serveDB starts a throwaway PostgreSQL, migrated, with two runs of a
// campaign: figures[year][force] is a force's total for 2023, split
// between two nationalities.
func serveDB(t *testing.T, figures map[int]map[string]float64) (url string, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	_ = os.Chmod(dir, 0o755) // the server may run as another user when we are root
	pg, err := pglocal.Start(ctx, &pglocal.Options{Dir: filepath.Join(dir, "pg"), Ephemeral: true})
	if err != nil {
		t.Fatalf("PostgreSQL for the test: %v", err)
	}
	t.Cleanup(func() { _ = pg.Stop() })
	if err := pg.CreateDatabase(ctx, "foidesk"); err != nil {
		t.Fatal(err)
	}
	url = pg.URL("foidesk")
	st = dbtest.Open(t, url)
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	uid := 0
	for year, forces := range figures {
		var fs []store.Force
		var reqs []store.NewRequest
		for slug := range forces {
			fs = append(fs, store.Force{Slug: slug, Name: strings.ToUpper(slug[:1]) + slug[1:] + " Police", ShortName: slug,
				Category: "territorial", Regime: foi.RegimeFOIA.String(), Domains: []string{}})
			reqs = append(reqs, store.NewRequest{ForceSlug: slug, WorkflowID: foi.RequestWorkflowID("cro", year, slug),
				Token: foi.RequestToken("cro", year, slug)})
		}
		if err := st.UpsertForces(ctx, fs); err != nil {
			t.Fatal(err)
		}
		cid, ids, err := st.CreateCampaign(ctx, store.Campaign{Slug: "cro", Year: year, Title: "CRO", Spec: []byte(`{}`),
			WorkflowID: foi.CampaignWorkflowID("cro", year)}, reqs)
		if err != nil {
			t.Fatal(err)
		}
		for slug, total := range forces {
			uid++
			var inbound int64
			if err := dbtest.SQL(t, st).QueryRow(ctx, `INSERT INTO inbound_messages (mailbox, uid_validity, uid, sha256, raw)
				VALUES ('INBOX', 1, $1, sha256($2::bytea), $2::bytea) RETURNING id`, uid, []byte(fmt.Sprint(year, slug))).Scan(&inbound); err != nil {
				t.Fatal(err)
			}
			docs, err := st.SaveDocuments(ctx, inbound, []store.Document{{Filename: slug + ".csv", ContentType: "text/csv",
				Data: []byte(fmt.Sprint(year, slug)), Path: slug + ".csv"}})
			if err != nil {
				t.Fatal(err)
			}
			if err := st.AttachDocument(ctx, ids[slug], docs[0], fmt.Sprintf("document/%d/%s", year, slug), store.DocumentSource{}); err != nil {
				t.Fatal(err)
			}
			a, b := total/2, total-total/2
			_, err = st.LoadDocument(ctx, store.LoadInput{CampaignID: cid, RequestID: ids[slug], ForceSlug: slug, DocumentID: docs[0],
				Observations: []store.Observation{
					{TableIndex: 1, Row: 1, Col: 1, CellRef: "B2", Period: "2023", Dimensions: map[string]string{"nationality": "POL"},
						Measure: "count", Value: &a, Raw: "a", Confidence: 1},
					{TableIndex: 1, Row: 2, Col: 1, CellRef: "B3", Period: "2023", Dimensions: map[string]string{"nationality": "ROU"},
						Measure: "count", Value: &b, Raw: "b", Confidence: 1},
				}})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	return url, st
}

func freeLoopback(t *testing.T) string {
	t.Helper()
	addr, err := freeport.Addr()
	if err != nil {
		t.Fatal(err)
	}
	return addr
}

func httpGet(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestStartServe(t *testing.T) {
	_, st := serveDB(t, map[int]map[string]float64{2025: {"durham": 10}})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	// Metrics on their own address, open; the dashboard answers this machine.
	cfg := &config.Config{HTTPAddr: "127.0.0.1:0", MetricsAddr: freeLoopback(t), TemporalNamespace: "default"}
	addr, stop, err := startServe(ctx, cfg, st, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if code, body := httpGet(t, "http://"+addr+"/healthz", ""); code != 200 || strings.TrimSpace(body) != "ok" {
		t.Errorf("healthz: %d %q", code, body)
	}
	if code, body := httpGet(t, "http://"+addr+"/campaigns/cro/2025", ""); code != 200 || !strings.Contains(body, `data-force="durham"`) {
		t.Errorf("board: %d", code)
	}
	if code, body := httpGet(t, "http://"+cfg.MetricsAddr+"/metrics", ""); code != 200 ||
		!strings.Contains(body, `foidesk_requests{campaign="cro",state="draft",year="2025"} 1`) {
		t.Errorf("metrics: %d\n%s", code, body)
	}
	if code, _ := httpGet(t, "http://"+addr+"/metrics", ""); code != 404 {
		t.Errorf("metrics on the dashboard too when they have their own address: %d", code)
	}
	stop()
	stop() // twice is fine
	if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
		t.Error("dashboard still answers after stop")
	}

	// Metrics on the dashboard follow its token; cancelling ctx stops it.
	cfg = &config.Config{HTTPAddr: "127.0.0.1:0", AuthToken: "tok", TemporalNamespace: "default"}
	addr, _, err = startServe(ctx, cfg, st, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := httpGet(t, "http://"+addr+"/metrics", ""); code != 401 {
		t.Errorf("dashboard metrics without the token: %d", code)
	}
	if code, body := httpGet(t, "http://"+addr+"/metrics", "tok"); code != 200 || !strings.Contains(body, "foidesk_review_queue_length 0") {
		t.Errorf("dashboard metrics with the token: %d", code)
	}
	cancel()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := http.Get("http://" + addr + "/healthz"); err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("dashboard still answers after its context ended")
		}
		time.Sleep(20 * time.Millisecond)
	}

	// A busy address is an error, not a hang.
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	defer l.Close()
	if _, _, err := startServe(context.Background(), &config.Config{HTTPAddr: l.Addr().String()}, st, nil, nil); err == nil {
		t.Error("startServe on a busy address succeeded")
	}
}

func TestDataCompare(t *testing.T) {
	url, _ := serveDB(t, map[int]map[string]float64{
		2024: {"durham": 40, "kent": 10, "essex": 7},
		2025: {"durham": 50, "kent": 5, "dorset": 3},
	})
	compare := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		a := &app{stdout: &out, stderr: &errb, getenv: func(k string) string {
			if k == "DATABASE_URL" {
				return url
			}
			return ""
		}}
		code := run(context.Background(), append([]string{"data", "compare"}, args...), a)
		return code, out.String(), errb.String()
	}

	code, out, errs := compare("--campaign", "cro", "--years", "2024,2025")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	t.Logf("foidesk data compare:\n%s", out)
	for _, line := range []string{
		"Durham Police  40  50  +10  +25.0%",
		"Kent Police  10   5   -5  -50.0%",
		"Essex Police   7   —    —       —",
		"Dorset Police   —   3    —       —",
		"like for like (2 forces)  50  55   +5  +10.0%",
		"figures in 2024 only: essex",
		"figures in 2025 only: dorset",
	} {
		if !strings.Contains(squeeze(out), squeeze(line)) {
			t.Errorf("output lacks %q:\n%s", line, out)
		}
	}

	code, out, errs = compare("--campaign", "cro", "--years", "2024,2025", "--json")
	if code != 0 {
		t.Fatalf("--json exit %d: %s", code, errs)
	}
	var c dataset.Comparison
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		t.Fatalf("--json output: %v\n%s", err, out)
	}
	if c.Both != 2 || c.TotalBefore != 50 || c.TotalAfter != 55 || len(c.Forces) != 4 {
		t.Errorf("JSON comparison %+v", c)
	}

	if code, _, errs := compare("--campaign", "cro", "--years", "2025"); code != 2 || !strings.Contains(errs, "two years") {
		t.Errorf("one year: exit %d %s", code, errs)
	}
	if code, _, errs := compare("--campaign", "cro", "--years", "2023,2025"); code != 1 || !strings.Contains(errs, `no campaign "cro" for 2023`) {
		t.Errorf("missing run: exit %d %s", code, errs)
	}
	if code, _, _ := compare("--years", "2024,2025"); code != 2 {
		t.Errorf("no --campaign: exit %d", code)
	}
}

// squeeze collapses runs of spaces, so table alignment does not matter.
func squeeze(s string) string { return strings.Join(strings.Fields(s), " ") }

// The shipped estimates give the data page its rates; FOIDESK_POPULATION_FILE
// replaces them, and a bad file stops the dashboard with the line at fault.
func TestServePopulationFile(t *testing.T) {
	_, st := serveDB(t, map[int]map[string]float64{2025: {"durham": 10}})
	dir := t.TempDir()
	good := filepath.Join(dir, "population.csv")
	if err := os.WriteFile(good, []byte("area_code,population,year,source\nE23000008,500000,test-year,test file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr, stop, err := startServe(ctx, &config.Config{HTTPAddr: "127.0.0.1:0", TemporalNamespace: "default", PopulationFile: good}, st, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	// Durham's 10 figures over 500,000 residents: 2 per 100,000.
	if code, body := httpGet(t, "http://"+addr+"/campaigns/cro/2025/data", ""); code != 200 || !strings.Contains(body, `<td class="n rate">2.0</td>`) {
		t.Errorf("data page: %d, no rate of 2.0 per 100,000", code)
	}
	// No file: the shipped mid-2023 estimates, Durham's 642,744 residents.
	addr, stopDefault, err := startServe(ctx, &config.Config{HTTPAddr: "127.0.0.1:0", TemporalNamespace: "default"}, st, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stopDefault()
	if code, body := httpGet(t, "http://"+addr+"/campaigns/cro/2025/data", ""); code != 200 || !strings.Contains(body, `<td class="n rate">1.6</td>`) || !strings.Contains(body, "mid-2023") {
		t.Errorf("data page without a population file: %d, no rate of 1.6 per 100,000 from the mid-2023 estimates", code)
	}
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("area_code,population\nE99999999,5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err = startServe(ctx, &config.Config{HTTPAddr: "127.0.0.1:0", PopulationFile: bad}, st, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "FOIDESK_POPULATION_FILE") || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("a bad population file: %v", err)
	}
}
