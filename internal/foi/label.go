package foi

import "strings"

// The words people read: one vocabulary for a request's status and its
// events, shared by the dashboard, the CLI and the Temporal UI's summary,
// so that the three never disagree about where a request stands.

// Condition is a request's status as people are told it: its state and
// what the state alone does not say.
type Condition struct {
	State State
	// Closed is set once the request was closed without an answer: its
	// chase ladder ran out and its run ended. Its state stays the last rung
	// reached (chased, internal review, regulator).
	Closed bool
	// Complaint is what became of the complaint to the regulator: "" when
	// none was made, OutboundDrafted when it waits in the ledger for the
	// desk, OutboundSent once sent.
	Complaint OutboundStatus
	// LetterRefused is set while the request is unsent because the mail
	// server refused its letter for good: it waits for the desk to resend
	// or withdraw it.
	LetterRefused bool
}

// Finished reports whether the request's run is over: it has an outcome,
// or it was closed unanswered. The board's "finished", the CLI's and the
// campaign workflow's count the same requests.
func (c Condition) Finished() bool { return c.State.Final() || c.Closed }

// Label is the condition in words: "closed unanswered — complaint
// drafted", "answered, figures loaded", "chased".
func (c Condition) Label() string {
	if c.State.Final() {
		return c.State.Label()
	}
	l := c.State.Label()
	if c.LetterRefused && c.State == StateDraft {
		return "not sent — request letter refused"
	}
	if c.Closed {
		l = "closed unanswered"
	}
	switch c.Complaint {
	case OutboundDrafted:
		l += " — complaint drafted"
	case OutboundSent:
		l += " — complaint sent"
	case OutboundFailed, OutboundPending:
		l += " — complaint not sent"
	}
	return l
}

var stateLabels = map[State]string{
	StateDraft:                 "not sent yet",
	StateSent:                  "sent",
	StateAcknowledged:          "acknowledged",
	StateAwaitingClarification: "clarification asked",
	StateExtended:              "extended",
	StateOverdue:               "overdue",
	StateChased:                "chased",
	StateInternalReview:        "internal review",
	StateRegulator:             "regulator",
	StateAnswered:              "answered",
	StatePartiallyAnswered:     "partly answered",
	StateRefused:               "refused",
	StateNotHeld:               "not held",
	StateWithdrawn:             "withdrawn",
	StateDataLoaded:            "answered, figures loaded",
}

// Label is the state in words.
func (s State) Label() string {
	return label(stateLabels, s)
}

var kindLabels = map[Kind]string{
	KindAcknowledgement:     "acknowledgement",
	KindAutoAcknowledgement: "automatic acknowledgement",
	KindClarification:       "request for clarification",
	KindExtension:           "extension",
	KindRefusal:             "refusal",
	KindNotHeld:             "information not held",
	KindResponse:            "answer",
	KindPartialResponse:     "partial answer",
	KindInternalReview:      "internal review outcome",
	KindAutoReply:           "automatic reply",
	KindOther:               "other",
	KindBounce:              "bounce",
}

// Label is the kind in words: "partial answer".
func (k Kind) Label() string {
	return label(kindLabels, k)
}

var purposeLabels = map[Purpose]string{
	PurposeRequest:             "request",
	PurposeReminder:            "reminder",
	PurposeSecondReminder:      "second reminder",
	PurposeInternalReview:      "internal review request",
	PurposeRegulator:           "complaint to the regulator",
	PurposeClarificationAnswer: "clarification",
	PurposeOther:               "email",
}

// Label is the purpose in words: "internal review request".
func (p Purpose) Label() string {
	return label(purposeLabels, p)
}

// The kinds of a request's events (request_events.kind) whose words are
// not a state's, a kind's or a purpose's.
var eventLabels = map[string]string{
	"sent":                    "request sent",
	"overdue":                 "overdue: no answer by the due date",
	"reminder":                "reminder sent",
	"second_reminder":         "second reminder sent",
	"internal_review":         "internal review requested",
	"regulator":               "complaint to the regulator",
	"complaint_sent":          "complaint sent to the regulator",
	"acknowledgement":         "acknowledged",
	"auto_acknowledgement":    "acknowledged automatically",
	"clarification_requested": "the force asks for clarification",
	"clarification_answered":  "clarification sent",
	"extension":               "extended",
	"extension_claimed":       "extension claimed",
	"refusal":                 "refused",
	"not_held":                "information not held",
	"response":                "answered",
	"partial_response":        "partial answer",
	"internal_review_outcome": "internal review outcome",
	"data_loaded":             "figures loaded",
	"no_data_loaded":          "no figures loaded",
	"document_processed":      "document processed",
	"withdrawn":               "withdrawn",
	"chasing_paused":          "chasing paused",
	"chasing_resumed":         "chasing resumed",
	"marked_answered":         "marked answered",
	"note":                    "note",
	"kind_confirmed":          "reply's kind confirmed",
	"kind_corrected":          "reply's kind corrected",
	"kind_uncertain":          "reply's kind to check",
	"late_reply":              "late reply",
	"reply":                   "reply",
	"bounced":                 "email bounced",
	"reopened":                "reopened",
	"reply_undelivered":       "reply not delivered: back in triage",
	"closed_unanswered":       "closed unanswered",
	"send_failed":             "email not sent",
	"calendar_estimated":      "dates estimated",
	"email_out":               "email sent",
	"email_in":                "email received",
}

// EventLabel is an event kind of a request's trail in words: "request
// sent", "partial answer".
func EventLabel(kind string) string {
	if l, ok := eventLabels[kind]; ok {
		return l
	}
	return strings.ReplaceAll(kind, "_", " ")
}

// SectionText writes a section as classify gives it ("s12", "s40(2)") the
// way people cite it: "s.12", "s.40(2)".
func SectionText(s string) string {
	if rest, ok := strings.CutPrefix(s, "s"); ok && rest != "" && rest[0] >= '0' && rest[0] <= '9' {
		return "s." + rest
	}
	return s
}

// SectionsText lists sections as people cite them: "s.12 and s.40(2)".
func SectionsText(sections []string) string {
	out := make([]string, len(sections))
	for i, s := range sections {
		out[i] = SectionText(s)
	}
	switch len(out) {
	case 0:
		return ""
	case 1:
		return out[0]
	}
	return strings.Join(out[:len(out)-1], ", ") + " and " + out[len(out)-1]
}

// label is v's entry in labels, or v with its underscores as spaces.
func label[T ~string](labels map[T]string, v T) string {
	if l, ok := labels[v]; ok {
		return l
	}
	return strings.ReplaceAll(string(v), "_", " ")
}
