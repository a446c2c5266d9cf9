// Package policy holds foidesk's business rules as pure functions: what to
// do with a document once its tables are read (load, review or reject),
// the dates of a request's chase plan, and which regulator a regime's
// complaints go to. Activities fetch what a rule needs, call it, and store
// what it decides; the rules are tested here, table by table.
package policy
