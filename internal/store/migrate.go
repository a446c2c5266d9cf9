package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/foidesk/foidesk/schema"
)

// Migration is one numbered schema change.
type Migration struct {
	Version  int
	Name     string // file name, e.g. "0001_init.sql"
	SQL      string
	Checksum string // hex sha256 of SQL
}

var migrationName = regexp.MustCompile(`^(\d{4})_[a-z0-9_]+\.sql$`)

// Migrations returns the embedded migrations in order.
func Migrations() ([]Migration, error) {
	return loadMigrations(schema.FS)
}

func loadMigrations(fsys fs.FS) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("store: read migrations: %w", err)
	}
	var ms []Migration
	seen := map[int]string{}
	for _, e := range entries {
		m := migrationName.FindStringSubmatch(e.Name())
		if m == nil {
			if path := e.Name(); len(path) > 4 && path[len(path)-4:] == ".sql" {
				return nil, fmt.Errorf("store: migration %q: name must be NNNN_description.sql", path)
			}
			continue
		}
		v, _ := strconv.Atoi(m[1])
		if prev, ok := seen[v]; ok {
			return nil, fmt.Errorf("store: migrations %q and %q share version %d", prev, e.Name(), v)
		}
		seen[v] = e.Name()
		b, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, fmt.Errorf("store: read migration %q: %w", e.Name(), err)
		}
		sum := sha256.Sum256(b)
		ms = append(ms, Migration{Version: v, Name: e.Name(), SQL: string(b), Checksum: hex.EncodeToString(sum[:])})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	return ms, nil
}

// migrationLockID is the advisory lock that serialises concurrent migrators.
const migrationLockID = 0x666f6964 // "foid"

const createMigrationsTable = `
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    int PRIMARY KEY,
    name       text NOT NULL,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)`

// Migrate applies every embedded migration not yet applied, each in its own
// transaction, and returns the names of those it applied. It is safe to run
// concurrently (an advisory lock serialises callers) and running it again
// changes nothing. An applied migration whose text has since changed is an
// error: released migrations are never edited.
func (s *Store) Migrate(ctx context.Context) ([]string, error) {
	ms, err := Migrations()
	if err != nil {
		return nil, err
	}
	return s.migrate(ctx, ms)
}

func (s *Store) migrate(ctx context.Context, ms []Migration) ([]string, error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: migrate: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, migrationLockID); err != nil {
		return nil, fmt.Errorf("store: migrate: lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrationLockID) //nolint:errcheck
	if _, err := conn.Exec(ctx, createMigrationsTable); err != nil {
		return nil, fmt.Errorf("store: migrate: %w", err)
	}
	applied, err := appliedMigrations(ctx, conn.Conn())
	if err != nil {
		return nil, err
	}
	if err := checkApplied(ms, applied); err != nil {
		return nil, err
	}
	var done []string
	for _, m := range ms {
		if _, ok := applied[m.Version]; ok {
			continue
		}
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)`,
				m.Version, m.Name, m.Checksum)
			return err
		})
		if err != nil {
			return done, fmt.Errorf("store: migration %s: %w", m.Name, err)
		}
		done = append(done, m.Name)
	}
	return done, nil
}

type appliedMigration struct {
	name, checksum string
}

func appliedMigrations(ctx context.Context, conn *pgx.Conn) (map[int]appliedMigration, error) {
	rows, err := conn.Query(ctx, `SELECT version, name, checksum FROM schema_migrations`)
	if err != nil {
		return nil, fmt.Errorf("store: read schema_migrations: %w", err)
	}
	defer rows.Close()
	applied := map[int]appliedMigration{}
	for rows.Next() {
		var v int
		var a appliedMigration
		if err := rows.Scan(&v, &a.name, &a.checksum); err != nil {
			return nil, fmt.Errorf("store: read schema_migrations: %w", err)
		}
		applied[v] = a
	}
	return applied, rows.Err()
}

func checkApplied(ms []Migration, applied map[int]appliedMigration) error {
	for _, m := range ms {
		if a, ok := applied[m.Version]; ok && a.checksum != m.Checksum {
			return fmt.Errorf("store: migration %s was edited after it was applied (checksum %s, database has %s); add a new migration instead",
				m.Name, m.Checksum[:12], a.checksum[:min(12, len(a.checksum))])
		}
	}
	return nil
}

// SchemaStatus describes how the database's schema compares with this binary's.
type SchemaStatus struct {
	Applied []int // versions applied in the database
	Pending []Migration
	Unknown []int // applied versions this binary does not know (a newer binary migrated)
}

// UpToDate reports whether nothing is pending.
func (st SchemaStatus) UpToDate() bool { return len(st.Pending) == 0 }

// Status reports which migrations are applied and which are pending.
func (s *Store) Status(ctx context.Context) (SchemaStatus, error) {
	ms, err := Migrations()
	if err != nil {
		return SchemaStatus{}, err
	}
	var st SchemaStatus
	var exists bool
	if err := s.pool.QueryRow(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&exists); err != nil {
		return st, fmt.Errorf("store: schema status: %w", err)
	}
	applied := map[int]appliedMigration{}
	if exists {
		conn, err := s.pool.Acquire(ctx)
		if err != nil {
			return st, fmt.Errorf("store: schema status: %w", err)
		}
		applied, err = appliedMigrations(ctx, conn.Conn())
		conn.Release()
		if err != nil {
			return st, err
		}
	}
	if err := checkApplied(ms, applied); err != nil {
		return st, err
	}
	known := map[int]bool{}
	for _, m := range ms {
		known[m.Version] = true
		if _, ok := applied[m.Version]; ok {
			st.Applied = append(st.Applied, m.Version)
		} else {
			st.Pending = append(st.Pending, m)
		}
	}
	for v := range applied {
		if !known[v] {
			st.Unknown = append(st.Unknown, v)
		}
	}
	sort.Ints(st.Unknown)
	return st, nil
}

// ErrSchemaOutdated is returned by CheckSchema when migrations are pending.
var ErrSchemaOutdated = errors.New("database schema is out of date")

// CheckSchema returns an error wrapping ErrSchemaOutdated, naming the pending
// migrations and the command to run, unless the schema is up to date.
func (s *Store) CheckSchema(ctx context.Context) error {
	st, err := s.Status(ctx)
	if err != nil {
		return err
	}
	if st.UpToDate() {
		return nil
	}
	names := make([]string, len(st.Pending))
	for i, m := range st.Pending {
		names[i] = m.Name
	}
	return fmt.Errorf("%w: %d migration(s) pending (%v); run 'foidesk migrate'", ErrSchemaOutdated, len(names), names)
}
