package foi

import "slices"

// State is a request's place in its lifecycle (requests.state, the
// FoiState search attribute).
type State string

// The states of a request.
const (
	StateDraft                 State = "draft"
	StateSent                  State = "sent"
	StateAcknowledged          State = "acknowledged"
	StateAwaitingClarification State = "awaiting_clarification"
	StateExtended              State = "extended"
	StateOverdue               State = "overdue"
	StateChased                State = "chased"
	StateInternalReview        State = "internal_review"
	StateRegulator             State = "regulator"
	StateAnswered              State = "answered"
	StatePartiallyAnswered     State = "partially_answered"
	StateRefused               State = "refused"
	StateNotHeld               State = "not_held"
	StateWithdrawn             State = "withdrawn"
	StateDataLoaded            State = "data_loaded"
)

// States lists every state, in lifecycle order.
func States() []State {
	return []State{StateDraft, StateSent, StateAcknowledged, StateAwaitingClarification, StateExtended,
		StateOverdue, StateChased, StateInternalReview, StateRegulator, StateAnswered, StatePartiallyAnswered,
		StateRefused, StateNotHeld, StateWithdrawn, StateDataLoaded}
}

// Valid reports whether s is one of the states above.
func (s State) Valid() bool { return slices.Contains(States(), s) }

// Final reports whether a request in state s has an outcome.
func (s State) Final() bool {
	switch s {
	case StateAnswered, StatePartiallyAnswered, StateRefused, StateNotHeld, StateWithdrawn, StateDataLoaded:
		return true
	}
	return false
}

// FinalStates lists the states with an outcome, in lifecycle order.
func FinalStates() []State { return statesWhere(State.Final) }

// Overdue reports whether s is a state a request is put in once its due
// date has passed without an answer: overdue, then the chase ladder's
// chased, internal review and regulator.
func (s State) Overdue() bool {
	switch s {
	case StateOverdue, StateChased, StateInternalReview, StateRegulator:
		return true
	}
	return false
}

// OverdueStates lists the states Overdue reports, in lifecycle order.
func OverdueStates() []State { return statesWhere(State.Overdue) }

// statesWhere lists the states for which keep is true, in lifecycle order.
func statesWhere(keep func(State) bool) []State {
	return slices.DeleteFunc(States(), func(s State) bool { return !keep(s) })
}
