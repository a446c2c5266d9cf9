package foi

// DocumentStatus is where a request's document is in processing
// (request_documents.status, DocumentWorkflow's status).
type DocumentStatus string

// The statuses of a request's document.
const (
	DocPending   DocumentStatus = "pending"   // attached, not processed yet
	DocExtracted DocumentStatus = "extracted" // tables read, not loaded yet
	DocReview    DocumentStatus = "review"    // waits for a person
	DocLoaded    DocumentStatus = "loaded"    // figures loaded
	DocRejected  DocumentStatus = "rejected"  // a person refused it
	DocNoTables  DocumentStatus = "no_tables" // read, but holds no table
	DocFailed    DocumentStatus = "failed"    // could not be read
	// DocSuperseded is a loaded document whose every figure a later
	// document of the same request replaced.
	DocSuperseded DocumentStatus = "superseded"
	// DocProcessing is a DocumentWorkflow's status while it runs; it is
	// never stored.
	DocProcessing DocumentStatus = "processing"
)

// DocumentStatuses lists the statuses a request's document may have in the
// database (not DocProcessing).
func DocumentStatuses() []DocumentStatus {
	return []DocumentStatus{DocPending, DocExtracted, DocReview, DocLoaded, DocRejected, DocNoTables, DocFailed,
		DocSuperseded}
}

// Waiting reports whether a document in status s is still to be decided:
// its DocumentWorkflow will report on it.
func (s DocumentStatus) Waiting() bool { return s == DocPending || s == DocExtracted || s == DocReview }

// InboundStatus is what became of an inbound message
// (inbound_messages.status).
type InboundStatus string

// The statuses of an inbound message.
const (
	InboundStored  InboundStatus = "stored"  // kept, not processed yet
	InboundMatched InboundStatus = "matched" // delivered to its requests
	InboundTriage  InboundStatus = "triage"  // waits for a person to assign it
	InboundIgnored InboundStatus = "ignored" // an auto-reply
	InboundFailed  InboundStatus = "failed"  // unreadable
)

// InboundStatuses lists every status of an inbound message.
func InboundStatuses() []InboundStatus {
	return []InboundStatus{InboundStored, InboundMatched, InboundTriage, InboundIgnored, InboundFailed}
}

// Triaged reports whether a message in status s waits for a person to
// assign it: in triage, or failed (it could not be processed).
func (s InboundStatus) Triaged() bool { return s == InboundTriage || s == InboundFailed }

// TriagedStatuses lists the statuses Triaged reports.
func TriagedStatuses() []InboundStatus { return []InboundStatus{InboundTriage, InboundFailed} }

// ReviewStatus is the state of a table waiting for a person
// (review_items.status).
type ReviewStatus string

// The statuses of a review item.
const (
	ReviewOpen     ReviewStatus = "open"
	ReviewApproved ReviewStatus = "approved"
	ReviewRejected ReviewStatus = "rejected"
	ReviewRemapped ReviewStatus = "remapped"
)

// ReviewStatuses lists every status of a review item.
func ReviewStatuses() []ReviewStatus {
	return []ReviewStatus{ReviewOpen, ReviewApproved, ReviewRejected, ReviewRemapped}
}

// ReplyReviewStatus is the state of a reply whose kind waits for a person
// (reply_reviews.status).
type ReplyReviewStatus string

// The statuses of a reply review.
const (
	ReplyReviewOpen      ReplyReviewStatus = "open"
	ReplyReviewConfirmed ReplyReviewStatus = "confirmed" // the person agreed with the classifier
	ReplyReviewCorrected ReplyReviewStatus = "corrected" // the person gave another kind
)

// ReplyReviewStatuses lists every status of a reply review.
func ReplyReviewStatuses() []ReplyReviewStatus {
	return []ReplyReviewStatus{ReplyReviewOpen, ReplyReviewConfirmed, ReplyReviewCorrected}
}

// CampaignStatus is the state of a campaign run (campaigns.status, the
// FoiState search attribute of a CampaignWorkflow).
type CampaignStatus string

// The statuses of a campaign run.
const (
	CampaignRunning   CampaignStatus = "running"
	CampaignCompleted CampaignStatus = "completed"
	CampaignCancelled CampaignStatus = "cancelled"
)

// CampaignStatuses lists every status of a campaign run.
func CampaignStatuses() []CampaignStatus {
	return []CampaignStatus{CampaignRunning, CampaignCompleted, CampaignCancelled}
}

// Purpose tells a request's outbound emails apart (outbound_messages.purpose).
// The chase steps of a campaign's ladder are purposes too.
type Purpose string

// The purposes of an outbound email.
const (
	PurposeRequest             Purpose = "request"
	PurposeReminder            Purpose = "reminder"
	PurposeSecondReminder      Purpose = "second_reminder"
	PurposeInternalReview      Purpose = "internal_review"
	PurposeRegulator           Purpose = "regulator"
	PurposeClarificationAnswer Purpose = "clarification_answer"
	PurposeOther               Purpose = "other"
)

// Purposes lists every purpose.
func Purposes() []Purpose {
	return []Purpose{PurposeRequest, PurposeReminder, PurposeSecondReminder, PurposeInternalReview,
		PurposeRegulator, PurposeClarificationAnswer, PurposeOther}
}

// OutboundStatus is what became of an outbound email
// (outbound_messages.status).
type OutboundStatus string

// The statuses of an outbound email.
const (
	OutboundPending OutboundStatus = "pending" // in the ledger, not sent yet
	OutboundSent    OutboundStatus = "sent"
	OutboundFailed  OutboundStatus = "failed"
	OutboundDrafted OutboundStatus = "drafted" // kept in the ledger, never sent
)

// OutboundStatuses lists every status of an outbound email.
func OutboundStatuses() []OutboundStatus {
	return []OutboundStatus{OutboundPending, OutboundSent, OutboundFailed, OutboundDrafted}
}

// MatchMethod is the kind of evidence a message's match to a request rests
// on (message_matches.method).
type MatchMethod string

// The ways a message is matched to a request.
const (
	MatchThread    MatchMethod = "thread"
	MatchToken     MatchMethod = "token"
	MatchReference MatchMethod = "reference"
	MatchDomain    MatchMethod = "domain"
	MatchOperator  MatchMethod = "operator" // assigned by hand from triage
)

// MatchMethods lists every match method.
func MatchMethods() []MatchMethod {
	return []MatchMethod{MatchThread, MatchToken, MatchReference, MatchDomain, MatchOperator}
}
