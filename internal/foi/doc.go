// Package foi is foidesk's vocabulary: the names of a request's states, of
// the kinds of reply, of the FOI regimes, of the statuses of documents,
// messages and reviews, the workflow IDs, and the review proposal's
// encoding. Every value here is stored in the database, carried in
// workflow payloads or search attributes, or shown by the CLI: its string
// (or JSON) form never changes. The package imports only the standard
// library, so that every other package may use it.
//
// The lists of values match the CHECK constraints of schema/*.sql; a test
// compares them.
package foi
