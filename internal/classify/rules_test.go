package classify

import (
	"slices"
	"strings"
	"testing"

	"github.com/foidesk/foidesk/internal/foi"
)

// Messages that are not in the fixture set, written in the words forces and
// WhatDoTheyKnow use (chaser and internal-review texts follow the
// WhatDoTheyKnow templates; the others are assembled from phrases quoted in
// testdata/replies/PATTERNS.md).
func TestClassifyCases(t *testing.T) {
	tests := []struct {
		name     string
		in       Input
		kind     foi.Kind
		notKind  foi.Kind // when set, kind is not checked, only that it is not this
		ref      string
		sections []string
		due      string
		// evidence lists rule names that must appear; a "!" prefix asks
		// that the rule matched but was not counted.
		evidence []string
	}{
		{
			name: "chaser from the requester",
			in: Input{Subject: "Freedom of Information request - Fraud reports", Body: `Dear Kent Police,

By law, under all circumstances, Kent Police should normally have responded promptly and by 8 July 2016.

Please could you let me know when I can expect a response to my request.

Yours faithfully,

J Stuart`},
			kind: foi.KindOther,
		},
		{
			name: "out of office",
			in: Input{Subject: "Automatic reply: Freedom of Information request - Stop and search",
				AutoReply: true, Body: `Thank you for your email. I am currently out of the office until Monday 3 March 2025 with limited access to email.

If your email relates to a Freedom of Information request please forward it to the Information Rights team.`},
			kind:     foi.KindAutoReply,
			evidence: []string{"ooo:out-of-office", "header:auto-submitted"},
		},
		{
			name: "quoted refusal below a holding reply",
			in: Input{Force: "kent", Body: `Dear Mr Stuart,

Thank you for your email. I have passed your comments to the Information Manager, who will contact you shortly.

Kind regards

FOI Team

-----Original Message-----
From: J Stuart
Sent: 10 July 2016 09:12
To: FOI
Subject: RE: Freedom of Information Request 16/06/669

I do not accept that my request was refused under Section 12(2). The question about fraud reports
has engaged an exemption only because you chose to search by hand. This letter represents a
Refusal Notice in name only.`},
			notKind:  foi.KindRefusal,
			ref:      "16/06/669",
			sections: []string{},
			evidence: []string{"!refusal:refused-under", "strip:quoted:original-message"},
		},
		{
			// The signature's telephone number is not a row of figures.
			name: "acknowledgement in the active voice, with a labelled telephone number",
			in: Input{Body: `Dear Sir or Madam

Thank you for your request, made under the Freedom of Information Act 2000. We will deal with your request in line with the Act.

We may not be able to respond within the statutory time. We will respond as soon as we can.

Information Team
• Office: 0300 303 3344
• Head Office, 1 High Street, Coventry, CV1 3BH`},
			kind:     foi.KindAcknowledgement,
			evidence: []string{"ack:will-be-considered", "ack:in-due-course"},
		},
		{
			name: "an e-mail receiving attention",
			in: Input{Body: `Dear Sir/Madam

Thank you for your email to the Directorate, which is receiving attention.`},
			kind:     foi.KindAcknowledgement,
			evidence: []string{"ack:in-due-course"},
		},
		{
			// It acknowledges receipt, but waits on the requester first.
			name: "receipt acknowledged, then asked to elaborate",
			in: Input{Body: `Dear Sir,

I acknowledge receipt of your email of 7th August.

Can I ask at the outset that you elaborate a little on the detail of the request?

Upon receipt of further information I will be happy to formally acknowledge your application and will respond more fully to you in due course.`},
			kind:     foi.KindClarification,
			evidence: []string{"clarification:provide-further"},
		},
		{
			name: "a clarification that opens like an acknowledgement",
			in: Input{Body: `Dear Sir

Thank you for your request for information about the above. Your request was received on 29/9/2016 and I am dealing with it under the terms of the Freedom of Information Act 2000.

We always aim to respond as quickly as possible, but we do need you to clarify your request before we will be able to process it.

Your request is on hold pending receipt of your clarification.`},
			kind:     foi.KindClarification,
			evidence: []string{"clarification:need-clarification", "clarification:until-clarified"},
		},
		{
			name: "an EIR request refused under regulation 12(4)(b)",
			in: Input{Body: `Dear Sir

Thank you for your request of 21 March 2023.

It is the Council's view that to comply with your request would absorb enough of its staff's time to engage regulation 12(4)(b) of the Environmental Information Regulations 2004. Regulation 12(4)(b) provides that a public authority is excepted from complying with a request for information if it would place a substantial and unreasonable burden on its resources.`},
			kind:     foi.KindRefusal,
			evidence: []string{"refusal:eir-exception"},
		},
		{
			name: "no information relevant to the request is held",
			in: Input{Body: `Police Use of Spit Hoods

- Does your force use spit hoods?

The Constabulary does not use spit hoods.

No information relevant to your request is held.`},
			kind:     foi.KindNotHeld,
			evidence: []string{"not-held:not-held"},
		},
		{
			// Unnumbered questions, each answered under "Response:".
			name: "one answer given and one exempt, neither numbered",
			in: Input{Body: `Thank you for your request for information received on 16 January 2013.

Question: Does your university carry out animal experiments?
Response: Yes, the university does use animals in research.

Question: How many animals were used in experiments in 2012?

Response:
We are collating this information for our annual return, and it will be published on our website. This information is therefore exempt from disclosure under section 22 of the Freedom of Information Act, as it is intended for future publication.`},
			kind: foi.KindPartialResponse,
		},
		{
			// Sending one part to another body answers nothing.
			name: "one part sent to another body, the other refused",
			in: Input{Body: `RESPONSE
We consulted with our Digital services unit who have provided the following information regarding your request.
Question 1
The funding request was prepared on behalf of the NPCC. Under S16 our duty to advise and assist you may wish to submit this part of your request to NPCC using the link provided below.
Question 2
Your request for this information has now been considered and I am not obliged to supply the information you have requested.
In relation to your request, the following exemption applies:
Section 14(1) – Vexatious`},
			kind: foi.KindRefusal,
		},
		{
			name: "some of the requested information not centrally recorded",
			in: Input{Body: `Please find the Warwickshire Police response set out below.

Response: Please be advised that some of the requested information is not centrally recorded and is therefore not held in a readily retrievable format. With regard to Qc, it would be necessary to manually review each and every investigation.`},
			kind:     foi.KindPartialResponse,
			evidence: []string{"partial:explicit"},
		},
		{
			name: "a force that holds some of the information",
			in: Input{Body: `FOI Duty
First Duty – Essex Police holds some of the information relating to your request
Second Duty – See below
Exemption - Section 12(1)
Reasoning – In respect of Question 4, Essex Police are unable to report on the financial data required.`},
			kind:     foi.KindPartialResponse,
			evidence: []string{"partial:part-held"},
		},
		{
			name: "a clarification asked for in the first person",
			in: Input{Body: `Dear Sir

Freedom of Information Act 2000

I am writing to ask you to clarify your request. We need further details from you in order to identify and locate the information. Therefore I should be grateful if you would clarify your request in more detail.

I will not be able to take this matter further without this extra information from you.`},
			kind:     foi.KindClarification,
			evidence: []string{"clarification:need-clarification"},
		},
		{
			name: "a covering line for answers written into the request",
			in: Input{Body: `Good morning,

Please see the answers in red below to the questions you have asked.

Kind regards
Finance Director`},
			kind:     foi.KindResponse,
			evidence: []string{"response:as-follows"},
		},
		{
			name: "answers next to the questions",
			in: Input{Body: `Hi,
The answers are below next to the questions.
Regards
School Business Manager`},
			kind:     foi.KindResponse,
			evidence: []string{"response:as-follows"},
		},
		{
			name: "information you requested, below",
			in: Input{Body: `Dear [requester]
Please find below (in red) the information you requested.
Many thanks.`},
			kind:     foi.KindResponse,
			evidence: []string{"response:as-follows"},
		},
		{
			name: "a request that remains under consideration",
			in: Input{Body: `Dear [requester],

I refer to your Freedom of Information request, received on 9 December 2018, for the minutes of the board.

Your request remains under consideration. I will respond to you as soon as possible.

Yours sincerely`},
			kind:     foi.KindExtension,
			evidence: []string{"extension:under-consideration"},
		},
		{
			name: "a body the Act does not cover",
			in: Input{Body: `Dear [requester],
I think you may have contacted the wrong organisation. The Board is an independent board and is exempt from the requirements of the FOI Act 2000.
You may want to send a new request to the Council.`},
			kind:     foi.KindOther,
			evidence: []string{"other:wrong-body"},
		},
		{
			name:     "an account no longer maintained",
			in:       Input{Body: `This email account is no longer maintained. If you require a response please use the contact form on our website.`},
			kind:     foi.KindAutoReply,
			evidence: []string{"ooo:address-retired"},
		},
		{
			name: "answers under each question, and no rule's wording",
			in: Input{Body: `Dear [requester],
We write on behalf of the Trust.
1. Is the work done by in-house teams or contracted out?
It is contracted out to a local firm of gardeners, as it has been for some years.
2. Who manages the contractors?
The Site Manager manages the day to day work of all contractors on the site.`},
			kind:     foi.KindResponse,
			evidence: []string{"structure:answers-without-wording"},
		},
		{
			name: "an exemption in the writer's words, beside answers",
			in: Input{Body: `Dear [requester],
Please see my response below to your request:
1. The works are contracted out, but under Section 40 of the FOI Act 2000, I am not able to provide details of our current contractor.
2. The Assistant Headteacher is responsible for managing the contractors.
4. The budget for 2018/19 is £5,720.`},
			kind:     foi.KindPartialResponse,
			evidence: []string{"refusal:under-section-unable"},
		},
		{
			name: "a named part not held, beside figures",
			in: Input{Body: `Response

Information regarding the number of meals thrown away is not held, but the average percentage of food waste is detailed as follows:

2012 4.67% 0.56% 0.12%
2013 4.16% 0.31% 0.08%

Total expenditure on food is detailed in the table below.`},
			kind:     foi.KindPartialResponse,
			evidence: []string{"not-held:named-part"},
		},
		{
			name: "whether the body holds the information is still to be found",
			in: Input{Body: `Thank you for your request to access information in accordance with the Freedom of Information Act 2000.

This was received by the Trust on 28 March 2018 and the Trust has 20 working days in which to respond. An initial investigation is currently taking place into whether the Trust holds the information you have requested and, if so, whether it can be released.`},
			kind:     foi.KindAcknowledgement,
			evidence: []string{"ack:being-prepared"},
		},
		{
			name:    "checking whether the body holds the information",
			in:      Input{Body: `We are now checking whether the Council holds the information you have requested.`},
			notKind: foi.KindResponse,
		},
		{
			name: "received, and a response being co-ordinated",
			in: Input{Body: `Thank you for your recent email which has been received and a response is being co-ordinated. The Act allows 20 working days for the Trust to respond and the deadline for your request is 5 October 2015.

The Trust has a statutory duty to provide advice and assistance to applicants.`},
			kind:     foi.KindAcknowledgement,
			evidence: []string{"ack:being-prepared"},
		},
		{
			name: "a nil return, with the review procedure after it",
			in: Input{Body: `Dear [requester],

The Trust has not recovered any monies from overseas visitors, therefore this is a nil return.

Review Procedure

A request for an internal review should be submitted within 40 working days of the day this response was sent.`},
			kind:     foi.KindResponse,
			evidence: []string{"response:nil-return"},
		},
		{
			name: "information held and withheld under an exemption",
			in: Input{Body: `The Agency holds this information. However, we are withholding the information we hold under section 22 of the FOI Act.

Section 22 sets out that information is exempt if it is intended for future publication.`},
			kind:     foi.KindRefusal,
			evidence: []string{"refusal:withheld-under"},
		},
		{
			name: "no documents held, no notes taken",
			in: Input{Body: `I refer to your e-mail dated 2 November 2012.

The individuals who may have been in a position to take notes at those meetings have clearly stated that no such notes were taken. Our HR director has confirmed that she holds no documentation that falls within your request.`},
			kind:     foi.KindNotHeld,
			evidence: []string{"not-held:not-held"},
		},
		{
			name: "a body, by its initials, does not hold it",
			in: Input{Body: `Freedom of Information Request Reference No: FOIA 2060

I can confirm that SYFR does not hold any national reference or training materials regarding forcible entry.`},
			kind:     foi.KindNotHeld,
			ref:      "FOIA 2060",
			evidence: []string{"not-held:confirm-not-hold"},
		},
		{
			name: "the handling of a request reviewed",
			in: Input{Body: `Dear [requester],

I have reviewed the handling of your FoI request about arbitration panels, and I have concluded that the request was misunderstood.`},
			kind:     foi.KindInternalReview,
			evidence: []string{"review:conducted"},
		},
		{
			name: "none held that is relevant",
			in: Input{Body: `We have considered your request in line with the Freedom of Information Act 2000.

As you may be aware, the Act entitles a right to recorded information, and we hold none that is directly relevant to your questions.`},
			kind:     foi.KindNotHeld,
			evidence: []string{"not-held:not-held"},
		},
		{
			name:     "no records kept",
			in:       Input{Body: `Under section 1(1)(a) of the Act I can confirm that the University does not keep records of the number of trees cut down.`},
			kind:     foi.KindNotHeld,
			evidence: []string{"not-held:not-held"},
		},
		{
			name: "not held, nor accessible to the body",
			in: Input{Body: `Thank you for your email. The Organisation does not hold or have access to this information, relating to hospitals.

This is held by the relevant Trusts.`},
			kind:     foi.KindNotHeld,
			evidence: []string{"not-held:not-held"},
		},
		{
			name: "a late letter that answers the parts, in no rule's words",
			in: Input{Body: `Our Ref: FOI 827

Dear [requester],

I apologise for the delay in responding to your request, which was due to an administrative error.

1. Who is the current provider of your access control system?
Access control systems are purchased and managed in-house by our own staff.
2. How many doors does this cover?
A total of 35 doors across the two sites that we occupy.`},
			kind:     foi.KindResponse,
			ref:      "FOI 827",
			evidence: []string{"precedence:extension-reported", "structure:answers-without-wording"},
		},
		{
			name: "documents disclosed with details redacted",
			in: Input{Body: `Please find attached the minutes of the working group meetings from 2020.

The minutes have had the names of officers redacted, in line with exception 13 of the Environmental Information Regulations.`},
			kind:     foi.KindPartialResponse,
			evidence: []string{"partial:redacted"},
		},
		{
			name: "a request made to the wrong body",
			in: Input{Body: `Information request:

[Not disclosed as not relevant to the Service]

Response:

Applicant advised that the request has been made to the wrong agency. Advice given.`},
			kind:     foi.KindOther,
			evidence: []string{"other:wrong-body"},
		},
		{
			name: "not recorded on the Authority's systems",
			in: Input{Body: `Information request:

Details of the driver of a vehicle seen at an incident.

Response:

This information is not recorded on Authority systems.`},
			kind:     foi.KindNotHeld,
			evidence: []string{"not-held:not-on-system"},
		},
		{
			// Not held electronically, and a manual trawl would cost too
			// much: a cost refusal.
			name: "not held electronically, a manual trawl over the limit",
			in: Input{Body: `Request for Information: Cost Limit

We do not hold the information requested electronically and obtaining the information would involve a manual trawl of case files. To obtain figures for a 12 month period would exceed the 2.5 days worth of work or £450 in accordance with the appropriate fees limit.`},
			kind: foi.KindRefusal,
		},
		{
			name: "the information is held, and as below",
			in: Input{Body: `Dear Sir

We refer to your request dated 10/10/2016.

We confirm that the Council holds the information, which we believe satisfies your request, and which is as below.

29 Aug: meeting with the two councils; briefing on the scoping exercise for the transport assessment.`},
			kind:     foi.KindResponse,
			evidence: []string{"response:information-held"},
		},
		{
			name: "published information, exempt under section 21",
			in: Input{Body: `Further to your request for information relating to business rates accounts I can tell you the following.

We intend to publish on our website information relating to business rates accounts, twice yearly.

Under the FOI Act the information is exempt from disclosure under the provisions of section 21 (information accessible to the applicant by other means).`},
			kind: foi.KindOther,
		},
		{
			name: "one year not held among years of figures",
			in: Input{Body: `Dear Sir,

Thank you for your recent request for information. Please see the answers to your questions below:

(i) On how many occasions did the university fail to respond within 20 working days?

2019 – Not Held in line with our retention schedule
2020 - 207
2021 - 211
2022 - 225`},
			kind:     foi.KindPartialResponse,
			evidence: []string{"not-held:row"},
		},
		{
			name: "publicly available under the EIR's regulation 6(1)(b)",
			in: Input{Body: `Dear Sir

I am responding to your request for information, which has been considered under the Environmental Information Regulations 2004.

I confirm that the Council holds the information you have requested. However, we consider that Regulation 6(1)(b) of the EIR applies, as the information is already publicly available on the planning portal.`},
			kind:     foi.KindOther,
			evidence: []string{"refusal:s21-exempt"},
		},
		{
			name: "an exemption under a section, applied in the body's own words",
			in: Input{Body: `Dear Sir,

Thank you for the email in which you requested information about the newspapers available at our stations.

We have considered the request carefully and consider that the exemption under S43 (2) of the Freedom of Information Act 2000 (FOIA) applies, as disclosure would be likely to prejudice the commercial interests of the contractor.`},
			kind:     foi.KindRefusal,
			evidence: []string{"refusal:exemption-applies"},
		},
		{
			name: "exempt from release under a section",
			in: Input{Body: `Dear Sir,

We hold figures on the profitability of image sales, but their release would be commercially damaging. We have concluded, therefore, that the information is exempt from release under section 43(2) of the Freedom of Information Act (commercial interests).`},
			kind:     foi.KindRefusal,
			evidence: []string{"refusal:exempt"},
		},
		{
			// FOISA's section 17 is the notice that information is not
			// held, not an exemption.
			name: "not held, and so 'exempt' under FOISA's section 17",
			in: Input{Body: `Thank you for your information request. Your request has been handled under the Freedom of Information (Scotland) Act 2002.

Data for the academic years 2008-09 to 2011-12 is not held and is therefore exempt from release under Section 17 of FOISA.

In response to your Qs1-2, please see the table below.`},
			notKind: foi.KindRefusal,
		},
		{
			name: "numbered answers, one of them not held",
			in: Input{Body: `In response to your numbered questions I would reply as follows from the information available to us;

1. 13/14 - 27
14/15 - 36.

2. Nexus does not have this information which is a private arrangement between the operator and individual bus companies.

3. The cost falls to the operator.`},
			kind: foi.KindPartialResponse,
		},
		{
			name: "section 21 applies, in a dash",
			in: Input{Body: `Further to your request, I confirm that the Council has now considered your request under the Freedom of Information Act 2000.

We have carefully considered your query, and we find Section 21 – Information accessible to applicant by other means – of the FOI Act applies.`},
			kind: foi.KindOther,
		},
		{
			name: "now in a position to respond",
			in: Input{Body: `Dear Sir,

Further to your email of 15 December, we are now in a position to respond.

The council has 14 allotment sites, with 312 plots in all.`},
			kind:     foi.KindResponse,
			evidence: []string{"response:now-responding"},
		},
		{
			name: "acknowledgement explaining that time may be extended",
			in: Input{Body: `Thank you for your request for information, received 3 March 2025.

Where consideration is being given to the application of any exemptions the 20 working day timescale may be extended under the terms of the Act to a period considered reasonable. In such cases you will be notified and a revised time-scale will be indicated.

Your request is being considered and you will receive a response within the statutory timescale of 20 working days.`},
			kind:     foi.KindAcknowledgement,
			evidence: []string{"!extension:extend-deadline", "!extension:new-date"},
		},
		{
			name: "not held in a retrievable format is a cost refusal",
			in: Input{Force: "durham", Body: `Our Ref: DC/FOI 782/17

Durham Constabulary does not hold this information in a retrievable format. To answer your request we would need to read each of 6,000 records, at 3 minutes each, which would take 300 hours.`},
			kind:     foi.KindRefusal,
			ref:      "DC/FOI 782/17",
			sections: []string{"s12"},
			evidence: []string{"refusal:not-retrievable", "section:implied"},
		},
		{
			name:     "information not held",
			in:       Input{Body: "Following searches I can confirm that the information you have requested is not held by Durham Constabulary."},
			kind:     foi.KindNotHeld,
			sections: []string{},
		},
		{
			name: "FOISA notice that information is not held",
			in: Input{Force: "police-scotland", Body: `OFFICIAL

Our Ref: IM-FOI-2021-0942

In terms of section 17 of the Freedom of Information (Scotland) Act 2002, this letter represents a notice that information is not held.`},
			kind:     foi.KindNotHeld,
			ref:      "IM-FOI-2021-0942",
			sections: []string{"s17"},
			evidence: []string{"strip:protective-marking"},
		},
		{
			name: "clarification request",
			in: Input{Body: `Dear Ms Evans,

Before we can process your request we need clarification. Could you please clarify which period you would like figures for?

The 20 working day period will not start until we receive your clarification.`},
			kind: foi.KindClarification,
		},
		{
			name: "public interest extension with a new date",
			in: Input{Body: `Freedom of Information Request Reference No: 01/FOI/24/001234

We need further time to consider the public interest test in relation to section 31 (Law Enforcement).
We now aim to respond by 14 March 2025.`},
			kind:     foi.KindExtension,
			ref:      "01/FOI/24/001234",
			sections: []string{"s31"},
			due:      "2025-03-14",
		},
		{
			name: "deadline extended under s.10(3)",
			in:   Input{Body: `Under section 10(3) of the Act we are extending the deadline for our response to Monday 3 March 2025, to consider the public interest.`},
			kind: foi.KindExtension,
			due:  "2025-03-03",
		},
		{
			name:     "automatic acknowledgement by header",
			in:       Input{AutoReply: true, Body: `Thank you for your email. Your request will now be considered in accordance with the Freedom of Information Act 2000.`},
			kind:     foi.KindAutoAcknowledgement,
			evidence: []string{"precedence:automatic-without-reference"},
		},
		{
			name:     "automatic acknowledgement carrying a reference",
			in:       Input{Force: "psni", Body: `This is an automated message. Your request has been logged with reference F-2023-00875.`},
			kind:     foi.KindAcknowledgement,
			ref:      "F-2023-00875",
			evidence: []string{"precedence:automatic-with-reference"},
		},
		{
			name:     "internal review outcome over refusal wording",
			in:       Input{Subject: "RE: Internal review of Freedom of Information request - DSI referrals", Body: `I have now completed the internal review. The information remains exempt under Section 40(2) and the original decision is upheld.`},
			kind:     foi.KindInternalReview,
			sections: []string{"s40(2)"},
		},
		{
			name: "complaint rights block does not make a review",
			in: Input{Body: `Please find the information attached.

COMPLAINT RIGHTS

Are you unhappy with how your request has been handled or do you think the decision is incorrect? You have the right to require the MPS to review their decision.

I have now conducted a review of our handling, and the original decision is upheld.`},
			kind:     foi.KindResponse,
			evidence: []string{"strip:complaint-rights", "!review:decision", "!review:conducted"},
		},
		{
			name:     "'should be noted' and 'determine if' do not hedge a refusal",
			in:       Input{Body: `It should be noted that the data is held on paper files. In order to determine if the information is held we would need to review 6,000 records, which would exceed the appropriate limit.`},
			kind:     foi.KindRefusal,
			sections: []string{"s12"},
			evidence: []string{"refusal:cost-exceeds", "section:implied"},
		},
		{
			name: "'if' as a condition hedges",
			in: Input{Body: `Thank you for your request. If the cost of complying would exceed the appropriate limit we will write to you.
Your request will now be considered in accordance with the Freedom of Information Act 2000.`},
			kind:     foi.KindAcknowledgement,
			evidence: []string{"!refusal:cost-exceeds"},
		},
		{
			name:     "extension promising a reply as soon as possible",
			in:       Input{Body: `We are unable to respond within 20 working days as we need further time to consider the public interest. We will respond as soon as possible.`},
			kind:     foi.KindExtension,
			evidence: []string{"extension:unable-within", "extension:public-interest-time"},
		},
		{
			name:     "response after an extension",
			in:       Input{Body: `Further to our extension letter of 3 March 2025, please find the information attached.`},
			kind:     foi.KindResponse,
			evidence: []string{"precedence:extension-reported"},
		},
		{
			name: "bounce",
			in:   Input{From: "MAILER-DAEMON@mx.police.uk", Body: "Delivery to the following recipient failed permanently: foi@example.police.uk"},
			kind: foi.KindOther,
		},
		{
			name: "empty",
			in:   Input{},
			kind: foi.KindOther,
		},
		{
			name: "a refusal forwarded to the desk by the journalist it reached",
			in: Input{Force: "kent", Subject: "Fwd: RE: Freedom of Information request", Body: `FYI - this came to me rather than the desk.

---------- Forwarded message ---------
From: Kent Police FOI <foi@kent.police.uk>
Date: Mon, 2 Mar 2026 at 10:00
Subject: RE: Freedom of Information request
To: <journalist@newsroom.example>

FREEDOM OF INFORMATION REQUEST 20/09/1088

To locate and extract the information would exceed the appropriate limit of 18 hours.
This letter represents a refusal notice under Section 12(1) of the Act.`},
			kind:     foi.KindRefusal,
			ref:      "20/09/1088",
			sections: []string{"s12(1)"},
			evidence: []string{"forwarded:read", "refusal:refusal-notice"},
		},
		{
			name: "a reply above a forwarded message reads its own words",
			in: Input{Force: "kent", Body: `Thank you for your request, which we received on 2 March 2026 and have logged under reference 20/09/1088.

---------- Forwarded message ---------
From: Requester <requester@example.com>
Subject: Freedom of Information request

If the cost would exceed the appropriate limit, please refuse only the part that does.`},
			kind:     foi.KindAcknowledgement,
			ref:      "20/09/1088",
			evidence: []string{"strip:quoted:original-message"},
		},
		{
			name: "a refusal in the attached letter, under a covering line",
			in: Input{Force: "kent", Body: "Dear Requester,\n\nPlease find attached our response to your request.\n\nFOI Team",
				Letters: []Letter{{Name: "FOI 20-09-1088 response.pdf", Text: `FREEDOM OF INFORMATION REQUEST 20/09/1088

I can confirm that Kent Police holds the information. However, to locate and
extract it would exceed the appropriate limit of 18 hours. This letter
represents a refusal notice under Section 12(1) of the Act.`}}},
			kind:     foi.KindRefusal,
			ref:      "20/09/1088",
			sections: []string{"s12(1)"},
			evidence: []string{"letter:read", "refusal:refusal-notice", "!response:attached-response"},
		},
		{
			name:     "the same covering line with no letter read",
			in:       Input{Force: "kent", Body: "Dear Requester,\n\nPlease find attached our response to your request.\n\nFOI Team"},
			kind:     foi.KindResponse,
			evidence: []string{"response:attached-response"},
		},
		{
			name: "held, but not to be disclosed, in a letter wrapped at its width",
			in: Input{Force: "northumbria", Body: `In Response:
I can confirm that the information you have requested is held by the Force
however cannot be disclosed for the following reasons. To extract it would
far exceed the permitted 18 hours. You should consider this to be a refusal
notice under Section 17 of the Act.`},
			kind:     foi.KindRefusal,
			sections: []string{"s12"},
			evidence: []string{"refusal:held-not-disclosed", "refusal:refusal-notice", "refusal:cost-exceeds"},
		},
		{
			name: "held, but not disclosed in full",
			in: Input{Body: `I can confirm that the information you have requested is held by the Force, however cannot be disclosed in full.
Question 2 is not held in a retrievable format.`},
			kind:     foi.KindPartialResponse,
			evidence: []string{"partial:explicit"},
		},
		{
			name: "a refusal notice for one question",
			in: Input{Body: `Response

Please see our response attached.

In this case, this letter represents a Refusal Notice for question 6. We neither confirm nor deny that any relevant data are held by virtue of Section 23(5).`},
			kind:     foi.KindPartialResponse,
			evidence: []string{"partial:those-aspects"},
		},
		{
			name:     "the rest of the information in the attachment",
			in:       Input{Body: `I can confirm that the Constabulary holds the information however I am not obliged to provide the registration numbers of unmarked vehicles. However, the remainder of the information is provided within the document attached.`},
			kind:     foi.KindPartialResponse,
			evidence: []string{"partial:those-aspects"},
		},
		{
			name:     "a pointer to published information only",
			in:       Input{Body: `Under section 21 of the Act, we are not required to provide information in response to a request if it is already reasonably accessible to you. The information you requested is available on the following website.`},
			kind:     foi.KindOther,
			sections: []string{"s21"},
			evidence: []string{"refusal:s21-accessible"},
		},
		{
			name: "an office closed for a holiday",
			in: Input{Body: `The Force Information Unit is now closed until Tuesday 26th April 2011.
Your emails will NOT be read during this time.`},
			kind:     foi.KindAutoReply,
			evidence: []string{"ooo:office-closed"},
		},
		{
			name: "a FOISA internal review",
			in: Input{Force: "police-scotland", Body: `FREEDOM OF INFORMATION (SCOTLAND) ACT 2002 - INTERNAL REVIEW

In accordance with section 20(1) of the Freedom of Information (Scotland) Act 2002, you have requested a review of the decision communicated to you on 20 August 2018.`},
			kind:     foi.KindInternalReview,
			evidence: []string{"review:requested"},
		},
		{
			name: "a FOISA cost refusal for two years, figures for the third",
			in: Input{Force: "police-scotland", Body: `Having considered your request in relation to 2015/16 and 2016/17, I am unable to provide a response as it would prove too costly to do so. The current cost threshold is £600. In terms of Section 16(4) of the Freedom of Information (Scotland) Act 2002 where Section 12(1) of the Act (Excessive Cost of Compliance) has been applied, this represents a refusal notice for the information sought.

For 2017/18 the following table provides a breakdown by station.`},
			kind:     foi.KindPartialResponse,
			evidence: []string{"response:table-provides", "refusal:refusal-notice"},
		},
		{
			name: "not in a position to release, for commercial interests",
			in: Input{Body: `Dear Sir

We are not in a position to release the unit prices paid under the contract, as this would harm the supplier's commercial interests (section 43(2) of the Freedom of Information Act 2000).`},
			kind:     foi.KindRefusal,
			evidence: []string{"refusal:not-in-position"},
		},
		{
			name: "an EIR request refused as manifestly unreasonable",
			in: Input{Body: `Our response

We confirm that we hold the information you have requested, however we are refusing to disclose it under regulation 12(4)(b) of the EIR, as the request is manifestly unreasonable.`},
			kind:     foi.KindRefusal,
			evidence: []string{"refusal:refusing", "refusal:manifestly-unreasonable"},
		},
		{
			name:     "a condition in a clause explaining the exemption does not condition it",
			in:       Input{Body: `The provisional figures are considered exempt under section 22(1) of the Act, whereby information is exempt if it is held with a view to future publication.`},
			kind:     foi.KindRefusal,
			evidence: []string{"refusal:exempt"},
		},
		{
			name: "the requester's restated questions ask to clarify, above the answers",
			in: Input{Body: `You asked:
1. How many permits were issued in 2023?
2. Please clarify whether permits are issued to contractors.

Response
1. 412 permits were issued in 2023.
2. Permits are issued to contractors on request.`},
			notKind: foi.KindClarification,
		},
		{
			name: "a pointer to the published answer to a similar request",
			in: Input{Body: `Decision
The force has recently responded to a similar Freedom of Information (FOIA) request, a copy of which is published on our website and available using the below link:
UFO Sightings | North Yorkshire Police`},
			kind:     foi.KindOther,
			evidence: []string{"refusal:s21-accessible"},
		},
		{
			name: "information 'reasonably accessible' elsewhere, in quotation marks",
			in: Input{Body: `REASON FOR DECISION
The information you have requested is 'reasonably accessible' elsewhere on the Transport for London site.`},
			kind:     foi.KindOther,
			evidence: []string{"refusal:s21-accessible"},
		},
		{
			name: "exempt under section 21, though the letter hedges what the pages answer",
			in: Input{Body: `Response
Please see the following web pages as I believe that your questions may be answered via the following information and is therefore exempt in accordance with section 21 (1) of the Act: Previous Dog Handler Disclosure`},
			kind:     foi.KindOther,
			evidence: []string{"refusal:s21-exempt"},
		},
		{
			name: "a decision to exempt the requested information",
			in: Input{Body: `Decision
I have decided to exempt the requested information pursuant to Section 31(a) Law Enforcement and Section 40(2) Personal Information of the Freedom of Information Act 2000. Please see exemption explanation below.`},
			kind:     foi.KindRefusal,
			evidence: []string{"refusal:decided-not-disclose"},
		},
		{
			name: "the section 17 notice alone",
			in: Input{Body: `Section 17 of the Freedom of Information Act 2000 requires the force, when refusing to provide such information (because the information is exempt) to provide you the applicant with a notice which:
(a) states that fact,
(b) specifies the exemption in question and
(c) states (if that would not otherwise be apparent) why the exemption applies.`},
			kind:     foi.KindRefusal,
			evidence: []string{"refusal:s17-notice"},
		},
		{
			name: "a public interest test weighed in a letter that attaches figures",
			in: Input{Body: `Please find attached.

Section 31(1)(a) Law Enforcement
Factors favouring disclosure
Disclosure would show how officers are deployed.
Factors favouring non-disclosure
Disclosure would show where resources are thin.`},
			kind:     foi.KindPartialResponse,
			evidence: []string{"refusal:public-interest-test"},
		},
		{
			name:     "the duty to communicate cannot be met",
			in:       Input{Body: `Having completed enquiries within the force in respect of Section 1(1)(a), the force does hold information relating to your request, however, the obligation of Section 1(1)(b) cannot be met as the force does not hold all the information requested in a format that allows it to be retrieved within the time limit.`},
			kind:     foi.KindRefusal,
			evidence: []string{"refusal:duty-cannot-be-met"},
		},
		{
			name: "a cost refusal of one question, the figures for another given",
			in: Input{Body: `With regard to question 1, to conduct these separate searches would exceed the appropriate limit (FOIA, s.12). This letter acts as a Refusal Notice for this part of the request.

However, in accordance with Section 16 of the Act I have a duty to provide advice and assistance and can provide the information requested for question 2 as this was retrieved during our initial research. Please find this below.`},
			kind:     foi.KindPartialResponse,
			evidence: []string{"response:provided", "response:as-follows"},
		},
		{
			name: "sums one per line with blank lines between, beside a part not held",
			in: Input{Body: `Q3) We do not hold any information about pagers, as none are in use.

Q5) Postage spend

2018

£512,030.50

2019

£466,364.52`},
			kind:     foi.KindPartialResponse,
			evidence: []string{"response:figure-column"},
		},
		{
			name: "a year and its columns on each line",
			in: Input{Body: `Year Vehicles seized Of which e-scooters
2018/19 4 0
2019/20 4 0
2020/21 43 12`},
			kind:     foi.KindResponse,
			evidence: []string{"response:year-figures"},
		},
		{
			name: "pending a specific response, a sheet of rights enclosed",
			in: Input{Body: `Thank you for your request for information received by the force on 13 February 2019. The Act provides that a public authority respond within 20 working days.

Pending a specific response to your request, I enclose a sheet which summarises your rights.`},
			kind:     foi.KindAcknowledgement,
			evidence: []string{"ack:pending-response"},
		},
		{
			name:     "an officer appointed to review the handling of a request",
			in:       Input{Body: `On 14 November 2025 you contacted the council to raise your concerns, as you had not yet received a substantive response to your request. I have been appointed to independently review the council's handling of your request.`},
			kind:     foi.KindInternalReview,
			evidence: []string{"review:requested"},
		},
		{
			name:     "a requested review of the way a request was dealt with",
			in:       Input{Body: `Thank you for your email of 26 February 2013 in which you have requested a formal review of the way in which the Council dealt with your request for information received by the Council on 11 January.`},
			kind:     foi.KindInternalReview,
			evidence: []string{"review:requested"},
		},
		{
			name: "the right to ask for a review, under an answer",
			in: Input{Body: `Please find attached the figures you requested.

I hope this information is helpful. Alternatively you have the right to ask for an internal review by making a formal request in writing to the FOI Officer.`},
			kind:     foi.KindResponse,
			evidence: []string{"!review:asked"},
		},
		{
			name: "what happens in the unlikely event of a late reply",
			in: Input{Body: `Thank you for your email which was received on 22 September 2017. Your request will be answered as soon as possible and at the latest within 20 working days.

In the unlikely event that we are not able to respond within 20 working days we will write to you to explain why.`},
			kind:     foi.KindAcknowledgement,
			evidence: []string{"!extension:unable-within"},
		},
		{
			name:     "FOISA: information in the public domain, section 25",
			in:       Input{Body: `Under Section 25 (1) of the Freedom of Information (Scotland) Act, we must formally advise you, this information is the public domain and is accessible through the Public Health Scotland and National Records of Scotland websites.`},
			kind:     foi.KindOther,
			evidence: []string{"refusal:s21-accessible"},
			sections: []string{"s25(1)"},
		},
		{
			name:     "a request passed to the department that will answer it",
			in:       Input{Body: `Thank you for your FOI request received on Monday 5th January 2015. Your request has been passed to the CHCP who will action it and respond to you direct.`},
			kind:     foi.KindAcknowledgement,
			evidence: []string{"ack:in-due-course"},
		},
		{
			name:     "a copy of the acknowledgement letter attached",
			in:       Input{Body: `Copy of acknowledgement letter attached.`},
			kind:     foi.KindAcknowledgement,
			evidence: []string{"ack:attached-acknowledgement"},
		},
		{
			name: "a leaflet attached to an acknowledgement is not the answer",
			in: Input{Body: `Thank you for your FOI request. Your request will be dealt with within 20 working days.

Please find attached further details on FoI with a summary of our policy and procedures for your information.`},
			kind: foi.KindAcknowledgement,
		},
		{
			name: "answers that refer to an attached document, one part over the cost limit",
			in: Input{Body: `Trust response:
1. Refer to attached document.
2. Refer to attached document.
3. A manual search of individual patient records would be required. This would exceed the appropriate cost limit under section 12(1) of the Freedom of Information Act 2000.`},
			kind:     foi.KindPartialResponse,
			evidence: []string{"response:see-attached"},
		},
		{
			name:     "our response, attached",
			in:       Input{Body: `Dear Sir, Please see our response to your Freedom of Information request attached. Kind regards`},
			kind:     foi.KindResponse,
			evidence: []string{"response:attached-response"},
		},
		{
			name:     "the responses to each question below",
			in:       Input{Body: `Please see the responses to each of your questions below:`},
			kind:     foi.KindResponse,
			evidence: []string{"response:answers"},
		},
		{
			name:     "our response to your request is as follows",
			in:       Input{Body: `Further to your email received by the Trust on 10th October 2022, our response to your request is as follows:`},
			kind:     foi.KindResponse,
			evidence: []string{"response:as-follows"},
		},
		{
			name:     "the authority, by name, can confirm a figure",
			in:       Input{Body: `The RPA can confirm that the County Parish Holding number is 45/084/0082; it was closed in 1998.`},
			kind:     foi.KindResponse,
			evidence: []string{"response:can-confirm"},
		},
		{
			name:     "not able to provide the information",
			in:       Input{Body: `We are not able to provide information on the number of staff members recorded to have had long Covid, as it is not available as a main absence reason.`},
			kind:     foi.KindRefusal,
			evidence: []string{"refusal:unable-to-provide"},
		},
		{
			name:     "the requester's full name, before the request is valid",
			in:       Input{Body: `In order to process your request please confirm your full name as the request is not deemed valid until you do so.`},
			kind:     foi.KindClarification,
			evidence: []string{"clarification:name"},
		},
		{
			name: "numbered answers that are figures, two parts not held",
			in: Input{Body: `Responded 21 November 2025:
6. Around 750.
7. Information Not Held
8. We do not hold information on bins removed.
10. 0
11. 1 withdrawn
12. 0`},
			kind:     foi.KindPartialResponse,
			evidence: []string{"response:numbered-figures"},
		},
		{
			name: "counts by year, in words",
			in: Input{Body: `(a) 2014 - None.

(b) 2015 - None.

(c) 2016 - One (residential).`},
			kind:     foi.KindResponse,
			evidence: []string{"response:year-figures"},
		},
		{
			name: "a letter that explains the time limit, then answers the first question",
			in: Input{Body: `Thank you for your request which I received on 9 June 2022. Public authorities are required to respond to requests within 20 working days.

1. How many requests were extended in 2021?
21`},
			kind:     foi.KindResponse,
			evidence: []string{"structure:answers-parts"},
		},
		{
			name:     "in response to your request, a fact confirmed",
			in:       Input{Body: `Thank you for your email of 13th March 2024. In response to your request, I can confirm that the Drainage Council is a non-departmental public body constituted under the Drainage Order 1973.`},
			kind:     foi.KindResponse,
			evidence: []string{"response:in-response-confirm"},
		},
		{
			name: "in response to your request, receipt confirmed",
			in:   Input{Body: `In response to your request, I would like to confirm receipt of it on 13 March 2024. A reply is due by 11 April 2024.`},
			kind: foi.KindAcknowledgement,
		},
		{
			name: "a council that would require clarification",
			in: Input{Body: `Dear Sir

Further to your email regarding meetings held last year. Could you please provide further information about these meetings? The council holds many meetings and we would require clarification in order to find the ones you mean.`},
			kind:     foi.KindClarification,
			evidence: []string{"clarification:need-clarification", "clarification:provide-further"},
		},
		{
			name: "a request forwarded to the department, a response in due course",
			in: Input{Body: `Dear Sir

I would now like to confirm that your request has been forwarded to the relevant department to action. A further response will be issued in due course.`},
			kind: foi.KindAcknowledgement,
		},
		{
			name:     "some of the information not provided, under the cost limit",
			in:       Input{Body: `Please now find enclosed the information you requested. You will note that some of the information requested has not been provided: the Trust considers it exempt under section 12(1), above the appropriate limit.`},
			kind:     foi.KindPartialResponse,
			evidence: []string{"response:please-find-information", "partial:explicit"},
		},
		{
			name:     "documents released with redactions",
			in:       Input{Body: `Please see the attached documents. Where information has been redacted, the relevant exemption is noted in the table in Appendix A.`},
			kind:     foi.KindPartialResponse,
			evidence: []string{"partial:redacted"},
		},
		{
			name: "the part of the request refused, the rest attached",
			in: Input{Body: `I can confirm that the Authority holds the information you have requested. I attach a PDF of the correspondence.

In respect of the part of your request for meeting notes, this information is exempt from disclosure under section 43(2) of the Freedom of Information Act 2000.`},
			kind:     foi.KindPartialResponse,
			evidence: []string{"structure:part-refused"},
		},
		{
			name: "no such policy",
			in: Input{Body: `Dear Sir

In response we would advise that there is no such policy within the Trust.`},
			kind:     foi.KindNotHeld,
			evidence: []string{"not-held:not-held"},
		},
		{
			name:     "covering note for an acknowledgement letter",
			in:       Input{Body: "Dear Ms Smith\n\nThank you for your request.\n\nPlease see attached, an acknowledgement letter about your request.\n\nRegards"},
			kind:     foi.KindAcknowledgement,
			evidence: []string{"ack:attached-acknowledgement"},
		},
		{
			name:     "covering note for the attached letter in acknowledgement",
			in:       Input{Body: "Please see the attached letter in acknowledgement of your recent FOI request.\n\nKind regards"},
			kind:     foi.KindAcknowledgement,
			evidence: []string{"ack:attached-acknowledgement"},
		},
		{
			name:    "an update attached is not an answer",
			in:      Input{Body: "Dear Mr Jones,\n\nPlease find attached an update on your FOI request.\n\nYours sincerely"},
			notKind: foi.KindResponse,
		},
		{
			name:     "our response time limit extended",
			in:       Input{Body: "We need to extend our response time limit by 20 working days to weigh the public interest. We now aim to reply by 3 March."},
			kind:     foi.KindExtension,
			evidence: []string{"extension:extend-deadline"},
		},
		{
			name:     "the date the response is due has been changed",
			in:       Input{Body: "Dear Sir,\n\nThe date that the response is due for your request, FOI2024/01234, has been changed to 14th June. A letter explaining why is attached."},
			kind:     foi.KindExtension,
			ref:      "FOI2024/01234",
			evidence: []string{"extension:date-moved"},
		},
		{
			name:     "asking the requester to grant an extension",
			in:       Input{Body: "Owing to staff absence I have not been able to gather the figures. I would be grateful if you could consider granting an extension to the time for our reply. I will respond by 20 July."},
			kind:     foi.KindExtension,
			evidence: []string{"extension:date-moved"},
		},
		{
			name:     "a delay in a complete response",
			in:       Input{Body: "We are consulting third parties about the information. As such, there will be a short delay in providing you with a full response."},
			kind:     foi.KindExtension,
			evidence: []string{"extension:date-moved"},
		},
		{
			name:     "seeking clarification on a point",
			in:       Input{Body: "Ref: FOI 100-2425\nThank you for your request. To answer it, our teams are seeking the following clarification: do you want figures by month or by year?"},
			kind:     foi.KindClarification,
			ref:      "FOI 100-2425",
			evidence: []string{"clarification:need-clarification"},
		},
		{
			name:     "grateful if you would let us know which period",
			in:       Input{Body: "We have received your request. To process it I would appreciate it if you could let me know which period the figures should cover."},
			kind:     foi.KindClarification,
			evidence: []string{"clarification:provide-further"},
		},
		{
			name:     "the time limit starts once further details arrive",
			in:       Input{Body: "Please tell us which contracts you mean. The time for our reply does not start until we receive the further details we need."},
			kind:     foi.KindClarification,
			evidence: []string{"clarification:provide-further"},
		},
		{
			name: "a fee put on hold is not a clarification",
			in: Input{Body: `Thank you for your request, received on 3 May. It will be answered within twenty working days.
A fee may be payable. In this event the 20 day time limit is put on hold until receipt of the payment.`},
			kind: foi.KindAcknowledgement,
		},
		{
			name:     "an internal review that finds the first response wrong",
			in:       Input{Body: "You asked us to look again at our reply. Having looked at the case, I find that the original response was incorrect, and I apologise."},
			kind:     foi.KindInternalReview,
			evidence: []string{"review:decision"},
		},
		{
			name:     "not this council's responsibility",
			in:       Input{Body: "We cannot help with this, as road gritting does not come under the responsibility of the District Council. It is a matter for the County Council."},
			kind:     foi.KindOther,
			evidence: []string{"other:wrong-body"},
		},
		{
			name:     "resubmit on the web form",
			in:       Input{Body: "This mailbox no longer takes requests. Please resubmit your request on our website, where the form asks for everything we need."},
			kind:     foi.KindOther,
			evidence: []string{"other:use-form"},
		},
		{
			name:     "figures given beside a part not held",
			in:       Input{Body: "Over the period there have been approximately 2,300 missed collections. This does not include garden waste, as we do not have the data for this."},
			kind:     foi.KindPartialResponse,
			evidence: []string{"response:there-were"},
		},
		{
			name:     "some of the information enclosed, some exempt",
			in:       Input{Body: "We have enclosed some of the information you asked for. Some of the information held within the scope of your request is exempt under section 43."},
			kind:     foi.KindPartialResponse,
			evidence: []string{"partial:explicit"},
		},
		{
			name:     "most of the information provided",
			in:       Input{Body: "I have provided most of the requested information, but I have not been able to give you the call signs of our specialist vehicles."},
			kind:     foi.KindPartialResponse,
			evidence: []string{"partial:explicit"},
		},
		{
			name:     "no minutes available",
			in:       Input{Body: "Thank you for your request for the minutes of May's meetings. The committee did not meet that month, so there are no minutes available."},
			kind:     foi.KindNotHeld,
			evidence: []string{"not-held:not-held"},
		},
		{
			name:     "refused in full",
			in:       Input{Body: "FOI release\nThis request was refused in full, so no information was given.\nCase reference FOI2025/00012"},
			kind:     foi.KindRefusal,
			ref:      "FOI2025/00012",
			evidence: []string{"refusal:refusing"},
		},
		{
			name:    "an appeal leaflet attached is not the answer",
			in:      Input{Body: "The figures you want are published on our website. Please see the attached information sheet for your right to appeal."},
			notKind: foi.KindResponse,
		},
		{
			name:     "the response enclosed after a reference to the request",
			in:       Input{Body: "I refer to your recent request and now enclose the Council's response.\n\nFOI Team"},
			kind:     foi.KindResponse,
			evidence: []string{"response:attached"},
		},
		{
			name:     "an answer with one thing not kept on record",
			in:       Input{Body: "1. Please see the attached spreadsheet for your response.\nWe don't keep a record of why each vehicle was off the run; stations manage this locally."},
			kind:     foi.KindPartialResponse,
			evidence: []string{"not-held:no-record-of"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Classify(&tt.in, nil)
			if tt.notKind != "" {
				if got.Kind == tt.notKind {
					t.Errorf("kind = %s", got.Kind)
				}
			} else if got.Kind != tt.kind {
				t.Errorf("kind = %s, want %s", got.Kind, tt.kind)
			}
			if got.Reference != tt.ref {
				t.Errorf("reference = %q, want %q", got.Reference, tt.ref)
			}
			if tt.sections != nil && !slices.Equal(got.Sections, tt.sections) {
				t.Errorf("sections = %q, want %q", got.Sections, tt.sections)
			}
			if got.Due != tt.due {
				t.Errorf("due = %q, want %q", got.Due, tt.due)
			}
			for _, want := range tt.evidence {
				rule, ignored := strings.CutPrefix(want, "!")
				found := false
				for _, e := range got.Evidence {
					if e.Rule != rule {
						continue
					}
					// A "!" rule matched but did not count: it was in removed
					// text, or in a conditional sentence.
					discounted := !e.Source.Counts() || (e.Kind != "" && e.Weight == 0)
					if !ignored || discounted {
						found = true
					}
				}
				if !found {
					t.Errorf("no evidence %s (discounted %v)", rule, ignored)
				}
			}
			if t.Failed() {
				for _, e := range got.Evidence {
					t.Logf("evidence: %+v", e)
				}
			}
		})
	}
}

func TestTruncatedInput(t *testing.T) {
	head := "Your request will now be considered in accordance with the Freedom of Information Act 2000.\n"
	pad := strings.Repeat("Lorem ipsum dolor sit amet.\n", (DefaultMaxScan/28)+10)
	tail := "This letter represents a Refusal Notice under Section 12(1).\n"
	got := Classify(&Input{Body: head + pad + tail}, nil)
	if !got.Truncated {
		t.Error("Truncated not set")
	}
	if got.Kind != foi.KindAcknowledgement {
		t.Errorf("kind = %s: text past MaxScan was read", got.Kind)
	}
	got = Classify(&Input{Body: head + pad + tail}, &Options{MaxScan: 1 << 20})
	if got.Truncated || got.Kind != foi.KindRefusal {
		t.Errorf("MaxScan 1 MiB: kind %s, truncated %v; want refusal, not truncated", got.Kind, got.Truncated)
	}
}

func TestKinds(t *testing.T) {
	ks := Kinds()
	if len(ks) != 11 {
		t.Fatalf("%d kinds", len(ks))
	}
	for _, k := range ks {
		if !k.Valid() {
			t.Errorf("%s not valid", k)
		}
	}
	if foi.Kind("refusal-s12").Valid() {
		t.Error("fixture spelling accepted as a kind")
	}
}

// A telephone number in a signature, however it is labelled, is not a row
// of a table; three figures in a row still are.
func TestTelephoneIsNotATableRow(t *testing.T) {
	rows := func(body string) bool {
		for _, e := range Classify(&Input{Body: body}, nil).Evidence {
			if e.Rule == "response:table-rows" {
				return true
			}
		}
		return false
	}
	for _, line := range []string{"• Office: 0300 303 3344", "Council: 0300 013 2233", "Switchboard 0191 375 2596"} {
		if rows("Thank you for your email.\n\nFOI Team\n" + line) {
			t.Errorf("%q was counted as a row of figures", line)
		}
	}
	if !rows("The figures are:\n\nBurglary 120 135 142\nRobbery 12 15 9") {
		t.Error("a row of three figures was not counted")
	}
}

// TestRuleNamesUnique: evidence names its rule, so no two rules share a
// name; a second rule of a name is an alternative of the first.
func TestRuleNamesUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range bodyRules {
		if seen[r.name] {
			t.Errorf("rule %s is defined twice", r.name)
		}
		seen[r.name] = true
	}
}
