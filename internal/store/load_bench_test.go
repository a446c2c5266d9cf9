package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/foidesk/foidesk/internal/dbtest"
	"github.com/foidesk/foidesk/internal/extract"
	"github.com/foidesk/foidesk/internal/normalise"
	"github.com/foidesk/foidesk/internal/store"
)

// benchTables builds nTables extracted tables of nationality rows × year
// columns, as forces send them.
func benchTables(nTables int) []*extract.Table {
	vocab := normalise.Nationalities()
	var codes []string
	for _, c := range vocab.Codes() {
		if len(c) == 3 && vocab.Label(c) != "" {
			if m := vocab.Match(vocab.Label(c)); m.OK() && m.Code == c {
				codes = append(codes, c)
			}
		}
	}
	codes = codes[:min(200, len(codes))]
	years := []string{"2020", "2021", "2022", "2023", "2024"}
	r := rand.New(rand.NewPCG(1, 2))
	var out []*extract.Table
	for i := range nTables {
		t := &extract.Table{Index: i + 1, Method: extract.MethodXLSX, HeaderRows: 1, Confidence: 1,
			Source: extract.Source{Document: "bench", Format: "xlsx", Sheet: "Data"}}
		head := []extract.Cell{{Text: "Nationality", Ref: "A1"}}
		for c, y := range years {
			head = append(head, extract.Cell{Text: y, Ref: fmt.Sprintf("%c1", 'B'+c)})
		}
		t.Rows = append(t.Rows, head)
		for row, code := range codes {
			cells := []extract.Cell{{Text: vocab.Label(code), Ref: fmt.Sprintf("A%d", row+2)}}
			for c := range years {
				v := float64(r.IntN(500))
				cells = append(cells, extract.Cell{Text: strconv.Itoa(int(v)), Number: &v, Ref: fmt.Sprintf("%c%d", 'B'+c, row+2)})
			}
			t.Rows = append(t.Rows, cells)
		}
		out = append(out, t)
	}
	return out
}

// BenchmarkLoadMillion normalises and loads 1,000,000 observations (1,000
// tables of 200 nationalities × 5 years, 10 documents of 100 tables, each
// the answer of another force's request) and compares the rate with psql's
// \copy of the same rows as CSV into an equivalent table on the same server.
//
// The ten documents share their figures' keys, and a request keeps one
// figure per key, so each answers its own request. BENCH_SAME_REQUEST=1
// puts all ten on one request instead, each with its own measure so that
// none supersedes another: what a request's later documents cost to check.
//
//	go test ./internal/store -run '^$' -bench LoadMillion -benchtime 1x -timeout 30m
func BenchmarkLoadMillion(b *testing.B) {
	psql, err := exec.LookPath("psql")
	if err != nil {
		b.Skip("psql not installed: it is the baseline")
	}
	ctx := context.Background()
	schema, err := normalise.ParseSchema([]byte(`
measure: {name: community_resolutions, unit: count}
dimensions:
  - {name: period, kind: period}
  - {name: nationality, kind: nationality}
periods: {from: 2020, to: 2024, kind: calendar}
`))
	if err != nil {
		b.Fatal(err)
	}
	tables := benchTables(1000)
	sameRequest := os.Getenv("BENCH_SAME_REQUEST") == "1"
	for b.Loop() {
		url := dbtest.URL(b)
		st, err := store.Open(ctx, url, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		cid, rids := seedRequests(b, st, 10)
		// Ten documents of 100 tables.
		var docs []int64
		for d := range 10 {
			ids, err := st.SaveDocuments(ctx, 1, []store.Document{{Filename: fmt.Sprintf("bench%d.xlsx", d), ContentType: "x", Data: []byte(fmt.Sprint(d)), Path: "x"}})
			if err != nil {
				b.Fatal(err)
			}
			docs = append(docs, ids[0])
			if sameRequest {
				rids[d] = rids[0]
			}
			if err := st.AttachDocument(ctx, rids[d], ids[0], fmt.Sprintf("document/bench/%d", d), store.DocumentSource{}); err != nil {
				b.Fatal(err)
			}
		}
		// Documents are processed by separate activities in production, so
		// several load at once: BENCH_LOADERS of them (default 1).
		loaders := 1
		if n, err := strconv.Atoi(os.Getenv("BENCH_LOADERS")); err == nil && n > 0 {
			loaders = n
		}
		// Each timed phase starts from a quiet server: the previous phase's
		// dirty pages written and its rows vacuumed, so that neither pays
		// for the other's background work.
		settle := func() {
			if _, err := st.Pool().Exec(ctx, `VACUUM (ANALYZE)`); err != nil {
				b.Fatal(err)
			}
			if _, err := st.Pool().Exec(ctx, `CHECKPOINT`); err != nil {
				b.Fatal(err)
			}
		}
		settle()
		start := time.Now()
		var (
			mu                 sync.Mutex
			total              int
			normTime, loadTime time.Duration
		)
		work := make(chan int)
		errs := make(chan error, loaders)
		for range loaders {
			go func() {
				for d := range work {
					in := store.LoadInput{CampaignID: cid, RequestID: rids[d], ForceSlug: benchForce(d), DocumentID: docs[d]}
					measure := "community_resolutions"
					if sameRequest {
						in.ForceSlug = benchForce(0)
						measure = fmt.Sprintf("community_resolutions_%d", d)
					}
					t0 := time.Now()
					batch := tables[d*100 : (d+1)*100]
					results := normalise.Tables(batch, schema, nil)
					n := 0
					for _, tr := range results {
						if tr.Result != nil {
							n += len(tr.Result.Observations)
						}
					}
					in.Observations = make([]store.Observation, 0, n)
					for i, tr := range results {
						res, err, t := tr.Result, tr.Err, batch[i]
						if err != nil || res.NeedsReview {
							errs <- fmt.Errorf("table %d: %v %v", t.Index, err, res.ReviewReasons)
							return
						}
						for _, o := range res.Observations {
							start, end := o.Period.Start, o.Period.End
							in.Observations = append(in.Observations, store.Observation{TableIndex: t.Index, Sheet: "Data",
								Row: o.Row, Col: o.Col, CellRef: o.Ref, Period: o.Period.Label, PeriodStart: &start, PeriodEnd: &end,
								Dimensions: o.Dims, Measure: measure, Value: o.Value, Raw: o.Raw, Confidence: o.Confidence})
						}
					}
					t1 := time.Now()
					if _, err := st.LoadDocument(ctx, in); err != nil {
						errs <- err
						return
					}
					mu.Lock()
					normTime += t1.Sub(t0)
					loadTime += time.Since(t1)
					total += len(in.Observations)
					mu.Unlock()
				}
				errs <- nil
			}()
		}
		for d := range docs {
			work <- d
		}
		close(work)
		for range loaders {
			if err := <-errs; err != nil {
				b.Fatal(err)
			}
		}
		ours := time.Since(start)
		if total != 1_000_000 {
			b.Fatalf("loaded %d observations, want 1,000,000", total)
		}

		// Baselines: the same rows, written out as CSV, \copy'd by psql
		// into a table shaped like observations (columns, key, checks;
		// not the provenance trigger, which is ours to pay for), and into
		// a narrower one holding only what a table of figures needs.
		path := filepath.Join(b.TempDir(), "obs.csv")
		cols := "campaign_id, request_id, force_slug, document_id, table_index, page, sheet, row_index, col_index, " +
			"cell_ref, period, period_start, period_end, dimensions, measure, value, flag, raw_text, confidence"
		if out, err := exec.Command(psql, url, "-v", "ON_ERROR_STOP=1", "-c",
			`\copy (SELECT `+cols+` FROM observations) TO '`+path+`' CSV`).CombinedOutput(); err != nil {
			b.Fatalf("psql: %v\n%s", err, out)
		}
		narrowPath := filepath.Join(b.TempDir(), "narrow.csv")
		if out, err := exec.Command(psql, url, "-v", "ON_ERROR_STOP=1", "-c",
			`\copy (SELECT document_id, table_index, sheet, row_index, col_index, cell_ref, period, period_start, period_end,
				dimensions, measure, value, raw_text FROM observations) TO '`+narrowPath+`' CSV`).CombinedOutput(); err != nil {
			b.Fatalf("psql: %v\n%s", err, out)
		}
		if _, err := st.Pool().Exec(ctx, `CREATE TABLE obs_like (LIKE observations INCLUDING ALL);
			CREATE TABLE obs_narrow (doc int, table_index int, sheet text, row_index int, col_index int,
				cell_ref text, period text, period_start date, period_end date, dimensions jsonb, measure text, value numeric,
				raw_text text, UNIQUE (doc, table_index, row_index, col_index))`); err != nil {
			b.Fatal(err)
		}
		copyTime := func(table, cols, path string) time.Duration {
			settle()
			start := time.Now()
			out, err := exec.Command(psql, url, "-v", "ON_ERROR_STOP=1", "-c", `\copy `+table+cols+` FROM '`+path+`' CSV`).CombinedOutput()
			if err != nil {
				b.Fatalf("psql: %v\n%s", err, out)
			}
			return time.Since(start)
		}
		baseline := copyTime("obs_like", " ("+cols+")", path)
		narrow := copyTime("obs_narrow", "", narrowPath)
		b.ReportMetric(float64(total)/ours.Seconds(), "obs/s")
		b.ReportMetric(float64(total)/baseline.Seconds(), "copy-rows/s")
		b.ReportMetric(baseline.Seconds()/ours.Seconds(), "ratio-to-copy")
		b.ReportMetric(narrow.Seconds()/ours.Seconds(), "ratio-to-narrow-copy")
		b.Logf("1,000,000 observations normalised and loaded by %d loader(s) in %s (summed: normalise %s, load %s); "+
			"psql \\copy of the same rows into a table like observations %s, into a narrower table %s",
			loaders, ours.Round(time.Millisecond), normTime.Round(time.Millisecond), loadTime.Round(time.Millisecond),
			baseline.Round(time.Millisecond), narrow.Round(time.Millisecond))
	}
}

func benchForce(i int) string { return fmt.Sprintf("force%d", i) }

// seedRequests makes a campaign with a request to each of n forces and one
// stored message, returning the campaign's id and the requests' in order.
func seedRequests(tb testing.TB, st *store.Store, n int) (int64, []int64) {
	tb.Helper()
	ctx := context.Background()
	var forces []store.Force
	var reqs []store.NewRequest
	for i := range n {
		slug := benchForce(i)
		forces = append(forces, store.Force{Slug: slug, Name: "Force " + slug, ShortName: slug, Category: "territorial",
			Regime: "foia", FOIEmail: "foi@" + slug + ".police.uk", Domains: []string{slug + ".police.uk"}})
		reqs = append(reqs, store.NewRequest{ForceSlug: slug, WorkflowID: "request/cro/2025/" + slug, Token: "cro-2025/" + slug})
	}
	if err := st.UpsertForces(ctx, forces); err != nil {
		tb.Fatal(err)
	}
	cid, ids, err := st.CreateCampaign(ctx, store.Campaign{Slug: "cro", Year: 2025, Title: "CRO", Spec: []byte(`{}`),
		WorkflowID: "campaign/cro/2025"}, reqs)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := st.Pool().Exec(ctx, `INSERT INTO inbound_messages (mailbox, uid_validity, uid, sha256, raw)
		VALUES ('INBOX', 1, 1, sha256('x'::bytea), 'x')`); err != nil {
		tb.Fatal(err)
	}
	rids := make([]int64, n)
	for i := range n {
		rids[i] = ids[benchForce(i)]
	}
	return cid, rids
}
