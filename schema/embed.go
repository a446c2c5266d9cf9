// Package schema holds foidesk's PostgreSQL migrations: numbered SQL files
// applied in order by internal/store (foidesk migrate, and dev on start).
//
// Files are named NNNN_description.sql. A migration, once released, is never
// edited: a change to the schema is a new file.
package schema

import "embed"

// FS holds the migration files.
//
//go:embed *.sql
var FS embed.FS
