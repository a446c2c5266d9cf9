package mail

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func parseFixture(t *testing.T, name string) *Message {
	t.Helper()
	m, err := Parse(readFixture(t, name), nil)
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return m
}

func sourceFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "files", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// wantText checks that text is the reply body, line endings and trailing
// blanks aside.
func wantText(t *testing.T, got, body string) {
	t.Helper()
	if want := normalizeText(body); got != want {
		gl, wl := strings.Split(got, "\n"), strings.Split(want, "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("text differs at line %d:\n got %q\nwant %q", i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("text has %d lines, body %d", len(gl), len(wl))
	}
}

func noProblems(t *testing.T, m *Message) {
	t.Helper()
	if len(m.Problems) > 0 {
		t.Errorf("problems on a sound message: %q", m.Problems)
	}
}

func attachmentNames(m *Message) []string {
	var out []string
	for _, a := range m.Attachments {
		out = append(out, a.Name())
	}
	return out
}

func TestParsePlainReply(t *testing.T) {
	m := parseFixture(t, "plain-reply.eml")
	noProblems(t, m)
	wantText(t, m.Text, loadReply(t, "01-acknowledgement-metropolitan").body)
	if m.Subject != "RE: Freedom of Information request - Correspondence [FOI cro-2025/metropolitan]" {
		t.Errorf("subject %q", m.Subject)
	}
	if m.From.Name != "Metropolitan Police Service" || m.From.Address != "foi.requests@metropolitan.police.example" {
		t.Errorf("from %+v", m.From)
	}
	if len(m.To) != 1 || m.To[0].Address != "foi@foidesk.example" {
		t.Errorf("to %+v", m.To)
	}
	if want := requestID("metropolitan"); !slices.Equal(m.InReplyTo, []string{want}) || !slices.Equal(m.References, []string{want}) {
		t.Errorf("in-reply-to %q references %q, want %q", m.InReplyTo, m.References, want)
	}
	if !strings.HasSuffix(m.MessageID, "@metropolitan.police.example") || strings.ContainsAny(m.MessageID, "<>") {
		t.Errorf("message-id %q", m.MessageID)
	}
	if want := time.Date(2025, 3, 3, 9, 41, 7, 0, time.UTC); !m.Date.Equal(want) {
		t.Errorf("date %v, want %v", m.Date, want)
	}
	if m.HTML != "" || len(m.Attachments) != 0 || m.AutoReply || m.Bounce != nil {
		t.Errorf("html %d bytes, %d attachments, auto %v, bounce %v", len(m.HTML), len(m.Attachments), m.AutoReply, m.Bounce)
	}
	if got := m.Header.Get("Received"); !strings.Contains(got, "mx.police.example") {
		t.Errorf("raw header Received = %q", got)
	}
}

func TestParseHTMLOnlyReplyKeepsTable(t *testing.T) {
	m := parseFixture(t, "html-table.eml")
	noProblems(t, m)
	body := loadReply(t, "08-response-norfolk").body
	rows, start, end := norfolkTable(t, body)
	if !strings.Contains(m.HTML, "<table") {
		t.Fatal("HTML body not kept")
	}
	got := lines(m.Text)
	// Each table row is one line of tab-separated cells, in order.
	at := -1
	for _, r := range rows {
		want := strings.Join(r, "\t")
		i := slices.Index(got, want)
		if i < 0 {
			t.Fatalf("row %q not in the text:\n%s", want, m.Text)
		}
		if i != at+1 && at >= 0 {
			t.Errorf("row %q at line %d, want %d", want, i, at+1)
		}
		at = i
	}
	// The paragraphs around the table are there, one per line.
	for _, para := range lines(body[:start] + body[end:]) {
		if !slices.Contains(got, strings.Join(strings.Fields(para), " ")) {
			t.Errorf("paragraph missing: %q", para)
		}
	}
}

func TestParseAttachments(t *testing.T) {
	m := parseFixture(t, "attachments.eml")
	noProblems(t, m)
	// text/plain is preferred to the HTML alternative.
	wantText(t, m.Text, loadReply(t, "34-response-avon-and-somerset").body)
	if !strings.Contains(m.HTML, "cid:logo001.png") {
		t.Error("HTML alternative not kept")
	}
	want := []struct {
		name, ctype, file string
		inline            bool
	}{
		{"image001.png", "image/png", "logo.png", true},
		{"FOI 1234-16 Response.pdf", "application/pdf", "response.pdf", false},
		{"Arrests 2014-2016.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "figures.xlsx", false},
	}
	if len(m.Attachments) != len(want) {
		t.Fatalf("attachments %q", attachmentNames(m))
	}
	for i, w := range want {
		a := m.Attachments[i]
		if a.Filename != w.name || a.ContentType != w.ctype || a.Inline != w.inline || len(a.Path) != 0 {
			t.Errorf("attachment %d: %q %q inline=%v path=%q; want %q %q inline=%v", i, a.Filename, a.ContentType, a.Inline, a.Path, w.name, w.ctype, w.inline)
		}
		src := sourceFile(t, w.file)
		if !bytes.Equal(a.Data, src) {
			t.Errorf("%s: %d bytes differ from testdata/files/%s", a.Filename, len(a.Data), w.file)
		}
		if a.SHA256 != sha(src) {
			t.Errorf("%s: sha256 %s, want %s", a.Filename, a.SHA256, sha(src))
		}
	}
	if m.Attachments[0].ContentID != "logo001.png@01DB9A1C.5E3A2B10" {
		t.Errorf("content-id %q", m.Attachments[0].ContentID)
	}
}

func TestParseForwardedMessage(t *testing.T) {
	m := parseFixture(t, "forwarded.eml")
	noProblems(t, m)
	if !strings.HasPrefix(m.Text, "Good morning,") || strings.Contains(m.Text, "1112-2023 I write") {
		t.Errorf("text is not the outer message's: %q", m.Text)
	}
	if len(m.Attachments) != 1 {
		t.Fatalf("attachments %q", attachmentNames(m))
	}
	a := m.Attachments[0]
	if a.Filename != "dispersal-orders.csv" || !slices.Equal(a.Path, []string{"FOI 1112-2023 response.eml"}) || a.ContentType != "text/csv" {
		t.Errorf("attachment %q path %q type %q", a.Filename, a.Path, a.ContentType)
	}
	if !bytes.Equal(a.Data, sourceFile(t, "dispersal-orders.csv")) {
		t.Error("csv bytes differ")
	}
	// The forwarded message's own text is kept beside the outer one's.
	if len(m.AttachedTexts) != 1 {
		t.Fatalf("%d attached texts, want the forwarded message's", len(m.AttachedTexts))
	}
	wantText(t, m.AttachedTexts[0], loadReply(t, "28-response-warwickshire").body)
}

func TestParseForwardedOnlyUsesInnerText(t *testing.T) {
	// A message forwarded as an attachment with no text of its own gives
	// the inner message's text.
	raw := readFixture(t, "forwarded.eml")
	i := bytes.Index(raw, []byte("Content-Type: text/plain"))
	j := bytes.Index(raw, []byte("--outer-boundary-17\r\nContent-Type: message/rfc822"))
	if i < 0 || j < i {
		t.Fatal("fixture layout changed")
	}
	raw = append(bytes.Clone(raw[:i-len("--outer-boundary-17\r\n")]), raw[j:]...)
	m, err := Parse(raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantText(t, m.Text, loadReply(t, "28-response-warwickshire").body)
}

func TestParseZipNested(t *testing.T) {
	m := parseFixture(t, "zip.eml")
	noProblems(t, m)
	want := []struct {
		name string
		path []string
		file string
	}{
		{"figures.csv", []string{"data.zip", "2024/"}, "figures.csv"},
		{"notes.txt", []string{"data.zip"}, "notes.txt"},
		{"table.xlsx", []string{"data.zip", "archive/", "inner.zip"}, "figures.xlsx"},
		{"totals.csv", []string{"data.zip", "archive/", "inner.zip", "deeper/"}, "totals.csv"},
	}
	if len(m.Attachments) != len(want) {
		t.Fatalf("attachments %q", attachmentNames(m))
	}
	for i, w := range want {
		a := m.Attachments[i]
		if a.Filename != w.name || !slices.Equal(a.Path, w.path) {
			t.Errorf("attachment %d: %q in %q, want %q in %q", i, a.Filename, a.Path, w.name, w.path)
		}
		if !bytes.Equal(a.Data, sourceFile(t, w.file)) {
			t.Errorf("%s: bytes differ from %s", a.Name(), w.file)
		}
	}
	if got := m.Attachments[3].Name(); got != "data.zip/archive/inner.zip/deeper/totals.csv" {
		t.Errorf("Name() = %q", got)
	}
	if m.Attachments[2].ContentType != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Errorf("xlsx from a zip typed %q", m.Attachments[2].ContentType)
	}
	// The unquoted comma in the display name is read leniently.
	if m.From.Address != "foi@west-midlands.police.example" || m.From.Name != "b_foi, West Midlands Police" {
		t.Errorf("from %+v", m.From)
	}
}

func TestParseWinmailDat(t *testing.T) {
	sums := readTNEFSums(t)["attachments.tnef"]
	m := parseFixture(t, "winmail.eml")
	noProblems(t, m)
	wantText(t, m.Text, loadReply(t, "14-extension-greater-manchester").body)
	want := readTNEFReadme(t)["attachments.tnef"].names
	if len(m.Attachments) != len(want) {
		t.Fatalf("attachments %q, want %q", attachmentNames(m), want)
	}
	for i, a := range m.Attachments {
		if a.Filename != want[i] || !slices.Equal(a.Path, []string{"winmail.dat"}) {
			t.Errorf("attachment %q in %q, want %q in winmail.dat", a.Filename, a.Path, want[i])
		}
		if a.SHA256 != sums[a.Filename] {
			t.Errorf("%s: sha256 %s, tnef(1) gives %s", a.Filename, a.SHA256, sums[a.Filename])
		}
	}
	if m.Attachments[0].ContentType != "image/jpeg" || m.Attachments[1].ContentType != "text/html" {
		t.Errorf("types %q %q", m.Attachments[0].ContentType, m.Attachments[1].ContentType)
	}
}

func TestParseWinmailOnlyBody(t *testing.T) {
	m := parseFixture(t, "winmail-only.eml")
	noProblems(t, m)
	sums := readTNEFSums(t)["unicode-mapi-attr-name.tnef"]
	if sha([]byte(m.HTML)) != sums["body.html"] {
		t.Error("HTML body is not winmail.dat's")
	}
	if !strings.HasPrefix(m.Text, "Przesyłam poprawiony plik\n") || strings.Contains(m.Text, "<p") || strings.Contains(m.Text, "<div") {
		t.Errorf("text from the TNEF HTML body: %q", m.Text)
	}
	var inline, files []string
	for _, a := range m.Attachments {
		if a.SHA256 != sums[a.Filename] {
			t.Errorf("%s: sha256 differs from tnef(1)", a.Filename)
		}
		if a.Inline {
			inline = append(inline, a.Filename)
		} else {
			files = append(files, a.Filename)
		}
	}
	if !slices.Equal(inline, []string{"image001.png", "image002.png", "image003.png"}) || !slices.Equal(files, []string{"spaconsole2.cfg"}) {
		t.Errorf("inline %q, files %q", inline, files)
	}
}

func TestParseCharsets(t *testing.T) {
	tests := []struct {
		file, reply, subject, mustHave string
	}{
		{"latin1.eml", "12-refusal-s12-south-wales", "RE: FOI 825/25 – cost limit £450", "£"},
		{"cp1252.eml", "25-refusal-s12-thames-valley", "RE: Freedom of Information request - HQ/PA/002769/19", "’"},
		{"utf8-qp.eml", "16-internal-review-greater-manchester", "Review of Freedom of Information Request – GSA4850/11", "“"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			m := parseFixture(t, tt.file)
			noProblems(t, m)
			wantText(t, m.Text, loadReply(t, tt.reply).body)
			if !strings.Contains(m.Text, tt.mustHave) {
				t.Errorf("text lacks %q", tt.mustHave)
			}
			if m.Subject != tt.subject {
				t.Errorf("subject %q, want %q", m.Subject, tt.subject)
			}
		})
	}
}

func TestParseAutoReplies(t *testing.T) {
	m := parseFixture(t, "auto-reply.eml")
	noProblems(t, m)
	if !m.AutoReply || m.AutoReplyReason != "Auto-Submitted: auto-replied" {
		t.Errorf("auto %v %q", m.AutoReply, m.AutoReplyReason)
	}
	wantText(t, m.Text, loadReply(t, "03-acknowledgement-merseyside").body)
	m = parseFixture(t, "out-of-office.eml")
	if !m.AutoReply || !strings.HasPrefix(m.AutoReplyReason, "Precedence: bulk") {
		t.Errorf("auto %v %q", m.AutoReply, m.AutoReplyReason)
	}
	if m.Bounce != nil {
		t.Error("an out-of-office notice is not a bounce")
	}
	for _, name := range []string{"plain-reply.eml", "attachments.eml", "latin1.eml"} {
		if m := parseFixture(t, name); m.AutoReply {
			t.Errorf("%s: auto reply (%s)", name, m.AutoReplyReason)
		}
	}
}

func TestParseDSNBounce(t *testing.T) {
	m := parseFixture(t, "dsn.eml")
	noProblems(t, m)
	b := m.Bounce
	if b == nil {
		t.Fatal("no bounce")
	}
	if b.OriginalMessageID != requestID("kent") {
		t.Errorf("original id %q, want %q", b.OriginalMessageID, requestID("kent"))
	}
	if b.Recipient != "foi@kent.police.example" || b.Status != "5.1.1" || b.Action != "failed" || !b.Permanent() {
		t.Errorf("bounce %+v", b)
	}
	if !strings.HasPrefix(b.Diagnostic, "550 5.1.1 <foi@kent.police.example>: Recipient address rejected") {
		t.Errorf("diagnostic %q", b.Diagnostic)
	}
	if !strings.Contains(m.Text, "could not\nbe delivered") || len(m.Attachments) != 0 {
		t.Errorf("text %q, attachments %q", m.Text, attachmentNames(m))
	}
}

func TestParseClassicBounce(t *testing.T) {
	m := parseFixture(t, "bounce-classic.eml")
	noProblems(t, m)
	b := m.Bounce
	if b == nil {
		t.Fatal("no bounce")
	}
	if b.OriginalMessageID != requestID("durham") || b.Recipient != "foi@durham.police.example" ||
		b.Status != "5.7.1" || b.Action != "failed" || !strings.Contains(b.Diagnostic, "rejected as spam") {
		t.Errorf("bounce %+v", b)
	}
	// An ordinary reply is no bounce.
	if m := parseFixture(t, "plain-reply.eml"); m.Bounce != nil {
		t.Errorf("bounce in a reply: %+v", m.Bounce)
	}
}

func TestParseBrokenMIME(t *testing.T) {
	m := parseFixture(t, "broken.eml")
	wantProblems := []string{
		"malformed header line skipped",
		"unreadable Date",
		"From is not a valid address",
		`unknown charset "x-unknown-charset"`,
		"missing closing boundary",
		"invalid base64",
	}
	for _, w := range wantProblems {
		if !slices.ContainsFunc(m.Problems, func(p string) bool { return strings.Contains(p, w) }) {
			t.Errorf("no problem %q in %q", w, m.Problems)
		}
	}
	if m.Subject != "RE: Freedom of Information request" || m.From.Address != "foi@west-midlands.police.example" {
		t.Errorf("subject %q from %+v", m.Subject, m.From)
	}
	if m.Text != "Please see attached table." {
		t.Errorf("text %q", m.Text)
	}
	if len(m.Attachments) != 2 {
		t.Fatalf("attachments %q", attachmentNames(m))
	}
	if got := string(m.Attachments[0].Data); got != "Year,Community Resolutions\r\n2010,12345\r\n" {
		t.Errorf("csv %q", got)
	}
	if pdf := m.Attachments[1]; pdf.Filename != "letter.pdf" || !bytes.HasPrefix(pdf.Data, []byte("%PDF-1.4\n%%EOF")) {
		t.Errorf("pdf %q %q", pdf.Filename, pdf.Data)
	}
}

func TestParseNotAMessage(t *testing.T) {
	for _, in := range []string{"", "   \r\n", "\r\n\r\nbody without header", "\x00\x01\x02 binary"} {
		if _, err := Parse([]byte(in), nil); !errors.Is(err, ErrNotMessage) {
			t.Errorf("Parse(%q): err = %v, want ErrNotMessage", in, err)
		}
	}
	pdf := sourceFile(t, "response.pdf")
	if _, err := Parse(pdf, nil); !errors.Is(err, ErrNotMessage) {
		t.Errorf("a PDF: err = %v", err)
	}
}

// nested builds a message whose body is n multiparts deep.
func nested(n int) []byte {
	body := textPart("us-ascii", "7bit", "innermost\r\n")
	for i := n; i > 0; i-- {
		b := fmt.Sprintf("b%d", i)
		body = entity([]string{`Content-Type: multipart/mixed; boundary="` + b + `"`}, multipartBody(b, body))
	}
	return []byte("From: a@b.example\r\nSubject: deep\r\n" + body)
}

func TestParseLimits(t *testing.T) {
	t.Run("depth", func(t *testing.T) {
		m, err := Parse(nested(3), &ParseOptions{MaxDepth: 5})
		if err != nil || m.Text != "innermost" || len(m.Problems) > 0 {
			t.Fatalf("3 deep: %v %q %q", err, m.Text, m.Problems)
		}
		m, err = Parse(nested(50), nil)
		if err != nil {
			t.Fatal(err)
		}
		if m.Text != "" || !hasProblem(m, "nested deeper than 8") {
			t.Errorf("50 deep: text %q problems %q", m.Text, m.Problems)
		}
	})
	t.Run("parts", func(t *testing.T) {
		var parts []string
		for i := range 20 {
			parts = append(parts, filePart("text/csv", fmt.Sprintf("f%02d.csv", i), []byte("a,b\r\n")))
		}
		raw := entity([]string{"From: a@b.example", `Content-Type: multipart/mixed; boundary="p"`}, multipartBody("p", parts...))
		m, err := Parse([]byte(raw), &ParseOptions{MaxParts: 10})
		if err != nil {
			t.Fatal(err)
		}
		// The multipart itself is a part: nine files fit.
		if len(m.Attachments) != 9 || !hasProblem(m, "more than 10 MIME parts") {
			t.Errorf("%d attachments, problems %q", len(m.Attachments), m.Problems)
		}
	})
	t.Run("attachment size", func(t *testing.T) {
		raw := entity([]string{"From: a@b.example", `Content-Type: multipart/mixed; boundary="p"`}, multipartBody("p",
			textPart("us-ascii", "7bit", "see attached\r\n"),
			filePart("application/pdf", "big.pdf", bytes.Repeat([]byte("x"), 5000)),
			filePart("application/pdf", "small.pdf", []byte("%PDF-1.4"))))
		m, err := Parse([]byte(raw), &ParseOptions{MaxAttachmentBytes: 4096})
		if err != nil {
			t.Fatal(err)
		}
		if names := attachmentNames(m); !slices.Equal(names, []string{"small.pdf"}) || !hasProblem(m, "larger than 4096 bytes") {
			t.Errorf("attachments %q problems %q", names, m.Problems)
		}
	})
	t.Run("problems are bounded", func(t *testing.T) {
		var parts []string
		for range 300 {
			parts = append(parts, textPart("x-bogus", "7bit", "x"))
		}
		raw := entity([]string{"From: a@b.example", `Content-Type: multipart/mixed; boundary="p"`}, multipartBody("p", parts...))
		m, err := Parse([]byte(raw), nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Problems) != maxProblems+1 || !strings.HasSuffix(m.Problems[maxProblems], "more problems not listed") {
			t.Errorf("%d problems, last %q", len(m.Problems), m.Problems[len(m.Problems)-1])
		}
	})
}

func TestParseOddStructures(t *testing.T) {
	tests := []struct {
		name, raw   string
		text        string
		attachments []string
		problem     string
	}{
		{"boundary parameter missing",
			"From: a@b.example\r\nContent-Type: multipart/mixed\r\n\r\n--xyz\r\nContent-Type: text/plain\r\n\r\nhello\r\n--xyz--\r\n",
			"hello", nil, "without a boundary parameter"},
		{"boundary never used",
			"From: a@b.example\r\nContent-Type: multipart/mixed; boundary=nope\r\n\r\njust text\r\n",
			"just text", nil, "no part delimited"},
		{"no content type is text/plain",
			"From: a@b.example\r\n\r\nhello\r\n", "hello", nil, ""},
		{"invalid content type",
			"From: a@b.example\r\nContent-Type: garbage\r\n\r\nhello\r\n", "hello", nil, "invalid Content-Type"},
		{"text attachment is not the body",
			"From: a@b.example\r\nContent-Type: multipart/mixed; boundary=p\r\n\r\n--p\r\nContent-Type: text/plain\r\n\r\nbody\r\n--p\r\nContent-Type: text/plain; name=notes.txt\r\nContent-Disposition: attachment\r\n\r\nnotes\r\n--p--\r\n",
			"body", []string{"notes.txt"}, ""},
		{"signature dropped",
			"From: a@b.example\r\nContent-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; boundary=s\r\n\r\n--s\r\nContent-Type: text/plain\r\n\r\nsigned text\r\n--s\r\nContent-Type: application/pkcs7-signature; name=smime.p7s\r\nContent-Transfer-Encoding: base64\r\n\r\nAAAA\r\n--s--\r\n",
			"signed text", nil, ""},
		{"unnamed attachment gets a name",
			"From: a@b.example\r\nContent-Type: multipart/mixed; boundary=p\r\n\r\n--p\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--p--\r\n",
			"", []string{"attachment.pdf"}, ""},
		{"flowed text",
			"From: a@b.example\r\nContent-Type: text/plain; format=flowed\r\n\r\nThis line is \r\nsoft broken.\r\nHard.\r\n",
			"This line is soft broken.\nHard.", nil, ""},
		{"html body beside plain in mixed",
			"From: a@b.example\r\nContent-Type: multipart/mixed; boundary=p\r\n\r\n--p\r\nContent-Type: text/html\r\n\r\n<p>only <b>html</b></p>\r\n--p--\r\n",
			"only html", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse([]byte(tt.raw), nil)
			if err != nil {
				t.Fatal(err)
			}
			if m.Text != tt.text {
				t.Errorf("text %q, want %q", m.Text, tt.text)
			}
			if names := attachmentNames(m); !slices.Equal(names, tt.attachments) {
				t.Errorf("attachments %q, want %q", names, tt.attachments)
			}
			if tt.problem == "" && len(m.Problems) > 0 || tt.problem != "" && !hasProblem(m, tt.problem) {
				t.Errorf("problems %q, want %q", m.Problems, tt.problem)
			}
		})
	}
}

// TestParseTruncatedEverywhere cuts each fixture at many points: Parse
// must return a message or ErrNotMessage, never panic or fail otherwise.
func TestParseTruncatedEverywhere(t *testing.T) {
	names, err := filepath.Glob(filepath.Join("testdata", "*.eml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		raw, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		step := max(1, len(raw)/200)
		for n := 0; n < len(raw); n += step {
			m, err := Parse(raw[:n], nil)
			if err != nil && !errors.Is(err, ErrNotMessage) {
				t.Fatalf("%s cut at %d: %v", name, n, err)
			}
			if err == nil && !utf8.ValidString(m.Text) {
				t.Fatalf("%s cut at %d: text is not UTF-8", name, n)
			}
		}
	}
}

func FuzzParse(f *testing.F) {
	names, _ := filepath.Glob(filepath.Join("testdata", "*.eml"))
	for _, name := range names {
		if raw, err := os.ReadFile(name); err == nil && len(raw) < 16<<10 {
			f.Add(raw)
		}
	}
	f.Add([]byte("From: a@b\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: message/rfc822\r\n\r\nFrom: c@d\r\nContent-Type: application/zip; name=a.zip\r\nContent-Transfer-Encoding: base64\r\n\r\nUEsDBA==\r\n--x--\r\n"))
	opts := &ParseOptions{MaxAttachmentBytes: 1 << 20, MaxExpandedBytes: 4 << 20}
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := Parse(raw, opts)
		if err != nil {
			if !errors.Is(err, ErrNotMessage) {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		if !utf8.ValidString(m.Text) || !utf8.ValidString(m.Subject) {
			t.Fatal("text or subject is not UTF-8")
		}
		var total int
		for _, a := range m.Attachments {
			if a.Filename == "" || a.SHA256 != sha(a.Data) {
				t.Fatalf("attachment %q: bad name or digest", a.Filename)
			}
			if int64(len(a.Data)) > opts.MaxAttachmentBytes {
				t.Fatalf("attachment of %d bytes", len(a.Data))
			}
			total += len(a.Data)
		}
		if int64(total) > opts.MaxExpandedBytes {
			t.Fatalf("%d attachment bytes in all", total)
		}
		if len(m.Problems) > maxProblems+1 {
			t.Fatalf("%d problems", len(m.Problems))
		}
	})
}

func BenchmarkParse(b *testing.B) {
	for _, name := range []string{"plain-reply.eml", "html-table.eml", "attachments.eml", "zip.eml", "winmail.eml", "dsn.eml"} {
		raw := readFixture(b, name)
		b.Run(strings.TrimSuffix(name, ".eml"), func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(raw, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	// A large reply: a 20 MiB spreadsheet in base64.
	big := bytes.Repeat([]byte("2010,12345,3827,8440\r\n"), 20<<20/22)
	raw := []byte(entity([]string{"From: a@b.example", `Content-Type: multipart/mixed; boundary="p"`}, multipartBody("p",
		textPart("us-ascii", "7bit", "Please find attached.\r\n"),
		filePart("text/csv", "big.csv", big))))
	b.Run("20MiB-attachment", func(b *testing.B) {
		b.SetBytes(int64(len(raw)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Parse(raw, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}
