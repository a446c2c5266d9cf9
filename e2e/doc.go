// Package e2e holds foidesk's end-to-end tests: the real worker against
// Temporal's development server (foidesk-temporal dev, a child process), a
// real PostgreSQL and real mail servers.
package e2e
