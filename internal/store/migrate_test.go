package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/foidesk/foidesk/internal/dbtest"
	"github.com/foidesk/foidesk/internal/store"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// emptyStore returns a store on a fresh database from which the template's
// migrations have been removed, to exercise Migrate from scratch.
func emptyStore(t *testing.T) *store.Store {
	t.Helper()
	st := dbtest.DB(t)
	ctx := context.Background()
	_, err := st.Pool().Exec(ctx, `DROP SCHEMA public CASCADE; CREATE SCHEMA public`)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestMigrateTwiceChangesNothing(t *testing.T) {
	ctx := context.Background()
	st := emptyStore(t)

	if err := st.CheckSchema(ctx); !errors.Is(err, store.ErrSchemaOutdated) {
		t.Fatalf("CheckSchema on empty database = %v, want ErrSchemaOutdated", err)
	} else if !strings.Contains(err.Error(), "foidesk migrate") {
		t.Errorf("CheckSchema error %q does not say which command to run", err)
	}

	all, err := store.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	applied, err := st.Migrate(ctx)
	if err != nil {
		t.Fatalf("first Migrate: %v", err)
	}
	if len(applied) != len(all) {
		t.Fatalf("first Migrate applied %v, want all %d migrations", applied, len(all))
	}
	before := schemaFingerprint(t, st)

	applied, err = st.Migrate(ctx)
	if err != nil {
		t.Fatalf("second Migrate: %v", err)
	}
	if len(applied) != 0 {
		t.Errorf("second Migrate applied %v, want nothing", applied)
	}
	if after := schemaFingerprint(t, st); after != before {
		t.Errorf("second Migrate changed the schema:\nbefore %s\nafter  %s", before, after)
	}
	if err := st.CheckSchema(ctx); err != nil {
		t.Errorf("CheckSchema after Migrate: %v", err)
	}
}

func TestMigrateConcurrent(t *testing.T) {
	ctx := context.Background()
	st := emptyStore(t)
	errs := make(chan error, 4)
	for range 4 {
		go func() { _, err := st.Migrate(ctx); errs <- err }()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Errorf("concurrent Migrate: %v", err)
		}
	}
	var n int
	if err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	all, _ := store.Migrations()
	if n != len(all) {
		t.Errorf("schema_migrations has %d rows, want %d", n, len(all))
	}
}

func TestEditedMigrationRefused(t *testing.T) {
	ctx := context.Background()
	st := dbtest.DB(t)
	if _, err := st.Pool().Exec(ctx, `UPDATE schema_migrations SET checksum = 'deadbeefdeadbeef' WHERE version = 1`); err != nil {
		t.Fatal(err)
	}
	_, err := st.Migrate(ctx)
	if err == nil || !strings.Contains(err.Error(), "edited after it was applied") {
		t.Fatalf("Migrate with an edited migration = %v, want an 'edited' error", err)
	}
}

// schemaFingerprint lists every column and constraint of the public schema.
func schemaFingerprint(t *testing.T, st *store.Store) string {
	t.Helper()
	rows, err := st.Pool().Query(context.Background(), `
		SELECT table_name || '.' || column_name || ':' || data_type
		FROM information_schema.columns WHERE table_schema = 'public'
		UNION ALL
		SELECT conname || ':' || pg_get_constraintdef(oid) FROM pg_constraint
		WHERE connamespace = 'public'::regnamespace
		UNION ALL
		SELECT indexname || ':' || indexdef FROM pg_indexes WHERE schemaname = 'public'
		ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}

func TestUniqueKeysRejectDuplicates(t *testing.T) {
	ctx := context.Background()
	tx := dbtest.Tx(t)
	mustExec := func(sql string, args ...any) {
		t.Helper()
		if _, err := tx.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	mustExec(`INSERT INTO forces (slug, name, short_name, category, regime) VALUES ('durham', 'Durham Constabulary', 'Durham', 'territorial', 'foia')`)
	mustExec(`INSERT INTO campaigns (slug, year, title, spec, workflow_id) VALUES ('cro', 2025, 'CRO', '{}', 'campaign/cro/2025')`)
	mustExec(`INSERT INTO requests (campaign_id, force_slug, workflow_id, token)
		SELECT id, 'durham', 'request/cro/2025/durham', 'cro-2025/durham' FROM campaigns`)
	sum := make([]byte, 32)
	mustExec(`INSERT INTO inbound_messages (mailbox, uid_validity, uid, message_id, sha256, raw)
		VALUES ('INBOX', 1, 1, 'a@x', $1, 'raw')`, sum)

	dups := []struct {
		name string
		sql  string
		args []any
	}{
		{"campaign slug+year", `INSERT INTO campaigns (slug, year, title, spec, workflow_id) VALUES ('cro', 2025, 'again', '{}', 'other')`, nil},
		{"request per force", `INSERT INTO requests (campaign_id, force_slug, workflow_id, token) SELECT id, 'durham', 'other', 'other' FROM campaigns`, nil},
		{"message sha256", `INSERT INTO inbound_messages (mailbox, uid_validity, uid, sha256, raw) VALUES ('INBOX', 1, 2, $1, 'raw')`, []any{sum}},
		{"message uid", `INSERT INTO inbound_messages (mailbox, uid_validity, uid, sha256, raw) VALUES ('INBOX', 1, 1, $1, 'raw')`, []any{append(make([]byte, 31), 2)}},
		{"message-id", `INSERT INTO inbound_messages (mailbox, uid_validity, uid, message_id, sha256, raw) VALUES ('INBOX', 1, 3, 'a@x', $1, 'raw')`, []any{append(make([]byte, 31), 1)}},
	}
	for _, d := range dups {
		t.Run(d.name, func(t *testing.T) {
			_, err := tx.Exec(ctx, "SAVEPOINT s")
			if err != nil {
				t.Fatal(err)
			}
			_, err = tx.Exec(ctx, d.sql, d.args...)
			if _, rerr := tx.Exec(ctx, "ROLLBACK TO SAVEPOINT s"); rerr != nil {
				t.Fatal(rerr)
			}
			if err == nil {
				t.Fatalf("duplicate accepted")
			}
		})
	}
}

// Migration 0004 gives request documents recorded before it the message
// and name they came under for their request.
func TestMigrationFillsRequestDocumentProvenance(t *testing.T) {
	ctx := context.Background()
	st := emptyStore(t)
	all, err := store.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Pool().Exec(ctx, `CREATE TABLE schema_migrations (version int PRIMARY KEY, name text NOT NULL,
		checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		t.Fatal(err)
	}
	for _, m := range all {
		if m.Version >= 4 {
			break
		}
		if _, err := st.Pool().Exec(ctx, m.SQL); err != nil {
			t.Fatalf("%s: %v", m.Name, err)
		}
		if _, err := st.Pool().Exec(ctx, `INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)`,
			m.Version, m.Name, m.Checksum); err != nil {
			t.Fatal(err)
		}
	}
	// Two forces' byte-identical files, recorded the old way: Durham's with
	// its message, Cleveland's without.
	_, rids := seedRequests(t, st, 2)
	var msgs [2]int64
	var doc int64
	for i, path := range []string{"durham-cro.csv", "reply.zip/2023/table.csv"} {
		if err := st.Pool().QueryRow(ctx, `INSERT INTO inbound_messages (mailbox, uid_validity, uid, sha256, raw)
			VALUES ('INBOX', 1, $1, sha256($2::bytea), $2::bytea) RETURNING id`, 10+i, []byte(path)).Scan(&msgs[i]); err != nil {
			t.Fatal(err)
		}
		ids, err := st.SaveDocuments(ctx, msgs[i], []store.Document{{Filename: path[strings.LastIndex(path, "/")+1:],
			ContentType: "text/csv", Data: []byte("same bytes"), Path: path}})
		if err != nil {
			t.Fatal(err)
		}
		doc = ids[0]
		if _, err := st.Pool().Exec(ctx, `INSERT INTO message_matches (inbound_id, request_id, method) VALUES ($1, $2, 'token')`,
			msgs[i], rids[i]); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Pool().Exec(ctx, `INSERT INTO request_documents (request_id, document_id, inbound_id, workflow_id, status)
		VALUES ($1, $3, $4, 'document/0', 'loaded'), ($2, $3, NULL, 'document/1', 'loaded')`, rids[0], rids[1], doc, msgs[0]); err != nil {
		t.Fatal(err)
	}
	applied, err := st.Migrate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) == 0 || !strings.HasPrefix(applied[0], "0004_") {
		t.Fatalf("Migrate applied %v, want 0004 first", applied)
	}
	for i, want := range []struct{ file, path string }{{"durham-cro.csv", "durham-cro.csv"}, {"table.csv", "reply.zip/2023/table.csv"}} {
		var msg int64
		var file, path string
		if err := st.Pool().QueryRow(ctx, `SELECT inbound_id, filename, path FROM request_documents WHERE request_id = $1`,
			rids[i]).Scan(&msg, &file, &path); err != nil {
			t.Fatal(err)
		}
		if msg != msgs[i] || file != want.file || path != want.path {
			t.Errorf("request %d: message %d, %q at %q; want message %d, %q at %q", i, msg, file, path, msgs[i], want.file, want.path)
		}
	}
	if _, err := st.Pool().Exec(ctx, `UPDATE request_documents SET status = 'superseded' WHERE request_id = $1`, rids[0]); err != nil {
		t.Errorf("status superseded refused: %v", err)
	}
}
