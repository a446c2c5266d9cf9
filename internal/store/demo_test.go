package store_test

import (
	"context"
	"testing"

	"github.com/foidesk/foidesk/internal/dbtest"
	"github.com/foidesk/foidesk/internal/store"
)

// A reply between two steps of its way — matched by the inbox and not yet
// recorded by its request, or taken in by its request with a document not
// yet attached — is work in hand.
func TestBacklogCountsRepliesInFlight(t *testing.T) {
	ctx := context.Background()
	st := dbtest.DB(t)
	_, rid, did := seedRequest(t, st)
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := st.Pool().Exec(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	backlog := func(want int, when string) {
		t.Helper()
		n, err := st.Backlog(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != want {
			t.Errorf("%s: backlog %d, want %d", when, n, want)
		}
	}
	var inbound int64
	if err := st.Pool().QueryRow(ctx, `SELECT id FROM inbound_messages`).Scan(&inbound); err != nil {
		t.Fatal(err)
	}
	backlog(2, "a stored message, a pending document")
	exec(`UPDATE request_documents SET status = 'loaded'`)
	exec(`UPDATE inbound_messages SET status = 'matched'`)
	exec(`INSERT INTO message_matches (inbound_id, request_id, method) VALUES ($1, $2, 'thread')`, inbound, rid)
	backlog(1, "a matched reply its request has not recorded")

	save := func(name, data string) int64 {
		t.Helper()
		ids, err := st.SaveDocuments(ctx, inbound, []store.Document{{Filename: name, ContentType: "text/csv",
			Data: []byte(data), Path: name}})
		if err != nil {
			t.Fatal(err)
		}
		return ids[0]
	}
	second := save("b.csv", "c,d\n3,4\n")
	exec(`INSERT INTO request_events (request_id, seq, kind, occurred_at, detail)
		VALUES ($1, 1, 'response', now(), jsonb_build_object('inbound_id', $2::bigint, 'documents',
			jsonb_build_array(jsonb_build_object('id', $3::bigint), jsonb_build_object('id', $4::bigint))))`,
		rid, inbound, did, second)
	backlog(1, "recorded, with one of its two documents not yet attached")
	exec(`INSERT INTO request_documents (request_id, document_id, inbound_id, workflow_id, status)
		VALUES ($1, $2, $3, 'document/y', 'loaded')`, rid, second, inbound)
	backlog(0, "recorded, its documents attached and loaded")

	// A request withdrawn records late replies without reading them.
	late := save("c.csv", "e,f\n5,6\n")
	exec(`INSERT INTO request_events (request_id, seq, kind, occurred_at, detail)
		VALUES ($1, 2, 'late_reply', now(), jsonb_build_object('inbound_id', $2::bigint, 'documents',
			jsonb_build_array(jsonb_build_object('id', $3::bigint))))`, rid, inbound, late)
	backlog(1, "a late reply's document not attached")
	exec(`UPDATE requests SET state = 'withdrawn' WHERE id = $1`, rid)
	backlog(0, "the same, its request withdrawn")
}
