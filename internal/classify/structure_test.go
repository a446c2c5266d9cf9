package classify

import (
	"slices"
	"testing"

	"github.com/foidesk/foidesk/internal/foi"
)

// Letters whose kind is decided by their structure, written for the test:
// which parts of the request they answer and which they refuse.
func TestStructure(t *testing.T) {
	tests := []struct {
		name string
		body string
		kind foi.Kind
		rule string // a rule that must be in the evidence; "" for none
		not  string // a rule that must not be
		// person: the reply must wait for a person (NeedsPerson, no data).
		person bool
	}{
		{
			name: "an answer that cannot be broken down, beside figures",
			body: `Q.1 How many play areas did the council manage in each year?
A.1 16
Q.2 How much was spent on play areas in each year?
A.2 Play areas are kept by teams that look after all our grounds. It is not possible to disaggregate the money spent on play areas alone.`,
			kind: foi.KindPartialResponse, rule: "structure:answers-without-wording",
		},
		{
			name: "one part not held, another answered under part headings",
			body: `Please find our response set out below.

Q1 response: No information held.
Q2 response: This was dealt with by our Legal Services Department and signed off at Chief Officer level.`,
			kind: foi.KindPartialResponse, rule: "structure:parts-answered",
		},
		{
			name: "unnumbered answers: one not held, one sent to another body",
			body: `Please see our response below.

What was spent on the scheme in 2023?
Response: The Council does not hold this information.

How many complaints did the police receive about it?
Response: You may wish to submit this part of your request to the police, who would hold that information.`,
			kind: foi.KindNotHeld, not: "structure:parts-answered",
		},
		{
			name: "a figure for question 1, question 2 over the cost limit",
			body: `I am not obliged to supply the information you have requested. Section 12 applies.
We were advised that for question 1 there are currently 2,109 subjects in the community. The data for question 2 is not routinely collated and retrieving it would exceed the appropriate limit.`,
			kind: foi.KindPartialResponse, rule: "structure:parts-answered",
		},
		{
			name: "question and answer layout with one part refused",
			body: `2. How many of these staff are officers?
There are 781 officers in total, of whom 623 are constables.

4. How many staff classify themselves as LGBT?
To retrieve this would require the manual searching of records for 856 officers and staff, which would exceed the appropriate limit.`,
			kind: foi.KindPartialResponse, rule: "structure:parts-answered",
		},
		{
			name: "every part not held or refused is not partial",
			body: `Our response is set out below.

Question 1: The information requested is not held by the force.
Question 2: The force can neither confirm nor deny that it holds the information, by virtue of Section 23(5).`,
			not: "structure:parts-answered",
		},
		{
			name: "a refusal of the whole request stays a refusal",
			body: `In response: I am not obliged to supply the information. Please note that when one part of your request falls under Section 12, the whole request is therefore exempt.
Q1 response: There were 12 stops in 2019.
Q2 response: retrieving this would exceed the appropriate limit.`,
			kind: foi.KindRefusal, not: "structure:parts-answered",
		},
		{
			name: "restated numbered request before the answer is not an answer",
			body: `You asked:
1. Copy of the strategy board meeting minutes and agendas for the last year
2. Details of the composition of the board including names

In Response:
I can confirm that the information is held however the cost of retrieving it would exceed the appropriate limit. Section 12(1) applies and this is a refusal notice.`,
			kind: foi.KindRefusal, not: "structure:parts-answered",
		},
		{
			name: "a refusal that names one part only waits for a person",
			body: `In relation to your request for emails about the project, the following exemption applies: Section 12 - the cost of compliance would exceed the appropriate limit. This letter is a refusal notice under Section 17(5).`,
			kind: foi.KindRefusal, rule: "confidence:scoped", person: true,
		},
		{
			name: "a cost refusal of one question beside figures for the others waits for a person",
			body: `1. The number of complaints about potholes.
Compliance with this request would exceed the appropriate cost limit under Section 12 of the Freedom of Information Act 2000, which is £450 or 18 hours of officer time. We estimate we would need to check 1000 complaints.
2. The number of claims paid.
3. The amount paid.
For questions 2 and 3, the information below relates to claims (as opposed to complaints):
2022 – 765 claims, 176 accepted, £38,819 paid`,
			rule: "confidence:scoped", person: true,
		},
		{
			name: "a refusal of the whole request is not lowered",
			body: `I am not obliged to supply the information you have requested. The cost of locating and retrieving it would exceed the appropriate limit, so Section 12(1) applies to the whole of your request and this is a refusal notice.`,
			kind: foi.KindRefusal, not: "confidence:scoped",
		},
		{
			name: "a late answer's apology is not an extension",
			body: `I write in connection with your request for information. I apologise that we have not been able to respond within the 20 working days. The information you requested is attached.`,
			kind: foi.KindResponse, rule: "response:information-is-attached", not: "ack:due-date",
		},
		{
			name: "a late answer that gives its figures is not an extension",
			body: `We have now exceeded the 20 working days, for which we apologise. The number of officers is 234.`,
			kind: foi.KindResponse, rule: "precedence:extension-reported",
		},
		{
			name: "a late answer that answers each part is not an extension",
			body: `We have been unable to respond within the 20 working days and apologise for this. Our response is set out below.
Q1. 14
Q2. 3`,
			kind: foi.KindResponse, rule: "precedence:extension-reported",
		},
		{
			name: "an acknowledgement still promises a reply within twenty working days",
			body: `Your request was received on 4 May 2023. We will respond within 20 working days.`,
			kind: foi.KindAcknowledgement, rule: "ack:due-date",
		},
		{
			name: "an attached acknowledgement is an acknowledgement",
			body: `Thank you for your Freedom of Information request. Please find attached acknowledgement letter.`,
			kind: foi.KindAcknowledgement, rule: "ack:attached-acknowledgement",
		},
		{
			name: "asking how the requester wishes to proceed is a clarification",
			body: `We would like to request some clarification regarding your above referenced FOI request. It looks as though question one might go over the cost limit. Please could you advise how you wish to proceed?`,
			kind: foi.KindClarification, rule: "clarification:how-to-proceed",
		},
		{
			name: "a complaint upheld on review is a review outcome",
			body: `You requested an internal review of your request due to the request not being met within the timescales. I have reviewed the circumstances and uphold your complaint in respect of the time taken to respond.`,
			kind: foi.KindInternalReview, rule: "review:decision",
		},
		{
			name: "a quoted statute is not a part of the request",
			body: `Our response
We believe it should be withheld under the exception contained in Reg 12(4)(d) of the EIRs. This states:
12.—(4) For the purposes of paragraph (1)(a), a public authority may refuse to disclose information to the extent that—
(d) the request relates to material which is still in the course of completion`,
			kind: foi.KindRefusal, rule: "refusal:withheld-under", not: "structure:part-refused",
		},
		{
			name: "a telephone number is not a row of figures",
			body: `Paisley Campus
Tel 0141 848 3000
Our ref: F19/204
This financial information has not been released as the exemption under section 33(1)(b) of the Act applies.`,
			kind: foi.KindRefusal, rule: "refusal:withheld-under", not: "response:table-rows",
		},
		{
			name: "a modal in another clause does not hedge an exemption",
			body: `The disclosure of information which may undermine the integrity of our IT systems is exempt under Section 24. The disclosure of information which would make our Trust more vulnerable to crime is exempt under Section 31.`,
			kind: foi.KindRefusal, rule: "refusal:exempt",
		},
		{
			name: "an exemption that may apply is still hedged",
			body: `Thank you for your request. We will respond within 20 working days. Some of the information may be exempt under section 40.`,
			kind: foi.KindAcknowledgement,
		},
		{
			name: "section 39 routes the request to the EIRs, it does not refuse it",
			body: `We are applying the exemption at section 39(2) of the Freedom of Information (Scotland) Act 2002, so that we do not also have to deal with your request under FOISA. Please find the information attached.`,
			kind: foi.KindResponse, not: "refusal:exemption-applies",
		},
		{
			name: "holding part of the information is a partial answer",
			body: `We can confirm that the Service does hold part of the information you have requested. Please see attached spreadsheet for question 1.`,
			kind: foi.KindPartialResponse, rule: "partial:part-held",
		},
		{
			name: "a clarification exchange recorded above the response is history",
			body: `REQUEST
Your policy on incident reports.
CLARIFICATION
Force: Please clarify what area of policing you require?
Applicant: Incidents of trespass and criminal damage.
RESPONSE
We have consulted our Operational Support department, who have provided the information below.`,
			kind: foi.KindResponse, rule: "precedence:clarification-answered",
		},
		{
			name: "a part not recorded on a system beside figures is a partial answer",
			body: `Please find the information below.
Q1. Arrests by gender: 1,204 male, 311 female.
Q2. The detainee's religion is not recorded on the custody system.`,
			kind: foi.KindPartialResponse, rule: "not-held:not-on-system",
		},
		{
			name: "some information held and provided, named requests refused, is partial",
			body: `In respect of Section 1(1)(a) of the Act we can confirm that the Police Service does hold some information to which your request relates and this is being provided to you. We are providing a neither confirm nor deny response to requests 1, 2 and 3.`,
			kind: foi.KindPartialResponse, rule: "partial:part-held",
		},
		{
			name: "a mail server's failure report is no reply",
			body: `This is a delivery status notification, automatically generated by MTA mail01.example.gov.uk.
Delivery status : Failed. Message could not be delivered to domain <example.gov.uk>.`,
			kind: foi.KindOther, rule: "other:delivery-failed",
		},
		{
			name: "a pointer to the disclosure log is a pointer to published information",
			body: `Within the time frame you have given, the information we can provide will be from our disclosure log, see below. Please search under subject Parking and that will list all previous responses to questions about parking.`,
			kind: foi.KindOther, rule: "refusal:s21-accessible", person: true,
		},
		{
			name: "a rights notice about an internal review's outcome is not one",
			body: `I am writing to let you know that the time limit for response needs to be extended. We will need to extend the response deadline by a further 14 working days because the information needs to be considered under one of the Act's exemptions where a public interest test applies. If you are unhappy with the outcome of the internal review, you may complain to the Information Commissioner.`,
			kind: foi.KindExtension, not: "precedence:extension-reported",
		},
		{
			name: "the month of May is not a condition",
			body: `Reference: Internal Review 105795. 17th June 2016. FREEDOM OF INFORMATION ACT – OUTCOME OF INTERNAL REVIEW. Thank you for your recent request in which you ask for an Internal Review of FOI response 104637 sent to you on 26 May 2016.`,
			kind: foi.KindInternalReview, rule: "review:findings",
		},
		{
			name: "a late answer not yet sent is an extension",
			body: `Please accept our sincere apologies for the delay in responding to your information request. We can assure you that we are working to get your response to you and will do so as soon as possible.`,
			kind: foi.KindExtension, rule: "extension:working-on-it",
		},
		{
			name: "no full response today is an extension",
			body: `Unfortunately we will not be able to provide you with a full response today due to a delay in our internal processes. We will endeavour to provide a response by Friday 8 July at the latest.`,
			kind: foi.KindExtension, rule: "extension:unable-within",
		},
		{
			name: "an invalid request refused",
			body: `A request for information is not valid if it does not state the name of the applicant. As your request uses a pseudonym, it is not a valid request. Accordingly, we are not obliged to respond to it.`,
			kind: foi.KindRefusal, rule: "refusal:invalid-request",
		},
		{
			name: "clarification that may be needed is a condition",
			body: `Thank you for your Freedom of Information request. Subject to any clarification required, the University will aim to reply to your request within the statutory deadline of 20 working days.`,
			kind: foi.KindAcknowledgement, rule: "ack:will-respond",
		},
		{
			name: "some information held, then refused whole on cost, is a refusal",
			body: `I can confirm that the Agency does hold some of the information that you have requested. However, we have also determined that the information is exempt under Section 12 of the Freedom of Information Act and we cannot process your request any further.`,
			kind: foi.KindRefusal, not: "partial:part-held",
		},
		{
			name: "withheld in full is a refusal",
			body: `I can confirm that the Agency holds information falling within the terms of your request. The information that you have requested is being withheld in full under section 35(1)(a) of the Act.
T: 020 7276 8000`,
			kind: foi.KindRefusal, rule: "refusal:withheld-in-full", not: "response:table-rows",
		},
		{
			name: "a named thing not held beside an answer is a partial answer",
			body: `We are now in a position to respond to two more of your questions.
1) The amounts awarded for 2012 projects.
Please see the attached spreadsheet.
2) A list of funds requested from organisations.
We do not hold “a list of funds” requested from organisations.`,
			kind: foi.KindPartialResponse, rule: "not-held:named-thing",
		},
		{
			name: "held but withheld is a refusal, not disclosure",
			body: `I can confirm that the force does hold the information you have requested. However, we are withholding the whole of the requested information as the cost of locating it would be too high.`,
			kind: foi.KindRefusal, rule: "refusal:held-not-disclosed",
		},
		{
			name: "a section the letter says does not apply does not make an answer partial",
			body: `Please find the information you requested in the attached spreadsheet. Section 40 does not apply to these figures, as no individual can be identified from them.`,
			kind: foi.KindResponse, not: "precedence:exemption-cited",
		},
		{
			name: "a covering note is a response waiting for its attachment",
			body: `Dear Sir,

Please see attached response to your Freedom of Information request.

Regards`,
			kind: foi.KindResponse, rule: "response:covering-note",
		},
		{
			name: "a long letter is not a covering note",
			body: `Thank you for your request for information. Your request will now be considered in accordance with the Freedom of Information Act 2000 and you will receive a response within 20 working days. Please find attached a copy of our leaflet on how we handle requests, which explains the exemptions we may have to apply and your right to ask for an internal review should you be unhappy with the response.`,
			kind: foi.KindAcknowledgement, not: "response:covering-note",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := Classify(&Input{Body: tt.body}, nil)
			rules := make([]string, 0, len(res.Evidence))
			for _, e := range res.Evidence {
				rules = append(rules, e.Rule)
			}
			if tt.kind != "" && res.Kind != tt.kind {
				t.Errorf("kind %s, want %s; evidence %v", res.Kind, tt.kind, rules)
			}
			if tt.rule != "" && !slices.Contains(rules, tt.rule) {
				t.Errorf("no %s in evidence %v", tt.rule, rules)
			}
			if tt.not != "" && slices.Contains(rules, tt.not) {
				t.Errorf("%s in evidence %v", tt.not, rules)
			}
			if need, _ := res.NeedsPerson(false); tt.person && !need {
				t.Errorf("%s at %.2f is acted on without a person; evidence %v", res.Kind, res.Confidence, rules)
			}
		})
	}
}

func TestYesNo(t *testing.T) {
	for s, want := range map[string]bool{
		"Yes, 12 officers":    true,
		"No.":                 true,
		"a. No, none":         true,
		"(b) Yes":             true,
		"• no, not recorded":  true,
		"- Yes":               true,
		"Nothing is recorded": false,
		"above all, yes":      false, // a word that opens with a, b or c is not a marker
		"clearly not":         false,
		"None":                false,
		"ayes and noes":       false, // a, b and c are markers only before "." or ")"
	} {
		if got := yesNo(s); got != want {
			t.Errorf("yesNo(%q) = %v, want %v", s, got, want)
		}
	}
}
