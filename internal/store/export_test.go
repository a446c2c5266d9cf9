package store

import "github.com/jackc/pgx/v5/pgxpool"

// Pool gives the store's own tests the pool, for set-up and assertions no
// method covers. It exists only in the store's test binary.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// DocumentChunk is the most bytes of a document WriteDocumentData writes
// at once.
const DocumentChunk = documentChunk
