package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/foidesk/foidesk/internal/dbtest"
	"github.com/foidesk/foidesk/internal/store"
)

// countingWriter records the sizes of the writes it is given.
type countingWriter struct {
	bytes.Buffer
	writes []int
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.writes = append(w.writes, len(p))
	return w.Buffer.Write(p)
}

// A document's bytes read in chunks are the bytes stored, whatever their
// size (around the chunk's, compressible by PostgreSQL or not), read
// again alike; no chunk is larger than DocumentChunk (under 1 MiB); a
// document that is not there is ErrNotFound. RequestDocument gives the size without the bytes.
func TestWriteDocumentData(t *testing.T) {
	ctx := context.Background()
	st := dbtest.DB(t)
	_, requestID, _ := seedRequest(t, st)
	var inbound int64
	if err := st.Pool().QueryRow(ctx, `INSERT INTO inbound_messages (mailbox, uid_validity, uid, sha256, raw)
		VALUES ('INBOX', 1, 2, sha256('y'::bytea), 'y') RETURNING id`).Scan(&inbound); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	}
	const chunk = store.DocumentChunk
	cases := map[string][]byte{
		"one byte":     {'x'},
		"chunk less 1": random(chunk - 1),
		"chunk":        random(chunk),
		"chunk and 1":  random(chunk + 1),
		"random 3 MiB": random(3<<20 + 17),
		"text 13 MiB":  bytes.Repeat([]byte("2019-3,Kent,Theft offences,Charged/Summonsed,12\n"), 13<<20/48),
	}
	for name, data := range cases {
		ids, err := st.SaveDocuments(ctx, inbound, []store.Document{{Filename: name + ".bin", ContentType: "application/octet-stream",
			Data: data, Path: name + ".bin"}})
		if err != nil {
			t.Fatal(err)
		}
		info, err := st.RequestDocument(ctx, requestID, ids[0])
		if err != nil {
			t.Fatal(err)
		}
		if info.Size != int64(len(data)) || info.Data != nil || info.Filename != name+".bin" {
			t.Errorf("%s: RequestDocument size %d (want %d), %d bytes of data, name %q", name, info.Size, len(data),
				len(info.Data), info.Filename)
		}
		for range 2 {
			var w countingWriter
			n, err := st.WriteDocumentData(ctx, ids[0], &w)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if n != int64(len(data)) || !bytes.Equal(w.Bytes(), data) {
				t.Fatalf("%s: read %d bytes (want %d), equal %v", name, n, len(data), bytes.Equal(w.Bytes(), data))
			}
			for _, k := range w.writes {
				if k > chunk {
					t.Fatalf("%s: a write of %d bytes", name, k)
				}
			}
			if want := (len(data) + chunk - 1) / chunk; len(w.writes) != want {
				t.Errorf("%s: %d writes, want %d", name, len(w.writes), want)
			}
		}
	}
	var w bytes.Buffer
	if _, err := st.WriteDocumentData(ctx, 1<<40, &w); !errors.Is(err, store.ErrNotFound) || w.Len() != 0 {
		t.Errorf("missing document: %v, %d bytes", err, w.Len())
	}
	if _, err := st.RequestDocument(ctx, requestID, 1<<40); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing document: %v", err)
	}
	// A writer's error ends the read, and is given back.
	ids, err := st.SaveDocuments(ctx, inbound, []store.Document{{Filename: "w.bin", ContentType: "x", Data: random(chunk + 5), Path: "w.bin"}})
	if err != nil {
		t.Fatal(err)
	}
	fail := errors.New("disk full")
	if n, err := st.WriteDocumentData(ctx, ids[0], failingWriter{fail}); !errors.Is(err, fail) || n != 0 {
		t.Errorf("failing writer: %d bytes, %v", n, err)
	}
	// The pool is fine afterwards.
	if _, err := st.RequestDocument(ctx, requestID, ids[0]); err != nil {
		t.Fatal(fmt.Errorf("after a failed read: %w", err))
	}
}

type failingWriter struct{ err error }

func (f failingWriter) Write([]byte) (int, error) { return 0, f.err }
