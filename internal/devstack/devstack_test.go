package devstack

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"

	"github.com/foidesk/foidesk/internal/devstack/devstacktest"
	"github.com/foidesk/foidesk/internal/freeport"
	"github.com/foidesk/foidesk/internal/store"
	"github.com/foidesk/foidesk/workflows"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	addr, err := freeport.Addr()
	if err != nil {
		t.Fatal(err)
	}
	return addr
}

// TestStackRestart starts the whole dev stack in a temporary directory —
// PostgreSQL, Temporal persisting to SQLite with its Web UI — checks each
// part answers and the search attributes are registered, then starts it a
// second time on the same data.
func TestStackRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL and Temporal")
	}
	devstacktest.Binary(t) // for Start, through $FOIDESK_TEMPORAL_BIN
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dir := t.TempDir()
	opts := Options{
		DataDir:        filepath.Join(dir, "state"),
		PostgresPort:   0,
		TemporalListen: freeAddr(t),
		UIAddr:         freeAddr(t),
	}
	for run := 1; run <= 2; run++ {
		t.Run(fmt.Sprintf("start%d", run), func(t *testing.T) {
			opts.PostgresPort = mustPort(t, freeAddr(t))
			s, err := Start(ctx, opts)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Stop()

			st, err := store.Open(ctx, s.DatabaseURL, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			applied, err := st.Migrate(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if run == 2 && len(applied) != 0 {
				t.Errorf("second start re-applied migrations %v: data was not reused", applied)
			}
			if run == 1 && len(applied) == 0 {
				t.Errorf("first start applied no migrations")
			}

			checkSearchAttributes(t, ctx, s.Temporal)

			resp, err := http.Get(s.TemporalUIURL)
			if err != nil {
				t.Fatalf("Temporal UI at %s: %v", s.TemporalUIURL, err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || len(body) == 0 {
				t.Errorf("Temporal UI answered %d with %d bytes", resp.StatusCode, len(body))
			}
		})
	}
}

func mustPort(t *testing.T, addr string) int {
	_, p, _ := net.SplitHostPort(addr)
	var n int
	fmt.Sscan(p, &n)
	return n
}

func checkSearchAttributes(t *testing.T, ctx context.Context, tp *Temporal) {
	t.Helper()
	c, err := tp.Client(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	resp, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: tp.Namespace})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]enums.IndexedValueType{
		"FoiCampaign":  enums.INDEXED_VALUE_TYPE_KEYWORD,
		"FoiForce":     enums.INDEXED_VALUE_TYPE_KEYWORD,
		"FoiState":     enums.INDEXED_VALUE_TYPE_KEYWORD,
		"FoiCondition": enums.INDEXED_VALUE_TYPE_KEYWORD,
		"FoiDueDate":   enums.INDEXED_VALUE_TYPE_DATETIME,
	}
	if len(want) != len(workflows.SearchAttributes) {
		t.Errorf("workflows declares %d search attributes, test expects %d", len(workflows.SearchAttributes), len(want))
	}
	for name, typ := range want {
		if got, ok := resp.GetCustomAttributes()[name]; !ok || got != typ {
			t.Errorf("search attribute %s = %v (present %v), want %v", name, got, ok, typ)
		}
	}
}
