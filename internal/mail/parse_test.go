package mail

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
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
