package classify

import (
	"regexp"
	"strings"
	"sync"

	"github.com/foidesk/foidesk/internal/foi"
)

// A rule is one pattern of evidence for a kind.
//
// Patterns are written with single spaces between words; each space matches
// any run of white space (so phrases survive line wrapping), " ?" matches
// optional white space, and every pattern is case-insensitive. Spaces are
// therefore never written inside character classes. Go's regexp is RE2: matching is linear in the
// input, whatever the pattern.
type rule struct {
	name   string
	kind   foi.Kind // empty for marker rules consulted by decide
	weight int
	re     *pattern
	// hedgeable rules do not count when the sentence around the match is
	// conditional ("may be extended", "if the cost would exceed"): such
	// wording explains the law, it does not apply it.
	hedgeable bool
	// veto, when set, discards a match if it matches the text just after it
	// ("is not held" followed by "in a retrievable format" is a cost refusal,
	// not a statement that nothing is held).
	veto *pattern
	// reject, when set, discards a match that it matches itself.
	reject *pattern
	// implies names the section a counted match relies on even when the
	// letter does not cite it by number.
	implies string
	// pointer rules only say the answer is in an attachment ("please find
	// attached our response"); when an attached letter is read, the
	// letter speaks for itself and they do not count.
	pointer bool
	// notListed rules do not count on a line that is an item of a list:
	// "2. Please clarify whether ...", "- Please specify the status per
	// location" are the requester's questions restated above their
	// answers; a body asking for clarification writes it as prose.
	notListed bool
}

// A pattern is a rule's regular expression, compiled on first use with
// its prefilter: the rules are some 130 patterns, and a foidesk command
// that classifies nothing should not pay for compiling them at start.
type pattern struct {
	expr string
	once sync.Once
	re   *regexp.Regexp
	// pre skips the pattern when none of its words is in the text.
	pre prefilter
}

// rx declares a rule pattern: case-insensitive, spaces match white space.
// A malformed pattern panics on first use, which every rule gets in the
// package's tests.
func rx(expr string) *pattern {
	expr = strings.ReplaceAll(expr, " ?", `\s*`)
	return &pattern{expr: `(?i)` + strings.ReplaceAll(expr, " ", `\s+`)}
}

// rawRx declares a rule pattern written as Go's regexp syntax, as it is.
func rawRx(expr string) *pattern { return &pattern{expr: expr} }

// compiled compiles p once.
func (p *pattern) compiled() *pattern {
	p.once.Do(func() {
		p.re = regexp.MustCompile(p.expr)
		p.pre = newPrefilter(p.re)
	})
	return p
}

// pass reports whether folded text may hold a match (see prefilter).
func (p *pattern) pass(folded string) bool { return p.compiled().pre.pass(folded) }

// MatchString is regexp.Regexp's.
func (p *pattern) MatchString(s string) bool { return p.compiled().re.MatchString(s) }

// FindStringIndex is regexp.Regexp's.
func (p *pattern) FindStringIndex(s string) []int { return p.compiled().re.FindStringIndex(s) }

// FindAllStringIndex is regexp.Regexp's.
func (p *pattern) FindAllStringIndex(s string, n int) [][]int {
	return p.compiled().re.FindAllStringIndex(s, n)
}

// heldWithheld vetoes disclosure wording about information held when the
// same sentence, or the next one opened by "however", withholds it, exempts
// it or puts it over the cost limit ("does hold the information requested,
// however a Section 31 exemption has been applied", "does hold the
// information you have requested however it is estimated that the cost ...
// would exceed", "is held by Northumbria Police however cannot be
// disclosed").
var heldWithheld = rx(`^[^.]{0,80}?[.,;]? ?\b(?:however|but)\b[^.]{0,60}?` + withholdingWords)

// notRetrievable vetoes not-held wording followed, in the same sentence,
// by "in a retrievable format", "centrally" and the like: that is the cost
// limit's wording, not a statement that nothing is held.
var notRetrievable = rx(`^[^.]{0,60}?(?:retrievable|centrally|in (?:a|the) (?:format|form))`)

// withholdingWords are the words that keep back information said to be
// held: withholding, exempting, exceeding the cost limit, or saying it
// cannot or will not be given.
const withholdingWords = `\b(?:withh\w*|exempt\w*|exceed\w*|refus\w*|unable\b|not (?:obliged|able)\b|(?:cannot|can ?not|could not|will not|would not|is not to) be (?:disclosed|released|provided|supplied|given))`

// bodyRules, grouped by kind. Weights: 90-95 decisive wording, 80-85 strong,
// 60-75 good, 40-55 supporting, 25-35 weak hints. Within a group the order is
// only for reading; every rule is tried.
var bodyRules = []rule{
	// --- Automatic replies from a person's mailbox (out of office). ---
	// A mail server's report that a message could not be delivered: no
	// reply from the force at all.
	{name: "other:delivery-failed", kind: foi.KindOther, weight: 90,
		re: rx(`\bdelivery status notification\b|\b(?:message|e-?mail) could not be delivered\b|\bdelivery (?:status ?: ?failed|has failed|to the following recipients? failed)\b|\bundeliverable:`)},
	// A request sent to the wrong body, or to a body the Act does not
	// cover, or passed on to the one that holds the information: the
	// request is not answered here.
	{name: "other:wrong-body", kind: foi.KindOther, weight: 70,
		re: rx(`\b(?:made|sent|addressed|directed|contacted|written to|e-?mailed) (?:to )?the wrong (?:agency|authority|body|organi[sz]ation|council|department|public authority|force)\b|\b(?:is|are) (?:exempt from the requirements of|not subject to|not covered by) the (?:foi(?:a|sa)?|freedom of information)\b|\b(?:we|i) have (?:transferred|forwarded|passed|referred) your (?:request|enquiry) to (?:the )?[\w ]{2,60}? (?:who|which) (?:hold|holds|is responsible|are responsible)\b|\bdoes not (?:come|fall) (?:under|within) the (?:responsibility|remit) of\b`)},
	// "Please re-submit your request via the website", "you will need to
	// make a formal FOI request ... using the online form": the request
	// was not made where the body takes requests, and waits on the
	// requester.
	{name: "other:use-form", kind: foi.KindOther, weight: 70,
		re: rx(`\b(?:please )?re-?submit your (?:foi |freedom of information )?request\b|\b(?:you will need to|please) (?:make|submit) (?:a|your) (?:formal |new )?(?:foi |freedom of information )?request [^.]{0,40}?(?:online form|web form|our website)\b`)},
	{name: "ooo:out-of-office", kind: foi.KindAutoReply, weight: 95,
		re: rx(`\b(?:i am|i'm|i will be) (?:currently )?(?:out of (?:the )?office|on (?:annual |parental |maternity |paternity |sick |study )?leave|away from (?:the |my )?(?:office|desk)|not in the office|working away)\b`)},
	{name: "ooo:return", kind: foi.KindAutoReply, weight: 90,
		re: rx(`\b(?:on|upon) my return\b|\bwhen i return\b|\buntil my return\b`)},
	{name: "ooo:email-access", kind: foi.KindAutoReply, weight: 85,
		re: rx(`\b(?:limited|no|intermittent|restricted) access to (?:my )?e-?mails?\b`)},
	{name: "ooo:address-retired", kind: foi.KindAutoReply, weight: 85,
		re: rx(`\b(?:e-?mail address|e-?mail account|mailbox|in ?box)(?: of \S+| \S+)? is no longer (?:in use|monitored|active|maintained)\b|\byour e-?mail has (?:been|automatically been) (?:forwarded|redirected) to\b`)},
	// An office closed for a holiday: "The Force Information Unit is now
	// closed until Tuesday 26th April", "your emails will not be read
	// during this time".
	{name: "ooo:office-closed", kind: foi.KindAutoReply, weight: 85,
		re: rx(`\b(?:office|unit|team|department|mailbox) (?:is|will be) (?:now )?closed (?:until|from|between|over)\b|\b(?:e-?mails?|messages?|this mailbox) (?:will|are) not (?:be )?(?:read|monitored|checked|actioned) (?:during|until|over|between)\b`)},
	{name: "ooo:no-longer-here", kind: foi.KindAutoReply, weight: 80,
		re: rx(`\bno longer (?:works? |working )?(?:for|at|in|with) (?:the |this )?(?:force|constabulary|police|department|unit|team|organisation)\b`)},

	// --- Automatic acknowledgements from an FOI mailbox (no reference). ---
	{name: "auto-ack:automated-message", kind: foi.KindAutoAcknowledgement, weight: 90,
		re: rx(`\bthis is an (?:automated|automatic|auto-generated) (?:message|response|reply|e-?mail|acknowledge?ment|notification)\b`)},
	{name: "auto-ack:no-individual-ack", kind: foi.KindAutoAcknowledgement, weight: 90,
		re: rx(`\bindividual acknowledge?ments?(?: e-?mails?| letters?)? will not be (?:sent|issued)\b`)},
	{name: "auto-ack:accept-as-ack", kind: foi.KindAutoAcknowledgement, weight: 85,
		re: rx(`\bplease accept this (?:e-?mail|reply|message|response) as (?:an |your |our )?acknowledge?ment\b`)},
	{name: "auto-ack:inbox-acknowledged", kind: foi.KindAutoAcknowledgement, weight: 85,
		re: rx(`\b(?:in ?box|mailbox) (?:is|has been) (?:acknowledged|received)\b`)},
	{name: "auto-ack:acknowledge-email", kind: foi.KindAutoAcknowledgement, weight: 60,
		re: rx(`\backnowledge (?:the )?receipt of your e-?mail\b`)},
	{name: "auto-ack:received", kind: foi.KindAutoAcknowledgement, weight: 75,
		re: rx(`\byour (?:e-?mail|request|enquiry|communication|message|correspondence)(?: for information)? has been received\b|\bplease accept this (?:e-?mail|reply|message|response) as (?:confirmation|acknowledge?ment) (?:that|of)\b|\b(?:will|shall) be issued with a (?:unique )?reference\b|\b(?:e-?mail account|mailbox|in ?box) is not (?:manned|monitored)\b`)},
	{name: "auto-ack:unmonitored", kind: foi.KindAutoAcknowledgement, weight: 40,
		re: rx(`\b(?:do not|please don't) reply to this (?:e-?mail|message)\b|\bthis (?:mailbox|inbox|e-?mail address) is not monitored\b`)},

	// --- Acknowledgements of one request. ---
	// "Your request will now be considered in accordance with the Freedom
	// of Information Act", "We will deal with your request in line with the
	// Act".
	{name: "ack:will-be-considered", kind: foi.KindAcknowledgement, weight: 85,
		re: rx(`\b(?:will|shall) (?:now )?be (?:considered|processed|dealt with|handled) in accordance with the (?:freedom of information|foi)|\b(?:we|i) (?:will|shall) (?:now )?(?:deal with|consider|process|handle) your (?:request|application) (?:in line with|in accordance with|under) the (?:act|freedom of information|foi)\b`)},
	{name: "ack:logged", kind: foi.KindAcknowledgement, weight: 85,
		re: rx(`\blogged under the (?:above |following |below )?ref|\b(?:has|have) been (?:logged|registered)\b`)},
	{name: "ack:being-considered", kind: foi.KindAcknowledgement, weight: 80,
		re: rx(`\byour (?:request|application|e-?mail|questions?) (?:is being|are being|will (?:now )?be) (?:considered|allocated|processed|passed|forwarded|assigned)\b|\byour (?:request|application|e-?mail|questions?) (?:has|have) been (?:allocated|passed|forwarded|assigned|sent) to (?:the|a|an) (?:relevant|appropriate)\b`)},
	{name: "ack:will-receive-response", kind: foi.KindAcknowledgement, weight: 80,
		re: rx(`\b(?:will|should|are entitled to) receive (?:a|your|our|the) (?:response|reply|answer)\b[^.]{0,120}?\b(?:within|no later than)\b`)},
	{name: "ack:aim-to-respond", kind: foi.KindAcknowledgement, weight: 75,
		re: rx(`\b(?:we|i) (?:will|shall) (?:aim|endeavour|try|seek) to (?:provide (?:you with )?a response|respond|reply)[^.]{0,60}?\bwithin\b`)},
	// "We will respond within 20 working days", "I will reply by ...".
	{name: "ack:will-respond", kind: foi.KindAcknowledgement, weight: 70, hedgeable: true,
		re: rx(`\b(?:we|i|the [\w-]+) (?:will|shall) (?:aim to |endeavour to |try to )?(?:respond|reply|provide (?:you with )?(?:a|our) response)(?: to (?:you|your request))? (?:promptly|within|by|no later than)\b`)},
	{name: "ack:response-within", kind: foi.KindAcknowledgement, weight: 75,
		re: rx(`\ba response (?:should|will) be (?:sent|provided|issued) (?:to you )?within\b`)},
	{name: "ack:required-to-reply", kind: foi.KindAcknowledgement, weight: 60,
		re: rx(`\b(?:we are|is) required to (?:reply|respond)(?: to you)? within (?:20|twenty) working days\b`)},
	{name: "ack:acknowledge-request", kind: foi.KindAcknowledgement, weight: 70,
		re: rx(`\b(?:i|we) (?:would like to |write to |wish to )?acknowledge (?:receipt of )?your (?:request|application|freedom of information|correspondence|letter)\b`)},
	// "... which is being dealt with as a request for information in
	// accordance with the Freedom of Information Act".
	{name: "ack:dealt-with-as", kind: foi.KindAcknowledgement, weight: 75,
		re: rx(`\b(?:is being|will be|has been) (?:dealt with|treated|handled|processed) as a (?:freedom of information |foi )?request\b`)},
	// "You will receive a response in due course", "will respond in due
	// course and in any case by ...", "We will respond as soon as we can",
	// "your email ... which is receiving attention".
	{name: "ack:in-due-course", kind: foi.KindAcknowledgement, weight: 70,
		re: rx(`\b(?:will|shall) (?:receive (?:a|our|the) (?:response|reply)|respond|reply|be in touch|contact you)(?: to you)? (?:in due course|as soon as (?:possible|practicable|we can))\b|\b(?:is|are) (?:now )?receiving (?:our |my )?attention\b|\bendeavour to (?:process|deal with|respond to|answer) your request as soon as (?:possible|practicable)\b|\ba (?:further |full )?response will be (?:issued|sent|provided)(?: to you)? in due course\b|\b(?:has been|was|have been) (?:passed|forwarded|referred|sent) to [^.]{1,60}? who will (?:action|deal with|respond|reply|answer|process)\b`)},
	// "Your email has been received and a response is being co-ordinated",
	// "an initial investigation is currently taking place", "the deadline
	// for your request is 5 October 2015".
	{name: "ack:being-prepared", kind: foi.KindAcknowledgement, weight: 70,
		re: rx(`\b(?:has|have) been received and (?:a |our |the )?(?:response|reply) is (?:being|now being) (?:co-?ordinated|prepared|processed|considered)\b|\ban initial (?:investigation|search|assessment) is (?:currently |now )?(?:taking place|under ?way|being (?:carried out|undertaken))\b|\bthe deadline for (?:your|this) request is\b`)},
	{name: "ack:received-on", kind: foi.KindAcknowledgement, weight: 55,
		re: rx(`\b(?:we|i) (?:have )?received your (?:request|e-?mail|application|freedom of information)\b|\byour (?:request|application|e-?mail)(?: for information)? (?:was|has been) received (?:on|by)\b`)},
	// A reply due within twenty working days; not a late answer's
	// apology that it was not sent within them.
	// "Pending a specific response to your request, I enclose a sheet
	// which summarises your rights": the answer is still to come.
	{name: "ack:pending-response", kind: foi.KindAcknowledgement, weight: 60,
		re: rx(`\bpending (?:a |the |our )?(?:specific |full |formal |substantive )?(?:response|reply|decision) to your request\b`)},
	{name: "ack:due-date", kind: foi.KindAcknowledgement, weight: 50,
		re:     rx(`\b(?:due|deadline) date (?:for (?:your|this|the) (?:request|response) )?(?:is|will be)\b|\b(?:response|reply) (?:is )?due (?:by|on)\b|\b(?:(?:not|unable to|failed to) (?:been )?(?:able to )?(?:respond|reply|answer)(?:ed)?(?: to (?:you|your request))? )?(?:within|by|in) (?:the )?(?:statutory )?(?:20|twenty) working days?\b`),
		reject: rx(`^(?:not|unable|failed)\b`)},
	{name: "ack:thank-you", kind: foi.KindAcknowledgement, weight: 30,
		re: rx(`\bthank you for your (?:(?:foi|freedom of information) )?(?:request|enquiry|application|e-?mail)\b`)},

	// --- Clarification. ---
	{name: "clarification:please-clarify", kind: foi.KindClarification, weight: 85, notListed: true,
		re: rx(`\b(?:could|can|would) you (?:please )?(?:clarify|confirm exactly|be more specific|specify (?:exactly )?(?:what|which))\b|\bplease (?:could you )?(?:clarify|confirm (?:exactly )?(?:what|which)|specify (?:exactly )?(?:what|which))\b`)},
	// "please confirm your full name as the request is not deemed valid
	// until you do so": a request needs the requester's real name.
	{name: "clarification:name", kind: foi.KindClarification, weight: 80,
		re: rx(`\bplease (?:confirm|provide|give|supply) (?:us with )?your (?:full |real )?(?:name|first name and surname)\b|\b(?:request|application) is not (?:deemed |considered |treated as )?valid until\b`)},
	// "we do need you to clarify your request", "Can we ask that you
	// clarify", "We have been asked to seek a clarification".
	{name: "clarification:need-clarification", kind: foi.KindClarification, weight: 85, hedgeable: true,
		re: rx(`\b(?:we|i) (?:would )?(?:need|require|would be grateful for|request|must ask for|would like to (?:request|ask for|seek)) (?:some )?(?:further )?clarification\b|\b(?:we|i) (?:do |would )?need you to (?:clarify|confirm|specify)\b|\b(?:can|could|may) (?:we|i) ask (?:that )?you (?:to )?(?:clarify|confirm|specify)\b|\bto seek (?:a |some |further )?clarification\b|\b(?:writing|write) to ask you to (?:clarify|confirm|specify)\b|\bgrateful if you (?:would|could) (?:clarify|specify)\b|\bseeking (?:a |some |further |the (?:following|below) )?clarification\b`)},
	// "Your request is on hold pending receipt of your clarification".
	{name: "clarification:until-clarified", kind: foi.KindClarification, weight: 80, hedgeable: true,
		re: rx(`\b(?:until|pending) (?:we (?:have )?receive[d]? |(?:the )?receipt of )?(?:your|this|the|such) clarification\b|\b(?:is|are|will be|has been|remains) (?:placed |put )?on hold (?:until|pending) (?:we|you|your|the|receipt)\b`),
		// "put on hold until receipt of the payment": a fee notice.
		veto: rx(`^[^.]{0,20}?\b(?:payment|fee)s?\b`)},
	// "Can I ask at the outset that you elaborate a little on the detail
	// of the request? Upon receipt of further information I will ...".
	{name: "clarification:provide-further", kind: foi.KindClarification, weight: 85,
		re: rx(`\b(?:could|can|would) (?:you|i ask(?: [\w ]{1,20}?)? that you) (?:please )?(?:elaborate|expand)(?: a little| further| slightly)? on\b|\b(?:up)?on receipt of (?:the |this |that |such |your )?(?:further information|clarification)\b|\bclarify what you mean\b|\b(?:could|would|can) you (?:please )?(?:provide|give|send) (?:(?:me|us|this office) )?(?:with )?(?:some )?(?:further|more|additional) (?:information|details?)\b|\b(?:appreciate|grateful) (?:it )?if you (?:could|would) (?:please )?(?:let (?:me|us) know (?:what|which|whether|exactly)|provide (?:me |us )?(?:with )?(?:some )?(?:further|more|additional) (?:information|details?))\b|\b(?:will|does) not (?:commence|start|begin) until (?:we (?:are (?:supplied|provided) with|receive|have received)|(?:the )?receipt of) (?:the |your |this )?(?:further information|further details|clarification)\b`)},
	// "Please define the area", "please specify which"; "to enable
	// Merseyside Police to meet your request could you please provide".
	{name: "clarification:define", kind: foi.KindClarification, weight: 70, hedgeable: true, notListed: true,
		re: rx(`\bplease (?:could you )?(?:define|specify) (?:the|what|which|exactly|whether)\b|\bin order to (?:identify and )?locate the information you (?:require|seek|want)\b|\bto enable [\w ]{2,40}? to (?:meet|process|answer|deal with) your request\b`)},
	{name: "clarification:withdrawn", kind: foi.KindClarification, weight: 55,
		re: rx(`\b(?:will be|be) treated as withdrawn\b|\bno longer wish to (?:proceed|pursue)\b`)},
	// "Please could you advise how you wish to proceed?", "if you were to
	// limit your request to ...": the letter waits on the requester.
	{name: "clarification:how-to-proceed", kind: foi.KindClarification, weight: 60,
		re: rx(`\b(?:please )?(?:could|can|would) you (?:please )?(?:advise|let (?:me|us) know|confirm) (?:how|whether|if) you (?:would like|wish|want) to (?:proceed|continue)\b|\bhow you (?:would like|wish|want) to proceed\?`)},
	// Not "subject to any clarification required": a condition.
	{name: "clarification:sought", kind: foi.KindClarification, weight: 70,
		re:     rx(`\b(?:any )?clarification (?:is )?(?:sought|required|needed)\b`),
		reject: rx(`^any\b`)},
	// Markers: the clarification has already been answered (see
	// decide). A disclosure log that lays out the request, the
	// clarification exchange and then the response, each under its
	// heading (REQUEST / CLARIFICATION / RESPONSE), records one; so does a
	// letter that says it was received.
	{name: "clarification:recorded", kind: "",
		re: rawRx(`(?is)(?:^|\n)[ \t]*clarifications?(?: received| sought| requested)?[ \t]*:?[ \t]*\n(?:[^\n]*\n){0,30}?[ \t]*(?:our |the )?response\b`)},
	{name: "clarification:received", kind: "",
		re: rx(`\bclarification (?:was |has been )?received\b|\byou (?:then |subsequently )?clarified\b|\bfollowing (?:your|receipt of your) clarification\b|\bwe (?:also )?sought clarity\b`)},

	// --- Extensions. ---
	{name: "extension:letter", kind: foi.KindExtension, weight: 90, hedgeable: true,
		re: rx(`\bextension (?:letter|notice|notification)\b`)},
	{name: "extension:public-interest-time", kind: foi.KindExtension, weight: 90, hedgeable: true,
		re: rx(`\b(?:need|needs|require|requires|requiring|take|taking|allow|allows) (?:additional|further|more|extra) time to (?:consider|assess|conduct|complete|carry out)[^.]{0,40}?public interest\b`)},
	{name: "extension:extend-deadline", kind: foi.KindExtension, weight: 85, hedgeable: true,
		re: rx(`\bextend(?:ed|ing)? (?:the |our |your )?(?:response )?(?:deadline|time ?(?:limit|scale|frame|period)|time for (?:response|responding)|response (?:date|time|deadline|period)|(?:20 working days? |statutory )?(?:period|timescale|time-scale))\b|\b(?:deadline|time ?(?:limit|scale|frame|period)|time-scale|response date|due date)(?: for (?:response|responding|your request))? (?:has been|is being|will be|may be|is|can be|needs to be|will need to be) extended\b`)},
	{name: "extension:s10-3", kind: foi.KindExtension, weight: 75, hedgeable: true,
		re: rx(`\b(?:section|s\.?) ?10 ?\(3\)`)},
	{name: "extension:unable-within", kind: foi.KindExtension, weight: 75, hedgeable: true,
		re: rx(`\b(?:we are|we will be|i am|i will be|we have been) (?:unable|not able|not in a position) to (?:respond|reply|provide (?:you with )?(?:a|the|our|your) (?:full )?response)(?: to your request)? within (?:the )?(?:20 working days|twenty working days|statutory|time)|\b(?:we|i) (?:will|shall) not be able to (?:provide (?:you with )?(?:a|the|our|your) (?:full )?response|respond)(?: to (?:you|your request))? (?:today|by the (?:due|deadline) date|on time|within)`)},
	// An apology for the delay opens late answers as often as extension
	// notices, so it only supports.
	{name: "extension:apology", kind: foi.KindExtension, weight: 40, hedgeable: true,
		re: rx(`\b(?:apolog(?:y|ies|i[sz]e[sd]?)|sorry) for the (?:slow progress|delay)\b`)},
	// "We are working to get your response to you and will do so as soon
	// as possible": an answer that is late, not yet sent.
	{name: "extension:working-on-it", kind: foi.KindExtension, weight: 60, hedgeable: true,
		re: rx(`\b(?:we are|we're|i am) (?:still )?working (?:on|to (?:get|complete|finali[sz]e|provide|send)) (?:you |your |the |our )(?:full |final )?(?:response|reply|answer)`)},
	{name: "extension:late", kind: foi.KindExtension, weight: 70, hedgeable: true,
		re: rx(`\b(?:we|i) have (?:now )?exceeded the (?:20|twenty)[- ](?:working[- ])?days?\b|\bstill working (?:on|to identify|to locate|to collate)\b`)},
	// "Your request remains under consideration. I will respond to you as
	// soon as possible": a holding reply, after the time a receipt is sent.
	{name: "extension:under-consideration", kind: foi.KindExtension, weight: 80, hedgeable: true,
		re: rx(`\b(?:remains|is still|are still|is currently still) (?:under consideration|being considered)\b`)},
	// "The date that the response is due for your request, FOI2021/06900,
	// has been changed to 27th May", "we are writing to seek your
	// agreement to an extension of up to 7 working days", "there will be a
	// small delay in providing you with a complete response".
	{name: "extension:date-moved", kind: foi.KindExtension, weight: 80, hedgeable: true,
		re: rx(`\b(?:due date|deadline|date (?:that |on which )?(?:the |your |a )?response is due)\b[^.]{0,60}? (?:has|have) (?:now )?been (?:changed|revised|moved|put back|pushed back|extended)\b|\b(?:grant(?:ing)?|agree(?:ment)? to|seek(?:ing)?|request(?:ing)?) (?:an?|the|a short|a further) extension\b|\ban extension (?:of|to) (?:up to |a further |an additional )?(?:\d{1,2}|one|two|three|five|ten|twenty) (?:further |additional |more )?(?:working |calendar )?days?\b|\bthere (?:will|is going to) be a (?:short |small |slight |brief |further )?delay in (?:providing|sending|issuing|responding|our response)\b`)},
	{name: "extension:new-date", kind: foi.KindExtension, weight: 70, hedgeable: true,
		re: rx(`\b(?:revised|new|extended) (?:response |due |target )?(?:date|deadline|time-?scale)\b`)},

	// --- Internal review. ---
	{name: "review:review-of-request", kind: foi.KindInternalReview, weight: 90,
		re: rx(`\b(?:internal )?review of (?:your )?(?:freedom of information|foi|foia)(?: act)? request\b`)},
	// Hedgeable: "if you are unhappy with the outcome of the internal
	// review, you may complain to the Commissioner" is the rights notice.
	{name: "review:findings", kind: foi.KindInternalReview, weight: 90, hedgeable: true,
		re: rx(`\b(?:findings|outcome|result|conclusion)s? of (?:(?:the|my|this|your|an|a) )?(?:internal )?review\b`)},
	{name: "review:decision", kind: foi.KindInternalReview, weight: 90,
		re: rx(`\b(?:original )?decision (?:is |has been |was |should be )?(?:upheld|overturned|partially upheld)\b|\b(?:i|we) (?:believe|find|consider|conclude|have concluded) (?:that )?the original (?:response|decision|reply) was (?:incorrect|correct|wrong|right)\b|\b(?:i|we) (?:have decided to )?(?:uphold|overturn) the (?:original )?decision\b|\b(?:partially |partly )?uphold (?:your|the) complaint\b|\binternal review \(?(?:ir\)? )?decision\b`)},
	{name: "review:conducted", kind: foi.KindInternalReview, weight: 85,
		re: rx(`\b(?:i|we) have (?:now )?(?:conducted|completed|carried out|undertaken) (?:a|an|the) (?:internal )?review\b|\b(?:i|we) have (?:now )?reviewed the handling of (?:your|the) (?:freedom of information |foi |foia |eir |information )?request\b`)},
	// "your request for an Internal Review", "I have carried out a review of
	// how the initial request was processed", "Internal Review (IR)
	// Decision", "review its handling".
	{name: "review:asked", kind: foi.KindInternalReview, weight: 70, hedgeable: true,
		re: rx(`\b(?:requesting|request(?:ed)? for|ask(?:s|ed|ing)? for) (?:an |a )?internal review\b|\bpurpose of (?:an |the |this )?internal review\b|\byou (?:have )?requested (?:an |a )?internal review\b|\binternal review (?:request|reference|outcome|response)\b|\b(?:carried out|conducted|completed|undertaken) (?:a|an|the) (?:internal )?review (?:of|into) (?:how|the handling|the (?:original|initial) (?:request|response|decision))\b`)},
	{name: "review:requested", kind: foi.KindInternalReview, weight: 70,
		re: rx(`\byou (?:have )?(?:requested|asked for|sought) a review of (?:the|our|my) (?:decision|response|handling|reply)\b|\bin accordance with section 20\(1\) of the freedom of information \(scotland\) act\b|\byour (?:request|application|e-?mail|complaint) (?:for|requesting) (?:an )?internal review\b|\brequested [^.]{0,60}?review its handling\b|\bappointed to (?:independently )?review\b|\brequested a (?:formal )?review of the way in which\b|\brequest for (?:a )?review under the freedom of information\b`)},

	// --- Refusals. ---
	{name: "refusal:refusal-notice", kind: foi.KindRefusal, weight: 90,
		re: rx(`\b(?:letter|e-?mail|response|this) (?:represents|serves as|constitutes|acts as|is) (?:a|the|your) (?:formal )?refusal notice\b|\bnotice of refusal\b|\b(?:consider|treat|regard) this (?:letter |e-?mail |response )?(?:to be|as) (?:a|the|your) (?:formal )?refusal notice\b`)},
	{name: "refusal:refused-under", kind: foi.KindRefusal, weight: 90,
		re: rx(`\b(?:is|are|being|been|was|were) (?:therefore )?refused (?:under|by virtue of|in accordance with|on the basis of|in reliance on)\b`)},
	{name: "refusal:not-obliged", kind: foi.KindRefusal, weight: 90,
		re: rx(`\b(?:i am|we are|is|are) not obliged to (?:supply|provide|disclose|comply)\b`)},
	// "We are not in a position to release the price paid", "we are
	// refusing to disclose the information under r.12(4)(b)", and the
	// EIR's own ground, a request "manifestly unreasonable".
	{name: "refusal:not-in-position", kind: foi.KindRefusal, weight: 75, hedgeable: true,
		re: rx(`\bnot in a position to (?:release|provide|disclose|supply|share)\b`)},
	{name: "refusal:refusing", kind: foi.KindRefusal, weight: 85, hedgeable: true,
		re: rx(`\b(?:we are|i am|is|are) (?:therefore )?refusing (?:to (?:disclose|release|provide|supply)|(?:your|this|the) request)\b|\b(?:request|it) (?:was|has been|is) refused in full\b|\b(?:we are|i am|the \w+ is) (?:therefore )?entitled to refuse\b`)},
	{name: "refusal:manifestly-unreasonable", kind: foi.KindRefusal, weight: 80, hedgeable: true,
		re: rx(`\bmanifestly unreasonable\b`)},
	// The EIR's exceptions, as the FOIA's exemptions: "would ... engage
	// regulation 12(4)(b)", "a public authority is excepted from
	// complying", "Regulation 12(5)(e) applies".
	{name: "refusal:eir-exception", kind: foi.KindRefusal, weight: 75, hedgeable: true,
		re: rx(`\b(?:engages?|engaged|engaging|rel(?:y|ies|ying) (?:up)?on|appl(?:y|ying)) (?:the exceptions? (?:at|under|in) )?regulations? 12 ?\( ?[45] ?\)|\bis excepted from (?:complying|disclos(?:ing|ure))\b|\bregulation 12 ?\( ?[45] ?\) ?\( ?[a-g] ?\)[^.\n]{0,40}? (?:applies|is engaged)\b`)},
	{name: "refusal:cost-exceeds", kind: foi.KindRefusal, weight: 85, hedgeable: true, implies: "s12",
		re: rx(`\bexceed(?:s|ed|ing)? (?:the )?(?:permitted |prescribed |statutory |set |given )?["'‘“]?(?:appropriate|cost|costs|statutory cost|fees? limit|time and cost|18 ?hours?|£ ?450)\b`)},
	{name: "refusal:engaged", kind: foi.KindRefusal, weight: 85, hedgeable: true,
		re: rx(`\b(?:has|have) engaged (?:an |the )?exemptions?\b|\bexemptions? (?:has|have) been engaged\b|\bis engaged\b`)},
	{name: "refusal:vexatious", kind: foi.KindRefusal, weight: 85, hedgeable: true, implies: "s14",
		re: rx(`\bvexatious\b|\brepeated request\b`)},
	{name: "refusal:exempt", kind: foi.KindRefusal, weight: 80, hedgeable: true,
		re: rx(`\bexempt(?: from (?:disclosure|release))? (?:by virtue of|under|in accordance with) (?:"|')?(?:section|s\.? ?\d)`),
		// "... is not held and is therefore exempt from release under
		// Section 17 of FOISA": FOISA's section 17 is the notice that
		// information is not held, not an exemption.
		veto: rx(`^ ?17\b`)},
	// "This financial information has not been released as the exemption
	// under section 33(1)(b) applies", "it should be withheld under the
	// exception contained in Reg 12(4)(d) of the EIRs", "we are withholding
	// the information we hold under section 22".
	{name: "refusal:withheld-under", kind: foi.KindRefusal, weight: 80, hedgeable: true,
		re: rx(`\b(?:has|have|is|are) not been (?:released|disclosed|provided) (?:as|because) (?:the )?(?:exemptions?|exceptions?)\b|\b(?:should|will|must) be withheld under (?:the )?(?:exemptions?|exceptions?|section|s\.? ?\d|reg)|\b(?:we are|i am|we have|i have) (?:withholding|withheld) (?:the |this |that |all (?:the |of the )?)?(?:information|data|documents?|records?|reports?)(?: (?:we|that we|which we) hold| requested)? under (?:the )?(?:exemptions? (?:at|in) )?(?:section|s\.? ?\d|reg)`)},
	// "A request for information is not valid if it does not ... state the
	// name of the applicant ... Accordingly, we are not obliged to respond
	// to it": an invalid request, refused whole.
	{name: "refusal:invalid-request", kind: foi.KindRefusal, weight: 80, hedgeable: true,
		re: rx(`\b(?:it|this|your request) is not a valid (?:freedom of information |foi )?request\b|\bnot obliged to respond to (?:it|your request|this request)\b`)},
	// "The information that you have requested is being withheld in full
	// under section 35(1)(a)".
	{name: "refusal:withheld-in-full", kind: foi.KindRefusal, weight: 85, hedgeable: true,
		re: rx(`\b(?:is being|has been|is|will be) withheld in (?:full|its entirety)\b|\bwithhold(?:ing)? (?:it|the information|this information|the requested information) in (?:full|its entirety)\b`)},
	{name: "refusal:ncnd", kind: foi.KindRefusal, weight: 80, hedgeable: true,
		re: rx(`\bneither (?:confirms?|confirming) nor (?:deny|denies|denying)\b|\bncnd\b`)},
	// Dyfed-Powys and others: "we are withholding the whole of the requested
	// information"; North Yorkshire: "I am exempting any information".
	{name: "refusal:withholding-whole", kind: foi.KindRefusal, weight: 85, hedgeable: true,
		re: rx(`\bwithhold(?:ing)? (?:the whole|all) of (?:the|that|this) (?:requested )?information\b|\b(?:i am|we are) exempting (?:any|all|the) (?:requested )?information\b`)},
	// Cost refusals in words, without the section: "would require the
	// manual searching of records", "at the given rate of £25 per hour".
	{name: "refusal:manual-search", kind: foi.KindRefusal, weight: 60, hedgeable: true, implies: "s12",
		re: rx(`\bwould (?:require|involve|necessitate|mean) (?:the |a )?(?:manual(?:ly)? (?:search(?:ing)?|review(?:ing)?|examin(?:ing|ation)|check(?:ing)?|read(?:ing)?|trawl)|manual (?:search|review|examination|trawl))\b|£ ?25 (?:per|an) hour\b`)},
	{name: "refusal:s21-accessible", kind: foi.KindRefusal, weight: 80, hedgeable: true, implies: "s21",
		re: rx(`\b(?:readily|reasonably|already|publicly)['’"]? ['‘"]?(?:available|accessible)['’"]? (?:in the public domain|by other means|elsewhere|online|on (?:our|the) (?:website|disclosure log))\b|\b(?:responded|replied) to (?:a|an) (?:similar|identical|previous|earlier) (?:freedom of information |foi )?(?:\(foia?\) )?request,? a copy of which is (?:published|available)\b|\binformation reasonably accessible by other means\b|\b(?:is|are) (?:in )?the public domain and (?:is|are) (?:accessible|available)\b|\b(?:not required|not obliged) to provide information [^.]{0,60}?\b(?:already |otherwise )?reasonably accessible\b|\binformation (?:you (?:have )?requested |requested )?is (?:available|published) (?:on|at|via) the following (?:website|link|web ?page|address)\b|\b(?:requirement|required|obliged|duty) to publish the information (?:that )?you (?:have )?requested\b|\bthe information we can provide (?:will be|is) (?:from|in) our (?:disclosure log|publication scheme|website)\b|\b(?:please )?search (?:under|our|the) (?:subject|disclosure log)\b[^.]{0,60}?\bprevious (?:responses|requests)\b`)},
	// "... and is therefore exempt in accordance with section 21(1)": the
	// decision, however the letter hedges what the pages it points to
	// answer ("your questions may be answered via the following").
	{name: "refusal:s21-exempt", kind: foi.KindRefusal, weight: 80, implies: "s21",
		re: rx(`\b(?:therefore|is|are) exempt (?:from disclosure )?(?:in accordance with|under|by virtue of) (?:the provisions of )?section 21\b|\binformation accessible to (?:the )?applicant by other means\b|\bregulation 6 ?\( ?1 ?\) ?\( ?b ?\)`)},
	// The section 17 notice a refusal must give, in the police template:
	// "Section 17 of the Act requires X, when refusing to provide such
	// information (because the information is exempt) to provide you the
	// applicant with a notice", "Where exemptions are relied upon s17 of
	// FOIA requires that we provide the applicant with a notice". Part of
	// a request or all of it is refused; the letter may still give the
	// rest, so the rule only supports.
	{name: "refusal:s17-notice", kind: foi.KindRefusal, weight: 60,
		re: rx(`\bwhen refusing to provide such information\b|\bwhere exemptions are relied (?:up)?on,? s(?:ection)? ?17\b`)},
	// A public interest test weighed against disclosure: "Factors
	// favouring non-disclosure", "Balance test", "Evidence of harm". An
	// extension letter only says the test will be considered.
	{name: "refusal:public-interest-test", kind: foi.KindRefusal, weight: 50,
		re: rx(`\bfactors favouring (?:non-?disclosure|disclosure|confirmation or denial|neither confirming nor denying)\b|\bbalance test\b|\bevidence of harm\b`)},
	// Essex and Kent: "the obligation of Section 1(1)(b) cannot be met as
	// Essex Police does not hold all the information requested in a format
	// that allows it to be retrieved within the time and cost limit".
	{name: "refusal:duty-cannot-be-met", kind: foi.KindRefusal, weight: 80,
		re: rx(`\bobligation (?:of|under|at) section 1 ?\(1\) ?\(b\) (?:of the act )?cannot be met\b`)},
	// "Under Section 40 of the FOI Act 2000, I am not able to provide
	// details of our current contractor": an exemption in the writer's
	// words (sections 22 to 44: not the cost limit, nor s.21's published
	// information). It often names one detail withheld: beside an answer
	// it makes the answer partial, as not-held:named-part does.
	{name: "refusal:under-section-unable", kind: foi.KindRefusal, weight: 55, hedgeable: true,
		re: rx(`\b(?:under|by virtue of|in accordance with) (?:section|s\.?) ?(?:2[2-9]|3\d|4[0-4])\b[^.]{0,60}?\b(?:(?:i|we) (?:am|are) (?:not able|unable)|(?:i|we) (?:cannot|can ?not)) (?:to )?(?:provide|disclose|release|supply|share|give)\b`)},
	{name: "refusal:exemption-applies", kind: foi.KindRefusal, weight: 75, hedgeable: true,
		re: rx(`\b(?:following )?exemptions? (?:applies|apply|has been applied|have been applied|is applicable)\b|\bthe exemptions? (?:under|at|in) s(?:ection)?\.? ?\d{1,2}\b[^.]{0,80}? appl(?:y|ies)\b|\b(?:applying|relying on|rely on|relied upon|relying upon) (?:an |the )?exemptions? (?:at|under|of|in) (?:section|s\.?) ?\d|\bplease see below for the following exemptions?\b|\bthe exemptions? applicable to\b|\bsection \d{1,2}(?: ?\(\d\))?(?: of the (?:act|foia))? (?:being|has been|have been|is being) applied\b`),
		// Section 39 (FOISA 39(2)) routes environmental information to
		// the EIRs: the request is answered there, not refused.
		veto: rx(`^9(?:\b| ?\()`)},
	{name: "refusal:cannot-comply", kind: foi.KindRefusal, weight: 75, hedgeable: true,
		re: rx(`\b(?:cannot|can not|is unable to|are unable to|am unable to) comply with (?:your|this|the) request\b|\bregret to inform you that [^.]{0,60}?\b(?:cannot|unable)\b`)},
	{name: "refusal:cannot-confirm-held", kind: foi.KindRefusal, weight: 80, hedgeable: true,
		re: rx(`\b(?:unable|not able) to confirm (?:whether|if) (?:or not )?(?:any |the )?information (?:is|was) held\b`)},
	{name: "refusal:remain-exempt", kind: foi.KindRefusal, weight: 75, hedgeable: true,
		re: rx(`\b(?:should|will|must) remain exempt\b`)},
	{name: "refusal:withheld", kind: foi.KindRefusal, weight: 65, hedgeable: true,
		re: rx(`\b(?:has|have) been withheld\b|\b(?:is|are) (?:therefore )?(?:being )?withheld\b`)},
	{name: "refusal:unable-to-provide", kind: foi.KindRefusal, weight: 70, hedgeable: true,
		re: rx(`\b(?:are|is|am|be) (?:unable|not able) to (?:provide|supply|disclose|release) (?:you with )?(?:the|this|that|any|your|further|such|these|those|information)\b`)},
	{name: "refusal:not-retrievable", kind: foi.KindRefusal, weight: 60, hedgeable: true, implies: "s12",
		re: rx(`\bnot (?:(?:held|recorded|stored|kept|available) )?(?:in|within) (?:a|an) (?:readily |easily |reasonably )?(?:retrievable|searchable|accessible|extractable) (?:format|form|manner)\b|\bdoes not hold (?:this |the |that |any )?(?:information|data) in (?:a|an) (?:readily |easily )?retrievable (?:format|form)\b|\bnot (?:routinely|centrally) (?:collated|recorded|held)\b`)},
	// "I can confirm that Dyfed-Powys Police does hold the information you
	// have requested. However, we are withholding ...": the letter says
	// what it has and that it will not give it.
	{name: "refusal:held-not-disclosed", kind: foi.KindRefusal, weight: 80,
		re: rx(`\b(?:does|do) hold (?:the|this|that|any) (?:requested )?information[^.]{0,60}?[.,;] ?(?:however|but),? (?:we|i) (?:are|am|will be|have) (?:withholding|exempting|not (?:able|obliged) to)\b|\b(?:is|are) held by [^.]{0,40}?,? (?:however|but),? (?:it |this |they )?(?:cannot|can not|will not|could not) be (?:disclosed|released|provided)\b`),
		// "... however cannot be disclosed in full": a part is given.
		veto: rx(`^\s*in full\b`)},
	{name: "refusal:s12-title", kind: foi.KindRefusal, weight: 80, implies: "s12",
		re: rx(`\bexemption where (?:the )?cost of compliance exceeds (?:the )?appropriate limit\b|\bexcessive cost of compliance\b`)},
	{name: "refusal:section-12", kind: foi.KindRefusal, weight: 60, hedgeable: true, implies: "s12",
		re: rx(`\b(?:section|s\.?) ?12 ?\(\d\)`)},
	{name: "refusal:cost-figures", kind: foi.KindRefusal, weight: 45, hedgeable: true, implies: "s12",
		re: rx(`£ ?450\b|\b18 hours\b|\b(?:appropriate|cost) limit\b|£ ?600\b|\b(?:too costly|fees? regulations)\b`)},
	{name: "refusal:identification", kind: foi.KindRefusal, weight: 45,
		re: rx(`\b(?:could|would|might|may) (?:potentially )?lead to the identification\b|\blow numbers\b`)},
	{name: "refusal:advice-assistance", kind: foi.KindRefusal, weight: 40,
		re: rx(`\bsection 16\b[^.\n]{0,15}(?:advice|assistance)|\badvice (?:and|&) assistance\b`)},

	// --- Not held. ---
	// "We do not record this information", "we do not collate such
	// information": not held, in the words of the recording systems.
	{name: "not-held:not-recorded", kind: foi.KindNotHeld, weight: 70, hedgeable: true,
		re:   rx(`\b(?:we|force|constabulary|police|service) do(?:es)? not (?:record|collate|capture|retain) (?:this|that|such|the|any)\b|\bour answer,? on this occasion,? (?:must be|is) no information held\b`),
		veto: notRetrievable},
	// "The detainee's religion is not recorded on the custody system": a
	// part not held, in the words of a system. Weaker than a statement of
	// the whole: beside an answer it makes the answer partial.
	{name: "not-held:not-on-system", kind: foi.KindNotHeld, weight: 55, hedgeable: true,
		re:   rx(`\b(?:is|are) not (?:recorded|captured|collated|held|logged) (?:on|in|within) (?:(?:the|our|any|its) )?(?:[\w-]+ ){0,3}(?:systems?|database|records?)\b`),
		veto: notRetrievable},
	// "We do not hold 'a list of funds' requested from organisations":
	// something named is not held. Weaker than "we do not hold the
	// information": beside an answer it makes the answer partial.
	{name: "not-held:named-thing", kind: foi.KindNotHeld, weight: 55, hedgeable: true,
		re:   rx(`\b(?:we|i|the (?:council|trust|force|department|authority|service|commission)) do(?:es)? not hold ['"‘“]?(?:a|an|any) [\w-]+`),
		veto: notRetrievable},
	// One row of an answer not held among rows of figures ("2019 – Not
	// Held in line with our retention schedule", "2020 - 207"); with them,
	// a partial response.
	{name: "not-held:row", kind: foi.KindNotHeld, weight: 55,
		re: rawRx(`(?im)^[ \t]*(?:(?:19|20)\d\d(?:[/-]\d{2,4})?|q(?:uestion)? ?\d{1,2}[a-z]?)[ \t]*[–—:-][ \t]*(?:information )?not (?:held|recorded)\b`)},
	// "Information regarding the number of meals thrown away is not
	// held", "No data is held on the expenditure": a named part not held.
	// Weaker than a statement of the whole: beside an answer it makes the
	// answer partial.
	{name: "not-held:named-part", kind: foi.KindNotHeld, weight: 55, hedgeable: true,
		re:   rx(`\binformation (?:regarding|about|on|relating to|in relation to|in respect of) [^.\n]{1,80}? (?:is|was) not held\b|\bno (?:data|information|records?) (?:is|are|was|were) held (?:on|for|about|regarding|in relation to|in respect of)\b`),
		veto: notRetrievable},
	// "LFR don't keep a record of why an appliance would be off the run":
	// one thing asked is not recorded. It only supports: beside an answer
	// it makes the answer partial.
	{name: "not-held:no-record-of", kind: foi.KindNotHeld, weight: 50, hedgeable: true,
		re: rx(`\b(?:do not|don't|does not|doesn't) (?:keep|hold|maintain) (?:a )?records? of (?:why|how|what|when|where|which|who)\b`)},
	// "I can confirm that SYFR does not hold any national reference
	// material": whoever the body is called.
	{name: "not-held:confirm-not-hold", kind: foi.KindNotHeld, weight: 75, hedgeable: true,
		re:   rx(`\bconfirm that (?:the )?[\w&'’ -]{1,60}? do(?:es)? not hold\b`),
		veto: notRetrievable},
	{name: "not-held:not-held", kind: foi.KindNotHeld, weight: 85, hedgeable: true,
		re: rx(`\b(?:information|data)(?: (?:you have |you )?requested| you seek| sought)? is not held\b|\bno records? (?:of (?:these|this|that|them|such) )?(?:is|are|was|were) held\b|\bthere (?:is|are) no such (?:policy|policies|documents?|records?|information|data|reports?|agreements?|contracts?|guidance|procedures?)\b|\bthere (?:is|are|were) no (?:minutes|records?|documents?|information|data|reports?) (?:available|held|recorded)\b|\b(?:does|do) not (?:yet |currently )?hold(?: or have access to)? (?:any |the |this |that )?(?:recorded )?(?:information|data)\b|\b(?:does|do) not (?:keep|maintain) (?:any )?records? (?:of|on)\b|\b(?:does|do) not have (?:this|the|that|any|such) (?:information|data)\b|\bno (?:recorded )?information (?:(?:relevant|relating|pertaining) to (?:your|this|the) request |(?:in relation to|in respect of|regarding|about|on|within the scope of) (?:your|this|the) request )?(?:is |was )?held\b|\bnotice that (?:the )?information is not held\b|\bholds? no (?:recorded )?(?:information|documentation|documents|records|notes|data)\b|\b(?:we|i) hold none\b|\bno such (?:notes|records|minutes|documents?|reports?) (?:were|was|have been|has been) (?:taken|made|kept|created|produced|written)\b`),
		// "We do not hold the information requested electronically and
		// obtaining it would involve a manual trawl": a cost refusal.
		veto: rx(`^[^.]{0,40}?(?:retrievable|centrally|electronically|in (?:a|the) (?:format|form))`)},

	// --- Responses. ---
	{name: "response:please-find-information", kind: foi.KindResponse, weight: 85,
		re: rx(`\bplease (?:now )?find (?:attached |enclosed |below )?(?:the |our )?(?:[\w-]+ ){0,2}(?:information|data|figures|statistics|spreadsheet|table|results|documents?)\b`)},
	// "Further to your email of 15 December, we are now in a position to
	// respond": the answer follows.
	{name: "response:now-responding", kind: foi.KindResponse, weight: 50,
		re: rx(`\b(?:we are|i am) now (?:in a position|able) to (?:respond|reply|provide (?:you with )?(?:a|our|the) response)\b`)},
	{name: "response:able-to-disclose", kind: foi.KindResponse, weight: 85, hedgeable: true,
		re: rx(`\b(?:i|we) (?:am|are) (?:able|pleased|happy) to (?:disclose|provide|release|supply)\b|\b(?:i|we) (?:can|will) (?:now )?(?:disclose|release)\b`)},
	// "The information you requested is attached", "the requested
	// information is provided below".
	{name: "response:information-is-attached", kind: foi.KindResponse, weight: 85, pointer: true,
		re: rx(`\b(?:the )?(?:requested )?(?:information|data|figures) (?:(?:that )?you (?:have )?requested |(?:that )?you (?:have )?asked for |requested |sought )?(?:is|are|has been|have been) (?:attached|enclosed|(?:provided |set out |shown |detailed )?below)\b`)},
	// "Please find attached acknowledgement letter", "please find attached
	// our acknowledgement for your request", "Please see attached, an
	// acknowledgement letter", "please see the attached letter in
	// acknowledgement": the attachment acknowledges.
	{name: "ack:attached-acknowledgement", kind: foi.KindAcknowledgement, weight: 85, pointer: true,
		re: rx(`\bplease (?:find|see) (?:the )?(?:attached|enclosed),? (?:(?:our|an|the|your|a) )?(?:formal |written )?(?:acknowledge?ment|letter (?:in|of) acknowledge?ment)\b|\b(?:a )?copy of (?:(?:our|an|the|your) )?acknowledge?ment(?: letter)? (?:is )?(?:attached|enclosed)\b`)},
	{name: "response:see-attached", kind: foi.KindResponse, weight: 75, pointer: true,
		re: rx(`\b(?:please see|(?:please )?refer to) (?:the )?(?:attached|enclosed) (?:table|spreadsheet|document|information|data|file|response|figures)\b`),
		// "Please see the attached information sheet for details of your
		// right to appeal": a leaflet, not the answer.
		veto: notTheAnswer},
	{name: "response:response-below", kind: foi.KindResponse, weight: 45,
		re: rx(`\bplease find (?:the |our )?(?:[\w&'-]+ ){0,4}response(?: to your request)? (?:set out )?below\b`)},
	{name: "response:attached-response", kind: foi.KindResponse, weight: 80, pointer: true,
		re: rx(`\bplease (?:find|see) (?:attached|enclosed) (?:is )?(?:our|the) (?:response|reply|pdf|disclosure)\b|\bplease (?:find|see) (?:our|the) (?:response|reply)(?: to your [^.]{1,50}?)? (?:attached|enclosed)\b`)},
	{name: "response:goodwill", kind: foi.KindResponse, weight: 85,
		re: rx(`\bgesture of goodwill\b|\b(?:continued|decided|chosen|been able) to (?:provide|disclose|release|supply) (?:some )?(?:of the )?(?:requested )?(?:information|figures|data)\b`)},
	{name: "response:provided", kind: foi.KindResponse, weight: 80,
		re: rx(`\b(?:i|we) have (?:now )?(?:supplied|provided|included|released|disclosed) (?:you with )?(?:the |some |this |that |all )?(?:relevant |requested )?(?:information|figures|data|statistics|numbers)\b|\b(?:figures|information|data) (?:has|have) been (?:provided|included|supplied|given) (?:below|at the end|in the (?:table|attached))|\b(?:can|are able to|is able to) (?:supply|provide) the following information\b|\b(?:can|am able to|are able to|is able to) (?:now )?provide (?:you with )?(?:the |some )?(?:information|figures|data)(?: (?:you )?requested)? (?:for|in relation to|in respect of|regarding) (?:questions?|parts?|points?|q) ?\d`)},
	{name: "response:can-provide-number", kind: foi.KindResponse, weight: 75, hedgeable: true,
		re: rx(`\b(?:can|am able to|are able to|is able to) (?:now )?provide (?:you with )?the (?:number|figures?|total|numbers)\b`)},
	// Disclosure-log letters lay out the request and the answer: "Below is
	// your request and our response", "Below are the questions raised in
	// your request and our response", "our response is provided below".
	// Refusals use the same layout, so the rule only supports.
	{name: "response:qa-layout", kind: foi.KindResponse, weight: 40,
		re: rx(`\bbelow (?:is|are) (?:your request|the questions raised in your request),? and (?:our|the) (?:response|answers?)\b|\b(?:our|the) (?:response|answers?) (?:is|are) (?:provided|given|set out) below\b|\bplease see our (?:response|answers?) below\b|\b(?:has|have) responded accordingly\b`)},
	// "Having made enquiries within the Force we have attached a document",
	// "Please find attached.": the answer is in an attachment, which may
	// still be a refusal, so the rule only supports.
	{name: "response:attached", kind: foi.KindResponse, weight: 55, pointer: true,
		re: rx(`\b(?:we|i) have (?:now )?(?:attached|enclosed) (?:a|the|an|our)\b|\b(?:we|i|and) (?:now )?(?:attach|enclose) (?:a|the|an|our|copies|a copy)\b|\bplease (?:find|see) (?:the )?(?:attached|enclosed)\b`),
		// "Please find attached further details on FoI with a summary of
		// our policy", "I enclose a sheet which summarises your rights":
		// a leaflet, not the answer.
		veto: notTheAnswer},
	// "Below are the figures", "the below figures relate only to",
	// "Below is the headcount".
	{name: "response:figures-below", kind: foi.KindResponse, weight: 60,
		re: rx(`\b(?:below|above) (?:is|are) the (?:figures|numbers|totals|data|headcount|breakdown|results|statistics)\b|\bthe (?:below|above) (?:figures|numbers|totals|table|data)\b`)},
	// "below is all the information we have been able to retrieve", "the
	// information provided above is all that we have been able to retrieve".
	{name: "response:all-retrieved", kind: foi.KindResponse, weight: 70,
		re: rx(`\ball (?:the information |that )?(?:we|i) (?:have been|were|was|am|are) able to (?:retrieve|locate|find|obtain)\b`)},
	// Figures in the body: two lines of "year – number" ("2012 – 80",
	// "2021/22 – 6258") or of a year and its columns ("2019/20 4 0"), or
	// a column of bare numbers or sums, one per line, as tables come out
	// of web pages ("314 |", "£512,030.50" with blank lines between).
	{name: "response:year-figures", kind: foi.KindResponse, weight: 55,
		re: rawRx(`(?m)(?:^[ \t]*(?:FY ?)?(?:19|20)\d\d(?:[/-]\d{2,4})?[ \t]*[–—:-][ \t]*\d[\d,]*[ \t]*(?:\n|$)[ \t]*(?:FY ?)?(?:19|20)\d\d(?:[/-]\d{2,4})?[ \t]*[–—:-][ \t]*\d)|(?:(?:19|20)\d\d ?[–—-] ?\d[\d,]*, (?:19|20)\d\d ?[–—-] ?\d)|(?:^[ \t]*(?:FY ?)?(?:19|20)\d\d(?:[/-]\d{2,4})?(?:[ \t]+£?\d[\d,.]*)+[ \t]*\n[ \t]*(?:FY ?)?(?:19|20)\d\d(?:[/-]\d{2,4})?(?:[ \t]+£?\d[\d,.]*)+[ \t]*$)|(?i:^[ \t]*(?:\(?[a-z0-9]{1,2}[.)][ \t]*)?(?:19|20)\d\d(?:[/-]\d{2,4})?[ \t]*[–—:-][ \t]*(?:\d[\d,]*|none|nil|zero|one|two|three)\b[^\n]{0,40}\n(?:[ \t]*\n)?[ \t]*(?:\(?[a-z0-9]{1,2}[.)][ \t]*)?(?:19|20)\d\d(?:[/-]\d{2,4})?[ \t]*[–—:-][ \t]*(?:\d|none|nil|zero|one|two|three)\b)`)},
	// Numbered answers that are figures, three in a row: "10. 0", "11. 1
	// withdrawn", "12. £1,250". Bare four-digit numbers are left out: a
	// numbered list of years is a request's.
	{name: "response:numbered-figures", kind: foi.KindResponse, weight: 50,
		re: rawRx(`(?m)^[ \t]*\d{1,2}[.)][ \t]+(?:£\d[\d,.]*|\d{1,3}(?:,\d{3})*(?:\.\d+)?%?)[^\n\d]{0,30}(?:\n(?:[ \t]*\n)?[ \t]*\d{1,2}[.)][ \t]+(?:£\d[\d,.]*|\d{1,3}(?:,\d{3})*(?:\.\d+)?%?)[^\n\d]{0,30}){2}$`)},
	{name: "response:figure-column", kind: foi.KindResponse, weight: 50,
		re: rawRx(`(?m)^[ \t]*£?\d[\d,.]*[ \t]*\|?[ \t]*(?:\n(?:[ \t]*\n)?[ \t]*£?\d[\d,.]*[ \t]*\|?[ \t]*){2}$`)},
	// North Yorkshire, Durham: "I have today decided to disclose the located
	// information to you (in full as follows)". Without "in full" the same
	// template introduces exemptions too.
	{name: "response:decided-disclose", kind: foi.KindResponse, weight: 60,
		re: rx(`\bdecided to disclose the (?:located |requested )?information\b`)},
	// The same template's refusal: "I have today decided not to disclose
	// the located information to you".
	{name: "refusal:decided-not-disclose", kind: foi.KindRefusal, weight: 80,
		re: rx(`\bdecided (?:not to|to not) (?:disclose|release|provide) the (?:located |requested )?information\b|\bdecided to exempt (?:the|this|all) (?:located |requested )?information\b`)},
	{name: "response:disclose-in-full", kind: foi.KindResponse, weight: 85,
		re: rx(`\bdisclose the (?:located |requested )?information (?:to you )?in full\b|\binformation is (?:being )?disclosed in full\b`)},
	// "the information requested is provided below", "the figures are set
	// out in the table", "I have detailed the information below".
	// "The following table provides a breakdown", "the attached table
	// shows the number".
	{name: "response:table-provides", kind: foi.KindResponse, weight: 80,
		re: rx(`\b(?:the|this) (?:following|attached|enclosed|below) (?:table|spreadsheet)s? (?:provides?|shows?|gives?|details?|sets? out|contains?|lists?)\b`)},
	{name: "response:info-set-out", kind: foi.KindResponse, weight: 70,
		re: rx(`\b(?:information|figures|data|details|answers?|numbers)(?: (?:you (?:have )?requested|requested|sought))? (?:is|are|can be|has been|have been) (?:provided|given|set out|shown|detailed|listed|supplied|included) (?:below|above|overleaf|in (?:the|a) (?:attached|enclosed|following|below) (?:table|spreadsheet|document))\b|\b(?:i|we) have (?:set out|detailed|listed|tabulated) (?:below|the (?:information|figures|data|answers?))\b|\bset out below (?:is|are) (?:our|the) (?:responses?|answers?|information)\b`)},
	{name: "response:there-were", kind: foi.KindResponse, weight: 55,
		re: rx(`\bthere (?:were|are|was|is|have been) (?:currently )?(?:a total of )?(?:approximately |around |about |roughly )?\d[\d,]*\b`)},
	{name: "response:as-follows", kind: foi.KindResponse, weight: 60,
		re: rx(`\b(?:information|figures|data|answers?|results?|details) (?:you (?:have )?requested |requested )?(?:is|are|was|were) as follows\b|\bplease see (?:the )?(?:table |figures |information |answers? |response )?below\b|\bplease see below\b|\b(?:is|are) (?:detailed|shown) (?:as follows|in the (?:table|tables|spreadsheet) below)\b|\bplease (?:see|find) (?:the |my |our )?(?:information|answers?|responses?|replies|figures)(?: (?:you )?(?:have )?requested)?(?: \(?in (?:red|blue|green|bold|italics)\)?)? below\b|\bplease (?:see|find) below (?:\(?in (?:red|blue|green|bold|italics)\)? )?(?:the |our |my )?(?:information|answers?|responses?|figures)\b|\bthe answers (?:are|have been (?:added|written|given)) (?:below|in red|in blue|next to (?:the|each|your) questions?)\b|\bour response (?:to your request )?is as follows\b|\bplease find (?:this|these|it|them) below\b|\b(?:i|we) (?:can|am able to|are able to) (?:now )?respond as follows\b`)},
	// "therefore this is a nil return": the answer is none.
	{name: "response:nil-return", kind: foi.KindResponse, weight: 60,
		re: rx(`\b(?:is|as) a nil return\b|\bnil return (?:is|has been) (?:made|given|provided)\b`)},
	{name: "response:number-was", kind: foi.KindResponse, weight: 55,
		re: rx(`\b(?:the )?(?:total )?number of [^.\n]{1,80}? (?:is|was|were|are|totals?|stands at) \d[\d,]*\b`)},
	{name: "response:can-confirm", kind: foi.KindResponse, weight: 50,
		re: rx(`\b(?:i|we|the (?:[a-z]+ ){0,3}[a-z]+) can confirm that [^.\n]{0,60}?\b(?:\d[\d,]*|has|have|had|holds?|recorded|received|uses?|used)\b`),
		// "I can confirm that the information you have requested is not
		// held": a confirmation that nothing is held.
		veto:   rx(`^[^.\n]{0,60}?\b(?:not|no)\b|^[^.]{0,80}?[.,;]? ?\b(?:however|but)\b[^.]{0,60}?` + withholdingWords),
		reject: rx(`\b(?:not|no)\b`)},
	// "In response to your request, I can confirm that the Drainage
	// Council is a non-departmental public body": the answer begins.
	{name: "response:in-response-confirm", kind: foi.KindResponse, weight: 60,
		re:   rx(`\bin (?:response|answer|reply) to your (?:request|questions?|e-?mail),? (?:i|we) (?:can|am able to|are able to|would like to) (?:confirm|advise|inform you|provide)\b`),
		veto: rx(`^[^.\n]{0,100}?\b(?:not|no)\b|^[^.]{0,100}?\b(?:receipt|received|acknowledge)`)},
	{name: "response:suppressed", kind: foi.KindResponse, weight: 40,
		re: rx(`(?:^|\s)(?:<|&lt;) ?5\b|\bless than (?:5|five)\b|\bfewer than (?:5|five)\b`)},
	{name: "response:located", kind: foi.KindResponse, weight: 70,
		re: rx(`\b(?:has|have) (?:located|identified|found|retrieved) the following information\b|\bthe following information (?:is|has been) (?:provided|disclosed)\b`)},
	{name: "response:response-heading", kind: foi.KindResponse, weight: 30,
		re: rx(`(?m)^\s*(?:response to your request|in response:)`)},
	{name: "response:answers", kind: foi.KindResponse, weight: 60,
		re: rx(`\bplease find (?:below|attached) (?:the )?answers? to your (?:questions?|request)\b|\bplease see (?:the |our )?(?:responses?|answers?) to (?:each of )?your questions? below\b|\b(?:answers|responses) to your questions? (?:are|is) (?:below|as follows|attached)\b`)},
	{name: "response:figures-caveat", kind: foi.KindResponse, weight: 55,
		re: rx(`\bevery effort is made to ensure that the figures\b|\b(?:these|the) (?:data|figures) should be (?:interpreted|treated|used) with caution\b|\bfigures provided (?:therefore )?are our best interpretation\b`)},
	{name: "response:information-held", kind: foi.KindResponse, weight: 50,
		re: rx(`(?:\bwhether\b[^.]{0,60}?)?\bholds (?:the )?information (?:relevant to|you have requested)\b|\bconfirm that (?:the )?information (?:you have requested )?is held\b|\b(?:we|i) confirm that (?:the )?[\w ]{2,40}? holds the information\b|\bwhich is as (?:below|follows)\b`),
		// "... is held by Northumbria Police however cannot be
		// disclosed": held, and withheld.
		veto: heldWithheld,
		// "An initial investigation is taking place into whether the Trust
		// holds the information you have requested": not yet known. The
		// pattern takes "whether" in so that the match can be rejected.
		reject: rx(`^whether\b`)},
	{name: "response:table-rows", kind: foi.KindResponse, weight: 35,
		re: rawRx(`(?m)^[^\n\d]{0,40}\d+(?:,\d{3})*[ \t]+\d+(?:,\d{3})*[ \t]+\d+(?:,\d{3})*(?:[ \t]|$)`),
		// A telephone number in a letterhead or signature is not a row of
		// figures, however it is labelled ("• Office: 0300 303 3344").
		reject: rx(`^[ \t]*(?:tel(?:ephone)?|phone|fax|mobile|ffôn|ffacs|dx|[tfm] ?:)|(?:^|[^\d,])0\d{2,4}[ \t]\d{3,4}[ \t]\d{3,4}[ \t]*$`)},
	{name: "response:heading", kind: foi.KindResponse, weight: 30,
		re: rawRx(`(?im)^[ \t]*(?:our )?(?:response|answer)[ \t]*(?::|$)`)},
	{name: "response:legal-preamble", kind: foi.KindResponse, weight: 30,
		re: rx(`\bprovides public access to information held by public authorities\b|\bpublic authorities have an obligation to confirm or deny\b`)},
	// "does hold part of the information you have requested", "Essex
	// Police holds some of the information", "pleased to provide the
	// majority in the accompanying table".
	{name: "partial:part-held", kind: foi.KindPartialResponse, weight: 85,
		// "... does hold some of the information that you have requested.
		// However, ... the information is exempt under Section 12": held,
		// and refused whole.
		veto: heldWithheld,
		re:   rx(`\b(?:(?:do(?:es)?|we) hold|holds) (?:only )?(?:part|some) of the (?:requested )?information\b|\b(?:do(?:es)?|we) hold (?:only )?some information (?:to which|relevant to|relating to|in relation to)\b|\bonly (?:able|possible) to provide (?:the )?(?:information|data|figures) (?:from|since|for the period)\b|\b(?:provide|disclose|release|supply) the majority of (?:the|this|that) (?:requested )?information\b|\b(?:pleased|able) to (?:provide|disclose|release|supply) the majority\b`)},
	{name: "partial:explicit", kind: foi.KindPartialResponse, weight: 85, hedgeable: true,
		re: rx(`\b(?:disclose|provide|release|supply) (?:you with )?some of the (?:requested )?information\b|\b(?:cannot|can not|will not|could not|is not|are not) (?:be )?(?:disclosed|provided|released) in full\b|\bsome of the information (?:requested|you (?:have )?requested|(?:held )?within the scope of (?:your|the|this) request)(?: by you)? is,? (?:however,? )?(?:considered (?:to be )?)?exempt\b|\b(?:we|i) have (?:enclosed|attached|provided|included|disclosed|released) (?:you with )?(?:some|most|part) of the (?:requested )?information\b|\b(?:for|in respect of|in relation to) the remainder of (?:the|your|this) request\b|\bdoes not affect (?:our|the force's|the) (?:legal )?right to rely\b|\b(?:some|part) of the (?:requested )?(?:information|data) (?:is|has been|have been) (?:withheld|exempt|redacted)\b|\bsome (?:[\w-]+ ){0,3}(?:data|information|details) (?:has|have) been (?:withheld|redacted|removed)\b|\b(?:we|i) have redacted\b|\b(?:partially|partly) (?:disclosed|withheld|exempt|refused|complied)\b|\bpartial (?:disclosure|refusal)\b|\bsome (?:of the )?(?:requested )?information (?:is|has been) (?:withheld|exempt|redacted)\b|\bdisclosed in part\b|\bsome of the (?:requested )?information (?:(?:you )?(?:have )?requested )?(?:has|have) not been (?:provided|disclosed|released|supplied)\b|\bsome of the (?:requested )?information (?:(?:you )?(?:have )?requested )?(?:is|was) not (?:centrally )?(?:recorded|held|retrievable|available)\b`)},
	// "Provisional Census figures have been redacted under Section 22A",
	// "Where information has been redacted, the relevant exemption has
	// been noted", "the minutes have had the details of officers
	// redacted", "commercially confidential information is also
	// redacted": what was released carries redactions. ("Where" here
	// reports what was done; it is not a condition.)
	{name: "partial:redacted", kind: foi.KindPartialResponse, weight: 80,
		re: rx(`\b(?:has|have) been redacted\b|\bhave had [^.]{1,80}? redacted\b|\bredactions? (?:has|have) been (?:made|applied)\b|\b(?:is|are) also redacted\b`)},
	// Phrase families for the part withheld after an answer: "we are
	// withholding some of the requested information", "exempting part of
	// that information", "for anything else we would rely on", "holds
	// further information in relation to your request however, I am not
	// obliged", "neither confirm nor deny that it holds any other
	// information", "this letter acts as a refusal notice to those aspects
	// of your request".
	{name: "partial:withholding-some", kind: foi.KindPartialResponse, weight: 85, hedgeable: true,
		re: rx(`\b(?:withholding|exempting|redacting|withhold|exempt) (?:some|part|parts) of (?:the|that|this|your) (?:requested )?(?:information|request)\b`)},
	{name: "partial:anything-else", kind: foi.KindPartialResponse, weight: 85,
		re: rx(`\bfor (?:anything|everything) else (?:we|i) (?:would |will )?rely on\b|\bfor (?:questions?|q|parts?) ?\d[^.\n]{0,20}?(?:we|i) (?:would |will )?rely on\b|\b(?:above|below) is all the information (?:we|i) hold\b`)},
	{name: "partial:further-information", kind: foi.KindPartialResponse, weight: 85,
		re: rx(`\bholds? (?:further|additional|addition|other|more) information (?:in relation|relevant|relating) to your request\b|\b(?:confirm|deny) (?:that|whether) (?:it|we) holds? any (?:other|further|additional) information\b`)},
	{name: "partial:those-aspects", kind: foi.KindPartialResponse, weight: 85,
		re: rx(`\brefusal notice (?:for|in respect of|in relation to|to) (?:questions?|q|parts?|points?) ?\d|\b(?:the )?(?:remainder|rest) of the (?:requested )?information (?:is|has been|will be|can be) (?:provided|disclosed|supplied|attached|given|released)\b|\brefusal notice (?:to|for|in respect of|in relation to) (?:those|these|the following|certain|some) (?:aspects|parts|elements|questions)\b`)},
}

// subjectRules are tried on the subject only. WhatDoTheyKnow subjects carry
// the requester's own title, so only prefixes added by mail systems and
// forces are trusted.
var subjectRules = []rule{
	{name: "subject:automatic-reply", kind: foi.KindAutoReply, weight: 60,
		re: rx(`^(?:(?:re|fw|fwd): )*(?:automatic reply|auto(?:matic)?[- ]?(?:reply|response)|out of (?:the )?office|ooo)\b`)},
	{name: "subject:internal-review", kind: foi.KindInternalReview, weight: 70,
		re: rx(`^(?:(?:re|fw|fwd): )*(?:internal review|review of (?:freedom of information|foi))\b|\b(?:foi|foia|foisa|eir|internal) review$`)},
	{name: "subject:acknowledgement", kind: foi.KindAcknowledgement, weight: 50,
		re: rx(`^(?:(?:re|fw|fwd): )*(?:\S+ ){0,6}acknowledge?ment\b`)},
}

// fromRules are tried on the sender.
var fromRules = []rule{
	{name: "from:mailer-daemon", kind: foi.KindOther, weight: 90,
		re: rx(`\b(?:mailer-daemon|postmaster)@`)},
	{name: "from:no-reply", kind: foi.KindAutoAcknowledgement, weight: 30,
		re: rx(`\b(?:no-?reply|do-?not-?reply)\b`)},
}

// notTheAnswer follows "attached" or "enclosed" when what is attached is
// not the answer: "an update on your request", an acknowledgement, a
// leaflet or information sheet on the requester's rights, "further details
// on FoI with a summary of our policy".
var notTheAnswer = rx(`^,? ?(?:an update\b|(?:an? |our |the )?(?:acknowledge?ment|letter (?:in|of) acknowledge?ment)\b|further details (?:on|of|about) (?:foi|freedom of information|the act)|(?:a |our |an )?(?:leaflet|information sheet|sheet which|sheet that|guidance note|summary of (?:our|your|the))|(?:a )?(?:copy|summary) of (?:our|the) (?:policy|procedures?|complaints?|appeals?)|sheet\b)`)

// pointerBesideLetter is the most a pointer to an attachment counts when
// the letter attached says nothing the rules know.
const pointerBesideLetter = 30

// hedgeRe finds conditional wording in the sentence around a match.
// "should" counts only as an inverted condition ("should the cost exceed"),
// not in "it should be noted"; "if" not after a verb of finding out, where
// it means "whether" ("to determine if ... would exceed the limit").
var (
	hedgeRe = rx(`\b(?:if|where|unless|may|might|could|should (?:the|it|we|this|your|any|that)|in such cases|in some circumstances|can apply|(?:have|has) the right to|in the (?:unlikely )?event (?:that|of))\b`)
	// politeIfRe: "if" and a modal after words of thanks ("I would be
	// grateful if you could consider granting an extension") ask; they set
	// no condition.
	politeIfRe  = rx(`\b(?:grateful|appreciate(?: it)?|obliged)(?: if you)?\s*$`)
	ifWhetherRe = rx(`\b(?:determine|establish|ascertain|check|see|identify|confirm|know|assess|find out|verify)\s*$`)
	// exemptionWhereRe: "where" in the title of s.12, "Exemption where cost
	// of compliance exceeds appropriate limit", is not a condition.
	exemptionWhereRe = rx(`\bexemptions?\s*$`)
	ifHeldRe         = rx(`^ (?:held|any)\b`)
	noneWhereRe      = rx(`\bno (?:incidences?|incidents?|cases?|occasions?|instances?|records?)\s*$`)
	// indicativeRe: the match's own verb is indicative ("... which may
	// undermine our systems, is exempt under section 24"): a modal
	// earlier in the sentence belongs to another clause.
	indicativeRe = rx(`\b(?:is|are)\s*$`)
	// listItemRe: a line opened as an item of a numbered or bulleted list.
	listItemRe = rawRx(`^[ \t]*(?:\d{1,2}[.)]|[-•*–])[ \t]`)
	// asideRe: a modal in an aside to the reader ("you may be aware").
	asideRe = rx(`^(?:may|might) (?:be aware|know|recall|remember)\b`)
	// relativeRe opens a clause that explains what came before it.
	relativeRe    = rx(`,\s*(?:whereby|which|as this|because)\b`)
	monthBeforeRe = rawRx(`\d(?:st|nd|rd|th)?\s*$`)
	monthAfterRe  = rawRx(`^,?\s*\d`)
)

// matchRules runs rules over text and adds their evidence to c.
func matchRules(c *collector, rules []rule, text string, src Source) {
	if text == "" {
		return
	}
	folded := fold(text)
	for i := range rules {
		r := &rules[i]
		if !r.re.pass(folded) {
			continue
		}
		hedged := ""
		counted := false
		for _, loc := range r.re.FindAllStringIndex(text, matchesPerRe) {
			if r.veto != nil && r.veto.MatchString(text[loc[1]:min(len(text), loc[1]+120)]) {
				continue
			}
			if r.reject != nil && r.reject.MatchString(text[loc[0]:loc[1]]) {
				continue
			}
			if r.notListed && listItemRe.MatchString(text[strings.LastIndexByte(text[:loc[0]], '\n')+1:loc[0]]) {
				continue
			}
			if r.hedgeable {
				if h := hedgeIn(text, loc[0], loc[1]); h != "" {
					if hedged == "" {
						hedged = text[loc[0]:loc[1]] + "|" + h
					}
					continue
				}
			}
			e := Evidence{Rule: r.name, Kind: r.kind, Weight: r.weight, Source: src, Phrase: phrase(text[loc[0]:loc[1]])}
			switch {
			case r.pointer && c.letters && src == SourceBody:
				e.Weight, e.Note = 0, "points to the attached letter, which was read: not counted"
			case r.pointer && c.attached && src == SourceBody:
				// The letter says nothing the rules know: the pointer says
				// where the answer is, not what it is, so it yields to
				// anything else the reply says (its subject).
				e.Weight, e.Note = min(e.Weight, pointerBesideLetter), "points to an attached letter the rules could not read: counts little"
			}
			if r.kind == "" {
				c.mark(e)
			} else {
				c.add(e)
			}
			counted = true
			break
		}
		if !counted && hedged != "" {
			p, h, _ := strings.Cut(hedged, "|")
			c.add(Evidence{Rule: r.name, Kind: r.kind, Source: src, Phrase: phrase(p),
				Note: "conditional wording (" + phrase(h) + "): not counted"})
		}
	}
}

// matchIgnored runs the body rules over removed text and records up to limit
// matches, which do not count. It returns how many it recorded.
func matchIgnored(c *collector, text string, src Source, limit int) int {
	n := 0
	folded := fold(text)
	for i := range bodyRules {
		if n >= limit {
			break
		}
		r := &bodyRules[i]
		if r.kind == "" || r.weight < 60 || !r.re.pass(folded) {
			continue
		}
		loc := r.re.FindStringIndex(text)
		if loc == nil {
			continue
		}
		c.add(Evidence{Rule: r.name, Kind: r.kind, Weight: r.weight, Source: src,
			Phrase: phrase(text[loc[0]:loc[1]]), Note: "in " + string(src) + " text: not counted"})
		n++
	}
	return n
}

// hedgeIn returns the conditional word in the sentence holding text[start:end],
// or "".
func hedgeIn(text string, start, end int) string {
	from := sentenceStart(text, start)
	to := sentenceEnd(text, end)
	s := text[from:to]
	for _, m := range hedgeRe.FindAllStringIndex(s, 8) {
		w := s[m[0]:m[1]]
		if strings.EqualFold(w, "if") && ifWhetherRe.MatchString(s[max(0, m[0]-24):m[0]]) {
			continue
		}
		// "grateful if you could": a request, not a condition.
		if politeIfRe.MatchString(s[max(0, m[0]-32):m[0]]) {
			continue
		}
		// "if held", "if any": the information, not the rule, is in doubt.
		if strings.EqualFold(w, "if") && ifHeldRe.MatchString(s[m[1]:min(len(s), m[1]+12)]) {
			continue
		}
		// "no incidences where ...": a relative clause, not a condition.
		if strings.EqualFold(w, "where") && noneWhereRe.MatchString(s[max(0, m[0]-24):m[0]]) {
			continue
		}
		if strings.EqualFold(w, "where") && exemptionWhereRe.MatchString(s[max(0, m[0]-24):m[0]]) {
			continue
		}
		// "26 May 2016", "May 2016": the month, not the modal.
		if w == "May" && (monthBeforeRe.MatchString(s[max(0, m[0]-4):m[0]]) || monthAfterRe.MatchString(s[m[1]:min(len(s), m[1]+6)])) {
			continue
		}
		// "exempt under Section 22(1) ..., whereby information is exempt
		// from release if ...": a condition in a clause that explains the
		// law after the match does not condition the match.
		if from+m[0] >= end && relativeRe.MatchString(text[end:from+m[0]]) {
			continue
		}
		if modal := strings.ToLower(w); (modal == "may" || modal == "might" || modal == "could") &&
			from+m[1] <= start && indicativeRe.MatchString(text[max(0, start-8):start]) {
			continue
		}
		// "As you may be aware, ...", "as you may know": an aside to the
		// reader, not a condition.
		if asideRe.MatchString(s[m[0]:min(len(s), m[1]+12)]) {
			continue
		}
		return w
	}
	return ""
}

// sentenceStart finds the start of the sentence holding text[i], looking
// back at most 300 bytes.
func sentenceStart(text string, i int) int {
	lo := max(0, i-300)
	for j := i - 1; j > lo; j-- {
		switch text[j] {
		case '.', '?', '!', ';':
			if j+1 < len(text) && (text[j+1] == ' ' || text[j+1] == '\n') {
				return j + 1
			}
		case '\n':
			if j > 0 && (text[j-1] == '\n' || lineClosed(text[:j])) {
				return j + 1
			}
		}
	}
	return lo
}

// lineClosed reports whether a line ending where text ends closes a
// sentence although it has no full stop: a heading or list item ending in
// a colon, a bracket or a number ("exemption:", "(earlies, days, lates)",
// "Response 1 & 2"). A line wrapped mid-sentence ends in a word or a comma.
func lineClosed(text string) bool {
	t := strings.TrimRight(text, " \t\r")
	if t == "" {
		return false
	}
	switch c := t[len(t)-1]; {
	case c == ':' || c == ')' || c == '|':
		return true
	case c >= '0' && c <= '9':
		return true
	}
	return false
}

// sentenceEnd finds the end of the sentence holding text[i-1], looking ahead
// at most 200 bytes.
func sentenceEnd(text string, i int) int {
	hi := min(len(text), i+200)
	for j := i; j < hi; j++ {
		switch text[j] {
		case '.', '?', '!', ';':
			if j+1 == len(text) || text[j+1] == ' ' || text[j+1] == '\n' {
				return j
			}
		case '\n':
			if j+1 < len(text) && text[j+1] == '\n' || lineClosed(text[:j]) {
				return j
			}
		}
	}
	return hi
}
