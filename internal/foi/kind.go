package foi

import "slices"

// Kind is what a reply is: the classifier's reading of an inbound email, a
// person's correction of it, and the kind a request workflow acts on
// (inbound_messages.kind, reply_reviews.kind).
type Kind string

// The kinds of reply.
const (
	// KindAcknowledgement acknowledges one request, usually with the force's
	// reference and the date the request was received.
	KindAcknowledgement Kind = "acknowledgement"
	// KindAutoAcknowledgement is a generic automatic acknowledgement from an
	// FOI mailbox; it carries no reference of its own.
	KindAutoAcknowledgement Kind = "auto_acknowledgement"
	// KindClarification asks the requester to clarify the request; the
	// statutory clock waits for the answer.
	KindClarification Kind = "clarification"
	// KindExtension extends the time for a response (FOIA s.10(3) public
	// interest extension) or announces a new date.
	KindExtension Kind = "extension"
	// KindRefusal refuses the request, under the cost limit (s.12), as
	// vexatious (s.14) or under exemptions, or neither confirms nor denies.
	KindRefusal Kind = "refusal"
	// KindNotHeld states that the information is not held.
	KindNotHeld Kind = "not_held"
	// KindResponse discloses the information requested.
	KindResponse Kind = "response"
	// KindPartialResponse discloses part of the information and refuses or
	// does not hold the rest.
	KindPartialResponse Kind = "partial_response"
	// KindInternalReview reports on (or acknowledges) an internal review.
	KindInternalReview Kind = "internal_review"
	// KindAutoReply is an automatic reply from a person's mailbox, such as an
	// out-of-office notice.
	KindAutoReply Kind = "auto_reply"
	// KindOther is anything else, including replies that point to information
	// published elsewhere (a refusal resting on s.21 alone).
	KindOther Kind = "other"
	// KindBounce is a delivery report for one of foidesk's emails. The
	// inbox gives it from the message's structure, never the classifier,
	// and a person cannot give it (Valid is false).
	KindBounce Kind = "bounce"
)

// Kinds lists the kinds Valid accepts: those the classifier gives and a
// person may give a reply.
func Kinds() []Kind {
	return []Kind{KindAcknowledgement, KindAutoAcknowledgement, KindClarification, KindExtension, KindRefusal,
		KindNotHeld, KindResponse, KindPartialResponse, KindInternalReview, KindAutoReply, KindOther}
}

// Valid reports whether k is a kind the classifier gives and a person may
// give a reply: any kind but KindBounce.
func (k Kind) Valid() bool { return slices.Contains(Kinds(), k) }

// Answers reports whether a reply of kind k gives its request an outcome.
func (k Kind) Answers() bool {
	switch k {
	case KindRefusal, KindNotHeld, KindResponse, KindPartialResponse, KindInternalReview:
		return true
	}
	return false
}

// Disclosure reports whether a reply of kind k is meant to carry the
// information asked for (a response, a partial response or an internal
// review's outcome), so that its body goes to table extraction.
func (k Kind) Disclosure() bool {
	return k == KindResponse || k == KindPartialResponse || k == KindInternalReview
}
