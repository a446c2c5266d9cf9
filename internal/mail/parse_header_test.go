package mail

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestReadHeaderLenient(t *testing.T) {
	tests := []struct {
		name     string
		raw      string
		subject  string
		body     string
		problems int
	}{
		{"crlf", "Subject: a\r\nX-A: 1\r\n\r\nbody\r\n", "a", "body\r\n", 0},
		{"lf", "Subject: a\n\nbody\n", "a", "body\n", 0},
		{"folded", "Subject: a\r\n  b\r\n\tc\r\n\r\nx", "a b c", "x", 0},
		{"mbox From line", "From someone@example Mon Jan  1 00:00:00 2024\nSubject: a\n\nx", "a", "x", 0},
		{"garbage line", "Subject: a\njunk without colon\nX-B: 2\n\nx", "a", "x", 1},
		{"no blank line", "Subject: a\nDear Sir,\nthe figures.\n", "a", "Dear Sir,\nthe figures.\n", 1},
		{"space before colon", "Subject : a\n\nx", "a", "x", 0},
		{"header only", "Subject: a\n", "a", "", 0},
		{"leading continuation", " orphan\nSubject: a\n\nx", "a", "x", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, body, probs := readHeader([]byte(tt.raw))
			if got := h.Get("Subject"); got != tt.subject {
				t.Errorf("subject %q, want %q", got, tt.subject)
			}
			if string(body) != tt.body {
				t.Errorf("body %q, want %q", body, tt.body)
			}
			if len(probs) != tt.problems {
				t.Errorf("problems %q, want %d", probs, tt.problems)
			}
		})
	}
	// Get returns the first field of a name, as go-message's reader does.
	h, _, _ := readHeader([]byte("Received: first\nReceived: second\n\n"))
	if h.Get("Received") != "first" || !slices.Equal(h.Values("Received"), []string{"first", "second"}) {
		t.Errorf("Get %q Values %q", h.Get("Received"), h.Values("Received"))
	}
}

func TestHeaderText(t *testing.T) {
	tests := map[string]string{
		"=?utf-8?q?Review_=E2=80=93_GSA4850/11?=":             "Review – GSA4850/11",
		"=?iso-8859-1?q?=A3450_limit?=":                       "£450 limit",
		"=?iso-8859-1?q?=96?=":                                "–", // C1 byte read as Windows-1252
		"=?windows-1252?b?k0NhcmWU?=":                         "“Care”",
		"=?utf-8?b?UG9saWNl?= =?utf-8?b?IFNjb3RsYW5k?=":       "Police Scotland",
		"=?x-unknown?q?abc?= and =?utf-8?q?caf=C3=A9?=":       "=?x-unknown?q?abc?= and café",
		"Raw 8-bit \xa3450":                                   "Raw 8-bit £450",
		"=?koi8-r?b?8NLJ18XU?=":                               "Привет",
		"=?UTF-8?Q?Automatic_reply:_Freedom_of_Information?=": "Automatic reply: Freedom of Information",
		"plain": "plain",
	}
	for in, want := range tests {
		if got := headerText(in); got != want {
			t.Errorf("headerText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseParams(t *testing.T) {
	tests := []struct {
		in    string
		value string
		want  map[string]string
	}{
		{`text/plain; charset="UTF-8"; format=flowed`, "text/plain", map[string]string{"charset": "UTF-8", "format": "flowed"}},
		{`attachment; filename=FOI Response HQ PA 2769 19.pdf`, "attachment", map[string]string{"filename": "FOI Response HQ PA 2769 19.pdf"}},
		{`Attachment; filename*=iso-8859-1''%A3450%20limit.pdf`, "attachment", map[string]string{"filename": "£450 limit.pdf"}},
		{`attachment; filename*0*=utf-8''Caf%C3%A9%20; filename*1="figures.xlsx"`, "attachment", map[string]string{"filename": "Café figures.xlsx"}},
		{`application/pdf; name="=?utf-8?q?R=C3=A9ponse.pdf?="`, "application/pdf", map[string]string{"name": "Réponse.pdf"}},
		{`multipart/mixed; boundary="a;b"; ; `, "multipart/mixed", map[string]string{"boundary": "a;b"}},
		{`text/plain; name="quoted \"name\".txt"`, "text/plain", map[string]string{"name": `quoted "name".txt`}},
		{``, "", map[string]string{}},
	}
	for _, tt := range tests {
		v, p := parseParams(tt.in)
		if v != tt.value || !maps.Equal(p, tt.want) {
			t.Errorf("parseParams(%q) = %q %q, want %q %q", tt.in, v, p, tt.value, tt.want)
		}
	}
}

func TestParseAddressList(t *testing.T) {
	tests := []struct {
		in    string
		want  []Address
		valid bool
	}{
		{`"Rogers, Claire," <claire.rogers@btp.example>`, []Address{{Name: "Rogers, Claire,", Address: "claire.rogers@btp.example"}}, true},
		{`b_foi, West Midlands Police <foi@wmp.example>`, []Address{{Name: "b_foi, West Midlands Police", Address: "foi@wmp.example"}}, false},
		{`foi@a.example, "B" <b@b.example>`, []Address{{Address: "foi@a.example"}, {Name: "B", Address: "b@b.example"}}, true},
		{`=?utf-8?q?Jos=C3=A9?= <jose@x.example>`, []Address{{Name: "José", Address: "jose@x.example"}}, true},
		{`Info Rights <info rights@essex.example>`, []Address{{Name: "Info Rights", Address: "info rights@essex.example"}}, false},
		{`undisclosed-recipients:;`, nil, true},
	}
	for _, tt := range tests {
		got, ok := parseAddressList(tt.in)
		var flat []Address
		for _, a := range got {
			flat = append(flat, *a)
		}
		if !slices.Equal(flat, tt.want) || ok != tt.valid {
			t.Errorf("parseAddressList(%q) = %+v %v, want %+v %v", tt.in, flat, ok, tt.want, tt.valid)
		}
	}
}

func TestParseDate(t *testing.T) {
	want := time.Date(2025, 3, 14, 10, 30, 0, 0, time.UTC)
	for _, in := range []string{
		"Fri, 14 Mar 2025 10:30:00 +0000",
		"14 Mar 2025 10:30:00 +0000",
		"Fri, 14 Mar 2025 10:30:00 +0000 (GMT)",
		"Fri, 14 Mar 2025 10:30:00 GMT",
		"Fri,  14 Mar 2025 10:30:00   +0000",
		"2025-03-14T10:30:00Z",
	} {
		got, ok := parseDate(in)
		if !ok || !got.Equal(want) {
			t.Errorf("parseDate(%q) = %v %v", in, got, ok)
		}
	}
	if _, ok := parseDate("Thursday 13th March 2025"); ok {
		t.Error("nonsense date accepted")
	}
}

func TestParseMsgIDs(t *testing.T) {
	tests := map[string][]string{
		"<a@b> <c@d>":           {"a@b", "c@d"},
		"<a@b>,\r\n\t<c@d>":     {"a@b", "c@d"},
		"a@b":                   {"a@b"},
		"<a@b> (comment)":       {"a@b"},
		"Your message of <x@y>": {"x@y"},
		"":                      nil,
	}
	for in, want := range tests {
		if got := parseMsgIDs(in); !slices.Equal(got, want) {
			t.Errorf("parseMsgIDs(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSafeName(t *testing.T) {
	tests := map[string]string{
		"../../etc/passwd":                "passwd",
		`C:\Users\x\a.pdf`:                "a.pdf",
		"bad\x00name\x1f.csv":             "badname.csv",
		"..":                              "",
		"  spaced .xlsx ":                 "spaced .xlsx",
		strings.Repeat("é", 200) + ".pdf": strings.Repeat("é", 127),
	}
	for in, want := range tests {
		if got := safeName(in); got != want {
			t.Errorf("safeName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDecodeCharset(t *testing.T) {
	tests := []struct {
		in, cs, want string
		problem      bool
	}{
		{"caf\xe9", "iso-8859-1", "café", false},
		{"\x93quoted\x94 \x80", "windows-1252", "“quoted” €", false},
		{"caf\xc3\xa9", "us-ascii", "café", false}, // UTF-8 mislabelled as ASCII
		{"caf\xe9", "utf-8", "café", true},         // Latin-1 mislabelled as UTF-8
		{"caf\xc3\xa9 \xff", "utf-8", "café \uFFFD", true},
		{"caf\xe9", "x-no-such-charset", "café", true},
		{"\xef\xbb\xbfBOM", "utf-8", "BOM", false},
		{"\xcf\xf0\xe8\xe2\xe5\xf2", "windows-1251", "Привет", false},
		{"\x1b$B$3$s$K$A$O\x1b(B", "iso-2022-jp", "こんにちは", false},
	}
	for _, tt := range tests {
		got, prob := decodeCharset([]byte(tt.in), tt.cs)
		if got != tt.want || (prob != "") != tt.problem {
			t.Errorf("decodeCharset(%q, %q) = %q, %q", tt.in, tt.cs, got, prob)
		}
	}
}
