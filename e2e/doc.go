// Package e2e holds foidesk's end-to-end tests: the real worker against an
// in-process Temporal server, a real PostgreSQL and real mail servers.
package e2e
