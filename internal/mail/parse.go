package mail

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"runtime/debug"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // every charset decodes to UTF-8
	gomail "github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"
	"golang.org/x/net/html/charset"
)

// Address is a mail address with its display name; it is net/mail's, as
// Outgoing uses.
type Address = mail.Address

// Defaults for ParseOptions.
const (
	DefaultMaxDepth           = 8
	DefaultMaxParts           = 500
	DefaultMaxAttachmentBytes = 50 << 20
	DefaultMaxExpandedBytes   = 200 << 20
	DefaultMaxZipEntries      = 1000
)

// inlineImageMax is the largest image flagged Inline: signature logos and
// icons are small; a large inline image may be content (a pasted table).
const inlineImageMax = 256 << 10

// maxProblems bounds Message.Problems.
const maxProblems = 100

// ParseOptions bounds the work Parse does. A nil *ParseOptions, or a zero
// field, means the default.
type ParseOptions struct {
	// MaxDepth bounds the nesting of multiparts, attached messages, zip
	// archives and TNEF streams (default 8).
	MaxDepth int
	// MaxParts bounds the MIME parts read (default 500).
	MaxParts int
	// MaxAttachmentBytes bounds one attachment or body after decoding
	// (default 50 MiB).
	MaxAttachmentBytes int64
	// MaxExpandedBytes bounds all attachments together, including what zip
	// and TNEF expand to (default 200 MiB).
	MaxExpandedBytes int64
	// MaxZipEntries bounds the entries of one zip archive (default 1000).
	MaxZipEntries int
}

func (o *ParseOptions) withDefaults() ParseOptions {
	var r ParseOptions
	if o != nil {
		r = *o
	}
	if r.MaxDepth <= 0 {
		r.MaxDepth = DefaultMaxDepth
	}
	if r.MaxParts <= 0 {
		r.MaxParts = DefaultMaxParts
	}
	if r.MaxAttachmentBytes <= 0 {
		r.MaxAttachmentBytes = DefaultMaxAttachmentBytes
	}
	if r.MaxExpandedBytes <= 0 {
		r.MaxExpandedBytes = DefaultMaxExpandedBytes
	}
	if r.MaxZipEntries <= 0 {
		r.MaxZipEntries = DefaultMaxZipEntries
	}
	return r
}

// Message is a parsed email.
type Message struct {
	MessageID  string   // without angle brackets
	InReplyTo  []string // without angle brackets
	References []string // without angle brackets
	Subject    string
	From       Address
	To, Cc     []Address
	Date       time.Time // zero when missing or unreadable
	// Header holds the raw header fields; Header.Get returns the first
	// field of a name, undecoded.
	Header gomail.Header

	// Text is the best body as UTF-8 plain text with "\n" line endings: the
	// text/plain body, else the HTML body converted to text (tables as rows
	// of tab-separated cells).
	Text string
	// HTML is the HTML body, if any, as UTF-8.
	HTML string

	// Attachments are the files carried by the message, including those
	// unpacked from zip archives, winmail.dat (TNEF) and attached messages.
	Attachments []Attachment
	// AttachedTexts are the bodies of messages attached to this one (a
	// reply forwarded as an attachment), as text, in the order found.
	AttachedTexts []string

	// AutoReply is set for automatic replies (out-of-office notices,
	// auto-acknowledgements, delivery reports), with the signal that said
	// so in AutoReplyReason.
	AutoReply       bool
	AutoReplyReason string

	// Bounce is set when the message reports that a message could not be
	// delivered.
	Bounce *Bounce

	// Problems lists what was wrong with the message and worked around:
	// bad charsets, broken structure, limits reached.
	Problems []string
}

// Attachment is one file of a message.
type Attachment struct {
	Filename    string // base name, never empty
	ContentType string // media type, lower case, without parameters
	Data        []byte
	SHA256      string // hex digest of Data
	// Path names the containers the file came out of, outermost first:
	// ["winmail.dat"], ["data.zip", "2024/"], ["Fwd report.eml"]. A
	// directory inside an archive is one element ending in "/".
	Path []string
	// ContentID is the part's Content-ID without angle brackets.
	ContentID string
	// Inline flags small inline images (signature logos) that callers
	// may ignore.
	Inline bool
}

// Name returns the attachment's name with its containers:
// "data.zip/2024/figures.xlsx".
func (a Attachment) Name() string {
	var b strings.Builder
	for _, p := range a.Path {
		b.WriteString(p)
		if !strings.HasSuffix(p, "/") {
			b.WriteByte('/')
		}
	}
	b.WriteString(a.Filename)
	return b.String()
}

// ErrNotMessage is returned when the input has no header: it is not an
// email.
var ErrNotMessage = errors.New("mail: not an email message: no header fields")

// Parse reads a raw RFC 5322 message. Damaged messages give what could be
// read, with the damage listed in Message.Problems; an error is returned
// only when the input holds no message at all.
func Parse(raw []byte, opts *ParseOptions) (m *Message, err error) {
	p := &parser{opt: opts.withDefaults()}
	defer func() {
		if r := recover(); r != nil {
			m, err = nil, fmt.Errorf("mail: parse: internal error: %v\n%s", r, debug.Stack())
		}
	}()
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, fmt.Errorf("%w (empty input)", ErrNotMessage)
	}
	h, body, probs := readHeader(raw)
	if h.Len() == 0 {
		return nil, ErrNotMessage
	}
	m = p.message(h, body, probs, nil, 0)
	m.Attachments = p.attachments
	m.Problems = p.problems
	if p.omitted > 0 {
		m.Problems = append(m.Problems, fmt.Sprintf("%d more problems not listed", p.omitted))
	}
	return m, nil
}

// parser holds the state of one Parse call.
type parser struct {
	opt         ParseOptions
	parts       int
	expanded    int64
	attachments []Attachment
	problems    []string
	omitted     int
	partsFull   bool
	budgetFull  bool
}

// problem records a problem, with the location it was found at.
func (p *parser) problem(where, format string, args ...any) {
	if len(p.problems) >= maxProblems {
		p.omitted++
		return
	}
	msg := fmt.Sprintf(format, args...)
	if where != "" {
		msg = where + ": " + msg
	}
	p.problems = append(p.problems, msg)
}

// walkState is where a MIME entity sits.
type walkState struct {
	msg     *Message     // the message the entity belongs to
	body    *bodyParts   // where body text goes
	path    []string     // containers, for Attachment.Path
	depth   int          // nesting depth
	id      string       // MIME part number ("1.2"), for problems
	related bool         // inside multipart/related
	info    *messageInfo // per-message facts gathered while walking
}

// where names a part for problems: its containers and part number.
func (st walkState) where() string {
	s := strings.Join(st.path, "/")
	if st.id != "" {
		if s != "" {
			s += " "
		}
		s += "part " + st.id
	}
	return s
}

func (st walkState) child(i int) walkState {
	c := st
	if c.id == "" {
		c.id = fmt.Sprint(i + 1)
	} else {
		c.id += fmt.Sprintf(".%d", i+1)
	}
	return c
}

// bodyParts collects the body texts of one message.
type bodyParts struct {
	plain []string
	html  []string
}

// messageInfo gathers facts about one message found in its parts.
type messageInfo struct {
	report        bool       // multipart/report; report-type=delivery-status
	dsn           []dsnBlock // per-recipient fields of a delivery-status part
	dsnMessage    dsnBlock   // per-message fields
	originalIDs   []string   // Message-IDs of returned or attached messages
	attachedTexts []string   // bodies of attached messages
	tnefText      string     // body found in winmail.dat
	tnefHTML      string
}

// message fills a Message from a header and body: the envelope fields,
// then the body tree.
func (p *parser) message(h textproto.Header, body []byte, headerProblems []string, path []string, depth int) *Message {
	m := &Message{Header: gomail.Header{Header: message.Header{Header: h}}}
	where := strings.Join(path, "/")
	for _, pr := range headerProblems {
		p.problem(where, "%s", pr)
	}
	m.MessageID = firstOr(parseMsgIDs(h.Get("Message-Id")), "")
	m.InReplyTo = parseMsgIDs(h.Get("In-Reply-To"))
	m.References = parseMsgIDs(h.Get("References"))
	m.Subject = strings.TrimSpace(headerText(h.Get("Subject")))
	if from, ok := parseAddressList(h.Get("From")); len(from) > 0 {
		m.From = *from[0]
		if !ok {
			p.problem(where, "From is not a valid address: read leniently")
		}
	} else if strings.TrimSpace(h.Get("From")) != "" {
		p.problem(where, "From holds no address: %s", quoteShort([]byte(h.Get("From"))))
	}
	m.To = p.addresses(h, "To", where)
	m.Cc = p.addresses(h, "Cc", where)
	if d, ok := parseDate(h.Get("Date")); ok {
		m.Date = d
	} else {
		p.problem(where, "unreadable Date %s", quoteShort([]byte(h.Get("Date"))))
	}

	info := &messageInfo{}
	bp := &bodyParts{}
	st := walkState{msg: m, body: bp, path: path, depth: depth, info: info}
	p.walk(h, body, st)

	m.HTML = strings.Join(bp.html, "\n")
	m.Text = strings.Join(bp.plain, "\n\n")
	if strings.TrimSpace(m.Text) == "" && m.HTML != "" {
		m.Text = HTMLToText(m.HTML)
	}
	if strings.TrimSpace(m.Text) == "" && m.HTML == "" {
		switch {
		case info.tnefHTML != "":
			m.HTML = info.tnefHTML
			m.Text = HTMLToText(info.tnefHTML)
		case info.tnefText != "":
			m.Text = info.tnefText
		case len(info.attachedTexts) > 0:
			// A message forwarded as an attachment with no text of its own.
			m.Text = info.attachedTexts[0]
		}
	}
	m.Text = normalizeText(m.Text)
	for _, t := range info.attachedTexts {
		m.AttachedTexts = append(m.AttachedTexts, normalizeText(t))
	}
	m.Bounce = detectBounce(m, info)
	m.AutoReply, m.AutoReplyReason = detectAutoReply(h, m.Subject, m.Text)
	return m
}

func (p *parser) addresses(h textproto.Header, key, where string) []Address {
	v := h.Get(key)
	list, ok := parseAddressList(v)
	if !ok {
		p.problem(where, "%s is not a valid address list: read leniently", key)
	}
	var out []Address
	for _, a := range list {
		out = append(out, *a)
	}
	return out
}

func firstOr(l []string, def string) string {
	if len(l) > 0 {
		return l[0]
	}
	return def
}

// normalizeText gives text "\n" line endings and no trailing blanks.
func normalizeText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.TrimRight(s, " \t\n")
}

// walk reads one MIME entity. A panic inside becomes a problem and the
// rest of the message is still read.
func (p *parser) walk(h textproto.Header, body []byte, st walkState) {
	defer func() {
		if r := recover(); r != nil {
			p.problem(st.where(), "internal error, part skipped: %v", r)
		}
	}()
	if p.parts >= p.opt.MaxParts {
		if !p.partsFull {
			p.partsFull = true
			p.problem(st.where(), "more than %d MIME parts: the rest is skipped", p.opt.MaxParts)
		}
		return
	}
	p.parts++

	ctype, params := parseParams(h.Get("Content-Type"))
	if ctype == "" || !strings.Contains(ctype, "/") {
		if ctype != "" {
			p.problem(st.where(), "invalid Content-Type %s: read as text/plain", quoteShort([]byte(ctype)))
		}
		ctype = "text/plain"
	}
	disp, dparams := parseParams(h.Get("Content-Disposition"))
	name := dparams["filename"]
	if name == "" {
		name = params["name"]
	}
	cte := h.Get("Content-Transfer-Encoding")
	cid := strings.Trim(strings.TrimSpace(h.Get("Content-Id")), "<>")

	switch {
	case strings.HasPrefix(ctype, "multipart/"):
		p.multipart(ctype, params, body, st)
	case ctype == "message/rfc822" || ctype == "message/global":
		data, ok := p.decode(body, cte, st)
		if !ok {
			return
		}
		p.attachedMessage(data, name, st)
	case ctype == "message/delivery-status" || ctype == "message/global-delivery-status":
		data, ok := p.decode(body, cte, st)
		if ok {
			p.deliveryStatus(data, st)
		}
	case ctype == "text/rfc822-headers" || ctype == "message/global-headers":
		data, ok := p.decode(body, cte, st)
		if ok {
			oh, _, _ := readHeader(data)
			if id := firstOr(parseMsgIDs(oh.Get("Message-Id")), ""); id != "" {
				st.info.originalIDs = append(st.info.originalIDs, id)
			}
		}
	case ctype == "message/disposition-notification" || ctype == "message/feedback-report" ||
		ctype == "application/pkcs7-signature" || ctype == "application/x-pkcs7-signature" ||
		ctype == "application/pgp-signature":
		// Machine-readable reports and signatures: no document in them.
	case (ctype == "text/plain" || ctype == "text/html" || ctype == "text/enriched") &&
		disp != "attachment" && name == "":
		data, ok := p.decode(body, cte, st)
		if !ok {
			return
		}
		text, prob := decodeText(data, params["charset"], ctype == "text/html")
		if prob != "" {
			p.problem(st.where(), "%s", prob)
		}
		switch ctype {
		case "text/html":
			st.body.html = append(st.body.html, text)
		default:
			if strings.EqualFold(params["format"], "flowed") {
				text = unflow(text, strings.EqualFold(params["delsp"], "yes"))
			}
			st.body.plain = append(st.body.plain, text)
		}
	default:
		data, ok := p.decode(body, cte, st)
		if !ok {
			return
		}
		inline := strings.HasPrefix(ctype, "image/") && disp != "attachment" &&
			(cid != "" || st.related) && len(data) <= inlineImageMax
		if name == "" && ctype == "text/calendar" {
			name = "invite.ics"
		}
		p.file(data, name, ctype, cid, inline, st)
	}
}

// decode undoes the transfer encoding of a part within the size limit.
func (p *parser) decode(body []byte, cte string, st walkState) ([]byte, bool) {
	data, over, prob := decodeTransfer(body, cte, p.opt.MaxAttachmentBytes)
	if prob != "" {
		p.problem(st.where(), "%s", prob)
	}
	if over {
		p.problem(st.where(), "larger than %d bytes once decoded: skipped", p.opt.MaxAttachmentBytes)
		return nil, false
	}
	return data, true
}

// multipart reads the parts of a multipart entity.
func (p *parser) multipart(ctype string, params map[string]string, body []byte, st walkState) {
	if st.depth >= p.opt.MaxDepth {
		p.problem(st.where(), "%s nested deeper than %d: skipped", ctype, p.opt.MaxDepth)
		return
	}
	boundary := params["boundary"]
	if boundary == "" {
		boundary = guessBoundary(body)
		if boundary == "" {
			p.problem(st.where(), "%s without a boundary: read as text", ctype)
			p.textFallback(body, st)
			return
		}
		p.problem(st.where(), "%s without a boundary parameter: using %q found in the body", ctype, boundary)
	}
	parts, closed := splitMultipart(body, boundary)
	if len(parts) == 0 {
		p.problem(st.where(), "%s: no part delimited by its boundary: read as text", ctype)
		p.textFallback(body, st)
		return
	}
	if !closed {
		p.problem(st.where(), "%s: missing closing boundary (message truncated?)", ctype)
	}
	inner := st
	inner.depth++
	switch ctype {
	case "multipart/alternative":
		// Parts are alternatives of one body: take the first plain text
		// and the last (richest) HTML.
		var plain, html []string
		for i, part := range parts {
			ph, pbody, probs := readHeader(part)
			c := inner.child(i)
			for _, pr := range probs {
				p.problem(c.where(), "%s", pr)
			}
			c.body = &bodyParts{}
			p.walk(ph, pbody, c)
			if plain == nil && len(c.body.plain) > 0 {
				plain = c.body.plain
			}
			if len(c.body.html) > 0 {
				html = c.body.html
			}
		}
		st.body.plain = append(st.body.plain, plain...)
		st.body.html = append(st.body.html, html...)
		return
	case "multipart/related":
		inner.related = true
	case "multipart/report":
		if strings.EqualFold(params["report-type"], "delivery-status") {
			st.info.report = true
		}
	case "multipart/signed":
		// The last part is the signature.
		if len(parts) > 1 {
			parts = parts[:len(parts)-1]
		}
	}
	for i, part := range parts {
		ph, pbody, probs := readHeader(part)
		c := inner.child(i)
		for _, pr := range probs {
			p.problem(c.where(), "%s", pr)
		}
		if ctype == "multipart/digest" && ph.Get("Content-Type") == "" {
			ph.Set("Content-Type", "message/rfc822")
		}
		if st.info.report && i > 0 && ctype == "multipart/report" {
			// The returned message of a report is ours: read its header only.
			ct, _ := parseParams(ph.Get("Content-Type"))
			if ct == "message/rfc822" || ct == "message/global" {
				data, _, _ := decodeTransfer(pbody, ph.Get("Content-Transfer-Encoding"), p.opt.MaxAttachmentBytes)
				oh, _, _ := readHeader(data)
				if id := firstOr(parseMsgIDs(oh.Get("Message-Id")), ""); id != "" {
					st.info.originalIDs = append(st.info.originalIDs, id)
				}
				continue
			}
		}
		p.walk(ph, pbody, c)
	}
}

// textFallback keeps the body of a broken multipart as plain text when it
// looks like text.
func (p *parser) textFallback(body []byte, st walkState) {
	if len(body) == 0 || !utf8.Valid(body) || bytes.IndexByte(body, 0) >= 0 {
		return
	}
	st.body.plain = append(st.body.plain, string(body))
}

// guessBoundary finds a delimiter line ("--something") in a multipart body
// whose header lost its boundary parameter.
func guessBoundary(body []byte) string {
	for pos := 0; pos < len(body); {
		line, next := nextLine(body, pos)
		if len(line) > 2 && bytes.HasPrefix(line, []byte("--")) {
			b := strings.TrimSpace(string(line[2:]))
			if b != "" && len(b) <= 200 && !strings.Contains(b, " ") {
				return b
			}
		}
		pos = next
	}
	return ""
}

// splitMultipart splits a multipart body at its delimiter lines. closed
// reports that the closing delimiter was found.
func splitMultipart(body []byte, boundary string) (parts [][]byte, closed bool) {
	delim := []byte("--" + boundary)
	start := -1
	for pos := 0; pos < len(body); {
		i := bytes.Index(body[pos:], delim)
		if i < 0 {
			break
		}
		i += pos
		after := i + len(delim)
		if i > 0 && body[i-1] != '\n' {
			pos = after
			continue
		}
		rest := after
		isClose := bytes.HasPrefix(body[after:], []byte("--"))
		if isClose {
			rest += 2
		}
		line, next := nextLine(body, rest)
		if len(bytes.Trim(line, " \t")) != 0 {
			pos = after
			continue
		}
		if start >= 0 {
			end := i
			if end > start && body[end-1] == '\n' {
				end--
				if end > start && body[end-1] == '\r' {
					end--
				}
			}
			parts = append(parts, body[start:end])
		}
		if isClose {
			return parts, true
		}
		start, pos = next, next
	}
	if start >= 0 {
		parts = append(parts, body[start:])
	}
	return parts, false
}

// decodeText converts a text body to UTF-8.
func decodeText(data []byte, cs string, isHTML bool) (string, string) {
	if cs == "" && isHTML && !utf8.Valid(data) {
		if _, name, _ := charset.DetermineEncoding(data, "text/html"); name != "" {
			cs = name
		}
	}
	return decodeCharset(data, cs)
}

// unflow joins the soft line breaks of format=flowed text (RFC 3676).
func unflow(s string, delsp bool) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	var b strings.Builder
	for i, l := range lines {
		soft := strings.HasSuffix(l, " ") && l != "-- " && i < len(lines)-1
		if soft && delsp {
			l = l[:len(l)-1]
		}
		b.WriteString(l)
		if !soft && i < len(lines)-1 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// attachedMessage reads a message/rfc822 part: its attachments join the
// outer message's, under its name.
func (p *parser) attachedMessage(data []byte, name string, st walkState) {
	h, body, probs := readHeader(data)
	if h.Len() == 0 {
		p.problem(st.where(), "attached message has no header: kept as a file")
		p.addFile(data, nameOr(name, "message.eml"), "message/rfc822", "", false, st)
		return
	}
	if name == "" {
		name = safeName(headerText(h.Get("Subject")))
		if name == "" {
			name = "message"
		}
		name += ".eml"
	}
	name = safeName(name)
	if st.depth >= p.opt.MaxDepth {
		p.problem(st.where(), "attached message %s nested deeper than %d: kept as a file", name, p.opt.MaxDepth)
		p.addFile(data, name, "message/rfc822", "", false, st)
		return
	}
	inner := p.message(h, body, probs, appendPath(st.path, name), st.depth+1)
	if inner.MessageID != "" {
		st.info.originalIDs = append(st.info.originalIDs, inner.MessageID)
	}
	if t := strings.TrimSpace(inner.Text); t != "" {
		st.info.attachedTexts = append(st.info.attachedTexts, inner.Text)
	}
}

func appendPath(path []string, elems ...string) []string {
	out := make([]string, 0, len(path)+len(elems))
	out = append(out, path...)
	for _, e := range elems {
		if e != "" {
			out = append(out, e)
		}
	}
	return out
}

func nameOr(name, def string) string {
	if name = safeName(name); name != "" {
		return name
	}
	return def
}

// file handles a file found in a message or a container: archives and
// winmail.dat are unpacked, anything else becomes an attachment.
func (p *parser) file(data []byte, name, ctype, cid string, inline bool, st walkState) {
	name = safeName(name)
	if name == "" {
		name = "attachment" + extFor(ctype)
	}
	switch {
	case isTNEF(ctype, name, data):
		if p.unpackTNEF(data, name, st) {
			return
		}
	case isZip(ctype, name, data):
		if p.unpackZip(data, name, st) {
			return
		}
	case strings.EqualFold(extOf(name), ".eml") && (ctype == "" || ctype == "message/rfc822" ||
		ctype == "application/octet-stream" || ctype == "text/plain"):
		p.attachedMessage(data, name, st)
		return
	}
	p.addFile(data, name, ctype, cid, inline, st)
}

func extOf(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return strings.ToLower(name[i:])
	}
	return ""
}

// addFile records an attachment if the limits allow it.
func (p *parser) addFile(data []byte, name, ctype, cid string, inline bool, st walkState) {
	a := Attachment{
		Filename:    name,
		ContentType: mediaTypeFor(ctype, name),
		Path:        slices.Clip(st.path),
		ContentID:   cid,
		Inline:      inline,
	}
	if int64(len(data)) > p.opt.MaxAttachmentBytes {
		p.problem(st.where(), "%s: larger than %d bytes: skipped", a.Name(), p.opt.MaxAttachmentBytes)
		return
	}
	if p.expanded+int64(len(data)) > p.opt.MaxExpandedBytes {
		p.budgetFull = true
		p.problem(st.where(), "%s: attachments exceed %d bytes in all: skipped", a.Name(), p.opt.MaxExpandedBytes)
		return
	}
	p.expanded += int64(len(data))
	sum := sha256.Sum256(data)
	a.Data = data
	a.SHA256 = hex.EncodeToString(sum[:])
	p.attachments = append(p.attachments, a)
}

// remaining is how many more attachment bytes the limits allow.
func (p *parser) remaining() int64 {
	return min(p.opt.MaxAttachmentBytes, p.opt.MaxExpandedBytes-p.expanded)
}
