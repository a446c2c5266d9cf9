package classify

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestReference(t *testing.T) {
	tests := []struct {
		name, force, subject, body string
		want                       string
	}{
		{"met subject only", "metropolitan",
			"RE: Freedom of Information Request Reference No: 01/FOI/23/029569", "Please see attached.", "01/FOI/23/029569"},
		{"met web dots, no force hint", "",
			"", "Freedom of information request reference no: 01.FOI.23.029569\nI note you seek access", "01.FOI.23.029569"},
		{"a prefix of five letters", "",
			"", "Our ref: HWHCT-340\n19 January 2023", "HWHCT-340"},
		{"a prefix spaced from its number", "",
			"", "Our ref HWHCT- 228\nDear Sir", "HWHCT- 228"},
		{"the reference of your request, in brackets", "",
			"", "I am writing with reference to your information request (reference 64545569), which was received on 28 September 2025.", "64545569"},
		{"the reference of your request, after a comma", "",
			"", "Please find attached the response to your FOI request, reference 201718/304.", "201718/304"},
		{"numbers spaced, the whole line", "",
			"", "Our Ref: FOI 19 31\nDear Sir", "FOI 19 31"},
		{"numbers spaced, before a table's bar", "",
			"", "Ref: FOI 21-22 08 |\nDate issued", "FOI 21-22 08"},
		{"a serial after a year span, the prefix in mixed case", "",
			"", "Ref: GSA FoI 18/19 391\nDear Sir", "GSA FoI 18/19 391"},
		{"a serial after a year span and a colon", "",
			"", "Request Ref: NGFOI 09/10: 221\nDear Sir", "NGFOI 09/10: 221"},
		{"words after the numbers end the reference", "",
			"", "Our ref: FOI 18/19 and 391\nDear Sir", "FOI 18/19"},
		{"the reference number of your request is", "",
			"", "Your request was received on 12 March. The reference number of your request is 3704.", "3704"},
		{"quoting your reference, wrapped", "",
			"", "If you have any queries, please contact us quoting your reference CRM FOI\n7098\n\nRegards", "CRM FOI 7098"},
		{"Ref. No. with dots", "",
			"", "Ref. No.: FOI 798\nDate: 4 May", "FOI 798"},
		{"your request named by the body's number", "",
			"", "Dear Sir\n\nYour information request - F19/10046/SJ\n\nThank you for your email.", "F19/10046/SJ"},
		{"your request for information, ref.", "",
			"", "Your request for information ref. SOT69607\nThank you for your request.", "SOT69607"},
		{"your own reference is still skipped", "",
			"", "Your ref: ABC/12345\nOur ref: FOI 4521\nDear Sir", "FOI 4521"},
		{"a date after a reference is not part of it", "",
			"", "Our ref: 4521 12 May 2023\nDear Sir", "4521"},
		{"a date in figures after a reference is not part of it", "",
			"", "Our ref: 4521 12/05/2023\nDear Sir", "4521"},
		{"an FOI/EIR request's number in the subject", "",
			"FOI/EIR Request - 2209261049", "Dear Sir,\n\nWe have been asked to seek a clarification.", "2209261049"},
		{"an FOI/EIR reference, after a slash", "",
			"", "Your reference number\nFOI/EIR reference / 010196\nDate / 4th February 2013", "010196"},
		{"eight letters run into the number", "",
			"", "Applicant: [requester]\nReference: IGTFOISA9553\nPlease find attached response to your request.", "IGTFOISA9553"},
		{"FOI/EIR with a third part, in the subject", "",
			"FOI/EIR 25/26-392-Littering Enforcement", "Request received 11 November 2025", "FOI/EIR 25/26-392"},
		{"North Yorkshire's serial and year", "north-yorkshire",
			"Vehicle fleet list for Marked and Unmarked vehicles (1246.2018-19)", "I write in connection with your request for information.", "1246.2018-19"},
		{"recorded under reference", "",
			"", "I have recorded your request for information under reference F2021.08.4687.", "F2021.08.4687"},
		{"with reference to a request is no reference", "",
			"", "I am writing with reference to your request dated 5 May 2023.", ""},
		{"requester's ref skipped", "kent",
			"", "Your ref: JS/2016/014\nOur ref: 16/06/669\nDear Mr Stuart", "16/06/669"},
		{"requester's ref in force format skipped", "nottinghamshire",
			"", "Your Ref: 123456/16\nThank you for your letter.", ""},
		{"kent date is not a reference", "kent",
			"", "Date: 25/06/2014\nThank you for your request received on 25/06/2014.", ""},
		{"kent reference after a date", "kent",
			"", "Date: 25/09/2020\nFREEDOM OF INFORMATION REQUEST 20/09/1088\nDear Sir", "20/09/1088"},
		{"financial year is not a BTP reference", "british-transport-police",
			"", "Thefts in 2010-11 compared with 2011-12.", ""},
		{"BTP legacy", "british-transport-police",
			"", "Freedom of Information: Right to know request 1009-11", "1009-11"},
		{"essex subject serial", "essex",
			"RE: 13925 Police vehicles", "Your request has been logged under the above reference.", "13925"},
		{"essex FOI prefix", "essex",
			"FOI 23526 - Stop and search", "Your request has been logged under the above reference.", "FOI 23526"},
		{"subject opening with the number", "", "FOI 4538 / January 2023 / Incident Data", "Please see below.", "FOI 4538"},
		{"please quote the reference", "", "", "Please quote ref. CAS-12345-X9Y8Z7 on all correspondence\nDear Sir", "CAS-12345-X9Y8Z7"},
		{"underscores in a labelled reference", "", "", "Our Ref: FOI_07_2019\nDear Sir", "FOI_07_2019"},
		{"subject opening with the number, no space", "", "FOI4719 / October 2024 / Alarms", "Please see below.", "FOI4719"},
		{"subject opening with year and serial", "", "FOI 2023 150 - Maternity services", "Please see below.", "FOI 2023 150"},
		{"subject opening with a response number", "", "Response A1345264", "Please see below.", "A1345264"},
		{"subject opening with a year is no reference", "", "FOI 2023 figures for stop and search", "Please see below.", ""},
		{"Welsh bilingual label", "", "", "Our ref / Ein cyf: 2021-1083F\nDear Sir", "2021-1083F"},
		// A disclosure log's fields: the label on one line, the value on the next.
		{"disclosure-log FOI ID", "", "", "Public Health Funerals\n\nFOI ID: \n8186\nFOI Date: \nTuesday, 21 September 2021", "8186"},
		{"disclosure-log request ID", "", "", "Request ID\n14259\nDate Received\nDate Resolved", "14259"},
		{"FOI number", "", "", "FoI Number\n2022-790\nSubject\nFOIs", "2022-790"},
		{"EIR number", "", "", "EIR No: 5521/24\nDear Sir", "5521/24"},
		{"FOI and four digits", "", "", "Thank you for your request, FOI/4538, received on 3 May.", "FOI/4538"},
		{"EIR and a number", "", "", "Your request EIR 20431 has been considered under the Regulations.", "EIR 20431"},
		{"FOI and a year is none", "", "", "Thank you for your FOI 2023 enquiry about stop and search.", ""},
		{"case code in a subject", "", "Number of cases dropped in the last 3 years - (R016568) - August", "Please see below.", "R016568"},
		{"our own token is no case code", "", "RE: Community resolutions [FOI cro-2025/durham]", "Please see below.", ""},
		{"a short code is none", "", "RE: Stop and search on the M25 in 2023", "Please see below.", ""},
		// An acknowledgement announces the reference it gives.
		{"allocated reference", "", "", "Your request has been allocated reference 124-16.\nPlease quote it.", "124-16"},
		{"your reference number is", "", "", "Your reference number for the request is FOI-19-3401.", "FOI-19-3401"},
		{"our reference is", "", "", "Our reference is 2024/0815 and we will reply by 3 May.", "2024/0815"},
		{"your ref label stays the requester's", "", "", "Your reference: AB/123/24\nThank you for your letter.", ""},
		{"a request id that is a date is none", "", "", "Request ID\n21/09/2021\nDate Received", ""},
		{"FOIA before the number", "", "", "Please quote reference number FOIA 227/01/17 in all future correspondence.", "FOIA 227/01/17"},
		{"information request label", "", "", "Information Request FOI/2018/017\nDear Sir", "FOI/2018/017"},
		{"letters and a space before the number", "", "", "Request for Information: ATISN 15980 – Location of coal tips", "ATISN 15980"},
		{"a lower-case word is not a prefix", "", "", "Reference: dated 12/03/2023\nDear Sir", ""},
		{"a heading line of the letter", "", "", "FOI 4024 2023/24\n\nCyber attacks\nPublished 29 May 2024", "FOI 4024 2023/24"},
		{"a heading line below the first three is not read", "", "", "Trust\nHeadquarters\nFOI team\nDear Sir\nResponse 4024 2023/24", ""},
		{"a reference on a line of its own", "", "", "Manylion\n22 June 2022\nDear\nATISN 16387\nThank you for your request.", "ATISN 16387"},
		{"a document exchange is not a reference", "", "", "County Hall\nDX 12345\nDear Sir", ""},
		{"a dash after the label", "", "", "Request for Information – ATISN 16048\nDear Sir", "ATISN 16048"},
		{"a labelled reference wrapped across lines", "", "", "Our ref: FOI\n000148/21\nDear Sir", "FOI 000148/21"},
		{"psni generations", "psni", "", "Our Reference: F-2023-00875", "F-2023-00875"},
		{"psni request number", "psni", "", "Request Number: FOI/15521\nCategory: Crime", "FOI/15521"},
		{"scotland", "police-scotland", "", "OFFICIAL\nOur Ref: IM-FOI-2021-0942\nYour Ref:", "IM-FOI-2021-0942"},
		{"hampshire JIMU", "hampshire", "", "Our ref: CM/PA/000829/21", "CM/PA/000829/21"},
		{"durham", "durham", "", "Our Ref: DC/FOI 782/17", "DC/FOI 782/17"},
		{"gmp heading", "greater-manchester", "", "FREEDOM OF INFORMATION REQUEST REFERENCE NO: 4850/11", "4850/11"},
		{"gmp legacy unlabelled", "greater-manchester", "Re: request GSA4850/11", "Dear Sir", "GSA4850/11"},
		{"cnc", "civil-nuclear-constabulary", "", "Ref: FOI 2009-038", "FOI 2009-038"},
		{"label beats an unlabelled match", "west-midlands",
			"", "Figures for 2012/13.\nOur ref: 1506A/21", "1506A/21"},
		{"distinctive format of another force", "surrey", "", "Further to HQ/PA/004666/19, see attached.", "HQ/PA/004666/19"},
		{"no reference", "merseyside", "Freedom of Information request - Tasers",
			"Your email to the Merseyside Police Freedom of Information (FOI) in box is acknowledged.", ""},
		{"reference number wording without a number", "", "",
			"please contact us quoting the reference number above", ""},
		{"label with a table separator", "leicestershire", "", "Our Ref: / 2605/15\nYour Ref:\nAddress Correspondence to:", "2605/15"},
		{"another request's number that refers", "northumbria", "",
			"cannot be disclosed for the reasons outlined in our response to your previous submission, 232/20 refers.", ""},
		{"the number of an earlier request", "northumbria", "",
			"this request has been aggregated with your previous request FOIA 1265/19 refers, for time/cost implications", ""},
		{"own number beside another request's", "northumbria", "",
			"Police buildings - 256/18\nThis follows your earlier request 201/18.", "256/18"},
		{"a label whose reference opens the next line after a dash", "", "",
			"INFORMATION REQUEST - REF NO\n-FOIS5762 (please quote in correspondence)\nI acknowledge your request", "FOIS5762"},
		{"a bracketed ref after the request", "", "",
			"I am writing in response to your request for information below (ref 1585).", "1585"},
		{"a bracketed reference word alone is no label", "", "",
			"the figures (reference 2019 tables) are attached", ""},
		{"an FOI enquiry's number in brackets", "", "",
			"Further to your recent FOI enquiry (22736) having completed my enquiries,", "22736"},
		{"a year in brackets after a request is no reference", "", "",
			"Further to your freedom of information request (2019) I attach", ""},
		{"a prefix spaced before its separator", "", "",
			"Our Ref: FOI -18/1890941 Your Ref: Council Offices", "FOI -18/1890941"},
		{"chained prefixes on a line alone", "", "",
			"Dear Sir\n\nLFS/AH/RSN17615\n\nThank you for your request", "LFS/AH/RSN17615"},
		{"a case code spaced from its letters in the subject", "",
			"Complaint in respect of ATISN 16332", "You requested an internal review.", "ATISN 16332"},
		{"a subject that opens with the request's number", "",
			"20140242 – NDA response 2", "Please find attached our response.", "20140242"},
		{"a subject that opens with a count is no reference", "",
			"12 questions on parking", "Please find attached our response.", ""},
		{"learned from a quoted acknowledgement", "west-yorkshire", "",
			"Please see the attached response.\n\n-----Original Message-----\nFrom: FOI\nSent: 1 May 2023\n\nFOI reference FOI 1730525/23", "FOI 1730525/23"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ev, ok := Reference(tt.force, tt.subject, tt.body)
			if got != tt.want || ok != (tt.want != "") {
				t.Fatalf("Reference = %q, %v; want %q (evidence %+v)", got, ok, tt.want, ev)
			}
			if ok && (!strings.HasPrefix(ev.Rule, "ref:") || !strings.Contains(ev.Phrase, got)) {
				t.Errorf("evidence %+v does not name the rule and quote the reference", ev)
			}
		})
	}
}

func TestNormaliseReference(t *testing.T) {
	same := [][2]string{
		{"01.FOI.23.029569", "01/FOI/23/029569"},
		{"01/foi/23/029569", " 01 / FOI / 23 / 029569 "},
		{"GSA4850/11", "GSA/4850/11"},
		{"HQ/PA/002769/19", "HQ PA 2769 19"},
		{"16/06/669", "16 06 669"},
		{"FOI 002559/17", "FOI002559/17"},
		{"709_15", "709/15"},
		{"FOI/00013725", "FOI/13725"},
		{"FOI 951/18", "951/18"},
		{"FOISA 0050/2011", "0050/2011"},
	}
	for _, p := range same {
		if a, b := NormaliseReference(p[0]), NormaliseReference(p[1]); a != b {
			t.Errorf("%q -> %q, %q -> %q: want equal", p[0], a, p[1], b)
		}
	}
	differ := [][2]string{
		{"FOI/15521", "FOI/15522"},
		{"F-013412", "FOI-13412"},
		{"HQ/PA/002769/19", "CM/PA/002769/19"},
		{"5607", "5608"},
		{"DC/FOI 782/17", "782/17"},
		{"01/FOI/23/029569", "23/029569"},
	}
	for _, p := range differ {
		if NormaliseReference(p[0]) == NormaliseReference(p[1]) {
			t.Errorf("%q and %q normalise alike", p[0], p[1])
		}
	}
	if got := NormaliseReference("01.FOI.23.029569"); got != "1/FOI/23/29569" {
		t.Errorf("key = %q", got)
	}
	if got := NormaliseReference(""); got != "" {
		t.Errorf("empty -> %q", got)
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct{ in, want string }{
		{"25/06/2014", "2014-06-25"},
		{"25.06.2014", "2014-06-25"},
		{"1/2/15", "2015-02-01"}, // day first
		{"2014-06-25", "2014-06-25"},
		{"13 May 2011", "2011-05-13"},
		{"13th May 2011", "2011-05-13"},
		{"12^th April 2021", "2021-04-12"},
		{"on the 3rd February 2017", "2017-02-03"},
		{"3rd of February 2017", "2017-02-03"},
		{"Monday 3 March 2025", "2025-03-03"},
		{"Wednesday, 12 December 2012", "2012-12-12"},
		{"your email dated 15th November 2012within which", "2012-11-15"},
		{"dated17th October 2012", "2012-10-17"},
		{"January 28, 2025 | Organisational Information", "2025-01-28"},
		{"6 Sept 2016", "2016-09-06"},
		{"29/02/2024", "2024-02-29"},
		{"received on 25/06/2014.  I note", "2014-06-25"},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in)
		if err != nil {
			t.Errorf("ParseDate(%q): %v", tt.in, err)
			continue
		}
		if s := got.Format(DateLayout); s != tt.want {
			t.Errorf("ParseDate(%q) = %s, want %s", tt.in, s, tt.want)
		}
		if got.Location() != time.UTC || got.Hour() != 0 {
			t.Errorf("ParseDate(%q) = %v, want midnight UTC", tt.in, got)
		}
	}
	for _, in := range []string{"31/02/2014", "29/02/2023", "16/06/669", "2014060002719",
		"13 Mayfair 2011", "March 2017", "2012/13", "1009-11", "FOI 1730525/23", ""} {
		if got, err := ParseDate(in); !errors.Is(err, ErrNoDate) {
			t.Errorf("ParseDate(%q) = %v, %v; want ErrNoDate", in, got, err)
		}
	}
}

func TestReceivedDate(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Date received: 3 March 2025", "2025-03-03"},
		{"We received your request on 4 April 2024 and will respond.", "2024-04-04"},
		{"Thank you for your request dated 1 May 2020, which we received on 3 May 2020.", "2020-05-03"},
		{"If you have received this email in error on 1 May 2020 please delete it.", ""},
		{"Your request was received. On 1 May 2020 we wrote to you.", ""},
	}
	for _, tt := range tests {
		got, _, _ := receivedDate(normaliseText(tt.in))
		if got != tt.want {
			t.Errorf("receivedDate(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSections(t *testing.T) {
	tests := []struct {
		in, force string
		want      []string
	}{
		{"exempt under Section 40(2) of the Freedom of Information Act 2000", "", []string{"s40(2)"}},
		{"by virtue of Sections 24(2) and 30(3) of the Act", "", []string{"s24(2)", "s30(3)"}},
		{"Sections 23, 24 and 31 apply", "", []string{"s23", "s24", "s31"}},
		{"a dispersal order under section 34 of the Anti-Social Behaviour, Crime and Policing Act 2014", "", []string{}},
		{"section 38 of the Data Protection Act 2018", "", []string{}},
		{"In accordance with section 21 of the FOI Act, we are not obliged to supply", "", []string{"s21"}},
		{"section 30 of the FOI(S) Act", "", []string{"s30"}},
		{"s.31(1)(a) law enforcement", "", []string{"s31(1)"}},
		{"S40(2) personal information", "", []string{"s40(2)"}},
		{"Section 17(5) requires ... Section 12 ... under Section 12(1)", "", []string{"s12(1)"}},
		{"Section 12(1) and Section 12(2)", "", []string{"s12(1)", "s12(2)"}},
		{"section 10 of the Act; Section 16 advice; Section 1(1)(a)", "", []string{}},
		{"section 17 of the Freedom of Information (Scotland) Act 2002", "", []string{"s17"}},
		{"section 17 refusal notice", "", []string{}},
		{"section 38(1)(a) health and safety", "police-scotland", []string{"s38(1)"}},
		{"section 43 commercial interests", "police-scotland", []string{}}, // not a FOISA exemption
	}
	for _, tt := range tests {
		got, _ := citedSections(normaliseText(tt.in), tt.force, &collector{})
		if !slices.Equal(got, tt.want) {
			t.Errorf("citedSections(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// A reference only in the attached letter's file name is found, below
// anything the text says; dates and years in file names are not taken.
func TestReferenceFromFileName(t *testing.T) {
	tests := []struct {
		name, force, subject, body string
		files                      []string
		want                       string
	}{
		{"labelled number in the letter's name", "british-transport-police", "", "Please find attached our response.",
			[]string{"FOI Response 1068 16.pdf"}, "1068 16"},
		{"underscores", "", "", "Please see the attached letter.", []string{"FOIA_2023_0412_response.pdf"}, "2023 0412"},
		{"force format in the name", "metropolitan", "", "Please see attached.", []string{"Response 01.FOI.23.029569.pdf"}, "01.FOI.23.029569"},
		{"the text's reference wins", "", "", "Our ref: 294/25\nPlease see attached.", []string{"FOI 1068-16.pdf"}, "294/25"},
		{"a dated name is not a reference", "", "", "Please see attached.", []string{"FOI response 12.05.2023.pdf"}, ""},
		{"an ISO date is not a reference", "", "", "Please see attached.", []string{"FOI_2023-05-12.pdf"}, ""},
		{"digits of a date are not a reference", "", "", "Please see attached.", []string{"FOI 20230512.pdf"}, ""},
		{"a year is not a reference", "", "", "Please see attached.", []string{"FOI request 2023.docx"}, ""},
		{"a name with no label gives nothing", "", "", "Please see attached.", []string{"Stop and search 1234.xlsx"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &Input{Force: tt.force, Subject: tt.subject, Body: tt.body}
			for _, f := range tt.files {
				in.Letters = append(in.Letters, Letter{Name: f, Text: "Thank you for your request."})
			}
			res := Classify(in, nil)
			if res.Reference != tt.want {
				t.Errorf("reference %q, want %q", res.Reference, tt.want)
			}
		})
	}
}
