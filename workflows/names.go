package workflows

import (
	"time"

	"github.com/foidesk/foidesk/activities"
	"github.com/foidesk/foidesk/internal/calendar"
	"github.com/foidesk/foidesk/internal/foi"
)

// Signal, query and update names. They are part of foidesk's contract with
// running workflows: renaming one strands the workflows already running.
const (
	// SignalReply carries a classified inbound email to a RequestWorkflow.
	SignalReply = "reply"
	// SignalDocumentDone tells a RequestWorkflow one of its documents is processed.
	SignalDocumentDone = "document-done"
	// SignalRequestState tells a CampaignWorkflow a request's new condition.
	SignalRequestState = "request-state"

	// QueryStatus returns a workflow's status (RequestStatus or CampaignStatus).
	QueryStatus = "status"

	// Operator updates on a RequestWorkflow.
	UpdateWithdraw            = "withdraw"
	UpdatePauseChasing        = "pause-chasing"
	UpdateResumeChasing       = "resume-chasing"
	UpdateAnswerClarification = "answer-clarification"
	UpdateMarkAnswered        = "mark-answered"
	UpdateAddNote             = "add-note"
	// UpdateConfirmKind confirms or corrects the kind of a reply
	// (KindInput): a reply the classifier was unsure of waits for it.
	UpdateConfirmKind = "confirm-kind"
	// UpdateSendComplaint sends the complaint to the regulator as the desk
	// wrote or edited it (ComplaintInput): a campaign that only drafts
	// complaints leaves it to the desk to read, edit and send.
	UpdateSendComplaint = "send-complaint"
	// UpdateResendRequest sends the request letter again after the mail
	// server refused it for good (ResendInput), to a corrected address if
	// one is given.
	UpdateResendRequest = "resend-request"
)

// Reply is the payload of SignalReply.
type Reply struct {
	InboundID int64    `json:"inbound_id"`
	MessageID string   `json:"message_id"`
	Kind      foi.Kind `json:"kind"`
	Reference string   `json:"reference,omitempty"`
	// Received is the receipt date the force states; Due a new due date.
	Received *calendar.Date `json:"received,omitempty"`
	Due      *calendar.Date `json:"due,omitempty"`
	Sections []string       `json:"sections,omitempty"`
	// Documents are the attachments (and tables in the body) to process
	// for data.
	Documents []activities.DocumentRef `json:"documents,omitempty"`
	Subject   string                   `json:"subject,omitempty"`
	At        time.Time                `json:"at"`
	// Uncertain is set when the classifier is not sure of Kind: the
	// reply's documents are processed, but the request does not move until
	// a person confirms or corrects the kind (UpdateConfirmKind).
	Uncertain    bool    `json:"uncertain,omitempty"`
	UncertainWhy string  `json:"uncertain_why,omitempty"`
	Confidence   float64 `json:"confidence,omitempty"`
}

// DocumentDone is the payload of SignalDocumentDone.
type DocumentDone struct {
	DocumentID int64              `json:"document_id"`
	Status     foi.DocumentStatus `json:"status"` // loaded | rejected | no_tables | failed
}

// RequestState is the payload of SignalRequestState, and a row of the
// campaign's status.
type RequestState struct {
	Force       string          `json:"force"`
	ForceName   string          `json:"force_name"`
	State       foi.State       `json:"state"`
	Due         *calendar.Date  `json:"due,omitempty"`
	ChasersSent int             `json:"chasers_sent"`
	LastEvent   string          `json:"last_event"`
	LastEventAt time.Time       `json:"last_event_at"`
	WorkingDays []calendar.Date `json:"working_days,omitempty"` // after Due, for counting lateness
	// Label is the request's status in words (foi.Condition.Label):
	// "closed unanswered — complaint drafted".
	Label string `json:"label,omitempty"`
	// Closed is set once the request was closed without an answer
	// (foi.Condition.Closed); a reply that reopens it clears it.
	Closed bool `json:"closed,omitempty"`
}

// TimelineEntry is one line of a request's history.
type TimelineEntry struct {
	At   time.Time `json:"at"`   // campaign time
	Kind string    `json:"kind"` // event kind
	From foi.State `json:"from,omitempty"`
	To   foi.State `json:"to,omitempty"`
	Note string    `json:"note,omitempty"`
}

// RequestStatus answers QueryStatus on a RequestWorkflow.
type RequestStatus struct {
	Force              string         `json:"force"`
	ForceName          string         `json:"force_name"`
	State              foi.State      `json:"state"`
	Reference          string         `json:"reference,omitempty"`
	Received           *calendar.Date `json:"received,omitempty"`
	Due                *calendar.Date `json:"due,omitempty"`
	Today              calendar.Date  `json:"today"`
	WorkingDaysOverdue int            `json:"working_days_overdue"`
	ChasersSent        int            `json:"chasers_sent"`
	ChasingPaused      bool           `json:"chasing_paused"`
	NextStep           string         `json:"next_step,omitempty"`
	NextAt             *calendar.Date `json:"next_at,omitempty"`
	DocumentsPending   int            `json:"documents_pending"`
	// RepliesToCheck lists the replies whose kind waits for a person.
	RepliesToCheck []int64 `json:"replies_to_check,omitempty"`
	Reopened       bool    `json:"reopened,omitempty"`
	// Closed is set once the request was closed without an answer.
	Closed   bool            `json:"closed,omitempty"`
	Timeline []TimelineEntry `json:"timeline"`
	// Label is the status in words (foi.Condition.Label).
	Label string `json:"label,omitempty"`
}

// Operator update payloads.
type (
	// WithdrawInput withdraws a request.
	WithdrawInput struct {
		Reason string `json:"reason"`
		By     string `json:"by"`
	}
	// NoteInput adds a note to the timeline.
	NoteInput struct {
		Text string `json:"text"`
		By   string `json:"by"`
	}
	// ClarificationInput answers a force's request for clarification; the
	// answer is sent in the request's thread and restarts the clock.
	ClarificationInput struct {
		Text string `json:"text"`
		By   string `json:"by"`
	}
	// MarkAnsweredInput records an answer that came by another route.
	MarkAnsweredInput struct {
		Note string `json:"note"`
		By   string `json:"by"`
	}
	// ChasingInput pauses or resumes chasing.
	ChasingInput struct {
		Reason string `json:"reason"`
		By     string `json:"by"`
	}
	// ComplaintInput is the complaint to the regulator to send, as the
	// desk edited it: plain text, sent as written.
	ComplaintInput struct {
		Subject string `json:"subject"`
		Body    string `json:"body"`
		By      string `json:"by"`
	}
	// ResendInput sends a refused request letter again: to To when set
	// (the force's address corrected), else to the address it had. Later
	// letters of the thread go to the same address.
	ResendInput struct {
		To     string `json:"to,omitempty"`
		By     string `json:"by"`
		Reason string `json:"reason,omitempty"`
	}
	// KindInput confirms or corrects the kind of one reply of the request.
	KindInput struct {
		InboundID int64    `json:"inbound_id"`
		Kind      foi.Kind `json:"kind"`
		By        string   `json:"by"`
		Why       string   `json:"why,omitempty"`
		// Was is the kind the desk saw the reply as (the force page sends
		// it): a reply an earlier run applied, confirmed as it was, moves
		// nothing; one corrected is applied as its new kind.
		Was foi.Kind `json:"was,omitempty"`
	}
)

// londonDate is the date at t in the UK.
func londonDate(t time.Time) calendar.Date { return calendar.DateOf(t) }
