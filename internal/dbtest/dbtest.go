// Package dbtest gives tests a real PostgreSQL: the server at
// TEST_DATABASE_URL if set, else a throwaway cluster started from the
// system's binaries and shared by the test binary. Each test gets either a
// transaction rolled back at its end (Tx) or a fresh database cloned from a
// migrated template (DB), after River's pattern. Tests that set up or
// inspect rows no store method covers get a pool of their own on the same
// database (SQL): store keeps its pool to itself.
//
// A package using it declares
//
//	func TestMain(m *testing.M) { dbtest.Main(m) }
//
// so that the cluster and the databases it made are removed afterwards.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/foidesk/foidesk/internal/pglocal"
	"github.com/foidesk/foidesk/internal/store"
)

var (
	once     sync.Once
	setupErr error
	baseURL  string // the server's maintenance database
	template string // migrated template database
	cluster  *pglocal.Cluster
	tmpDir   string

	sharedOnce sync.Once
	shared     *pgxpool.Pool
	sharedErr  error
)

// Main runs the package's tests and then removes what dbtest created.
func Main(m *testing.M) {
	code := m.Run()
	cleanup()
	os.Exit(code)
}

func setup() {
	ctx := context.Background()
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		baseURL = u
	} else {
		tmpDir, setupErr = os.MkdirTemp("", "foidesk-pgtest-")
		if setupErr != nil {
			return
		}
		_ = os.Chmod(tmpDir, 0o755) // the server may run as another user when we are root
		cluster, setupErr = pglocal.Start(ctx, &pglocal.Options{Dir: filepath.Join(tmpDir, "pg"), Ephemeral: true})
		if setupErr != nil {
			return
		}
		baseURL = cluster.URL("postgres")
	}
	template = "foidesk_tpl_" + randomSuffix()
	if setupErr = exec(ctx, baseURL, "CREATE DATABASE "+template); setupErr != nil {
		return
	}
	st, err := store.Open(ctx, withDatabase(baseURL, template), nil)
	if err != nil {
		setupErr = err
		return
	}
	_, setupErr = st.Migrate(ctx)
	st.Close()
}

func cleanup() {
	if shared != nil {
		shared.Close()
	}
	if cluster != nil {
		_ = cluster.Stop()
		os.RemoveAll(tmpDir)
		return
	}
	if baseURL == "" {
		return
	}
	// On a shared server, drop what this binary created.
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, baseURL)
	if err != nil {
		return
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname = $2`,
		template+"_%", template)
	if err != nil {
		return
	}
	names, _ := pgx.CollectRows(rows, pgx.RowTo[string])
	for _, n := range names {
		_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{n}.Sanitize()+" WITH (FORCE)")
	}
}

func ready(t testing.TB) {
	t.Helper()
	once.Do(setup)
	if setupErr != nil {
		t.Fatalf("dbtest: no PostgreSQL for tests: %v", setupErr)
	}
}

// URL returns the URL of a fresh, migrated database that is dropped when the
// test ends.
func URL(t testing.TB) string {
	t.Helper()
	ready(t)
	ctx := context.Background()
	name := template + "_" + randomSuffix()
	if err := exec(ctx, baseURL, "CREATE DATABASE "+name+" TEMPLATE "+template); err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	t.Cleanup(func() {
		_ = exec(context.Background(), baseURL, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	return withDatabase(baseURL, name)
}

// DB returns a Store on a fresh, migrated database of its own, for tests
// that commit, run concurrent transactions or exercise migrations.
func DB(t testing.TB) *store.Store {
	t.Helper()
	return Open(t, URL(t))
}

// Open returns a Store on the database at url, closed when the test ends,
// for tests that run their own PostgreSQL; SQL works on it as on DB's.
func Open(t testing.TB, url string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), url, nil)
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	t.Cleanup(st.Close)
	db := &rawDB{url: url}
	dbs.Store(st, db)
	t.Cleanup(func() {
		dbs.Delete(st)
		db.close()
	})
	return st
}

// rawDB is the database of a Store made by Open, with the pool SQL gives
// out for it, opened on first use.
type rawDB struct {
	url  string
	mu   sync.Mutex
	pool *pgxpool.Pool
}

func (d *rawDB) open() (*pgxpool.Pool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.pool == nil {
		p, err := pgxpool.New(context.Background(), d.url)
		if err != nil {
			return nil, err
		}
		d.pool = p
	}
	return d.pool, nil
}

func (d *rawDB) close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.pool != nil {
		d.pool.Close()
	}
}

// dbs maps each Store made by Open to its *rawDB.
var dbs sync.Map

// SQL returns a connection pool on the database of st, a Store made by DB
// or Open, for a test's set-up and assertions that no Store method covers (the
// Store runs no SQL but its own). It is the same pool for every call on
// st, closed when the test that made st ends.
func SQL(t testing.TB, st *store.Store) *pgxpool.Pool {
	t.Helper()
	v, ok := dbs.Load(st)
	if !ok {
		t.Fatalf("dbtest: SQL: the store was not made by dbtest.DB or dbtest.Open")
	}
	pool, err := v.(*rawDB).open()
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	return pool
}

// Tx returns a transaction on a migrated database shared by the package's
// tests; it is rolled back when the test ends, so tests do not see each
// other's rows.
func Tx(t testing.TB) pgx.Tx {
	t.Helper()
	ready(t)
	ctx := context.Background()
	sharedOnce.Do(func() {
		name := template + "_shared"
		if sharedErr = exec(ctx, baseURL, "CREATE DATABASE "+name+" TEMPLATE "+template); sharedErr != nil {
			return
		}
		shared, sharedErr = pgxpool.New(ctx, withDatabase(baseURL, name))
	})
	if sharedErr != nil {
		t.Fatalf("dbtest: %v", sharedErr)
	}
	tx, err := shared.Begin(ctx)
	if err != nil {
		t.Fatalf("dbtest: begin: %v", err)
	}
	t.Cleanup(func() { _ = tx.Rollback(context.Background()) })
	return tx
}

func exec(ctx context.Context, url, sql string) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("%s: %w", sql, err)
	}
	return nil
}

func withDatabase(raw, db string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.Path = "/" + db
	return u.String()
}

func randomSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
