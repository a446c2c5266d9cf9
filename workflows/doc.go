// Package workflows holds foidesk's Temporal workflows — campaign, request,
// inbox and document — and their signal, query and update names and typed
// search-attribute keys. Everything here is deterministic: time comes from
// workflow.Now and timers, and every side effect runs in an activity.
package workflows
