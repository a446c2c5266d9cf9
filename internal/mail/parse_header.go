package mail

import (
	"bytes"
	"io"
	"mime"
	"net/mail"
	nettextproto "net/textproto"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-message/charset"
	"github.com/emersion/go-message/textproto"
	"golang.org/x/text/encoding/charmap"

	"github.com/foidesk/foidesk/internal/lazyre"
)

// headerLookahead is how many lines past a malformed header line are
// searched for a further header field before the line is taken as the
// start of the body.
const headerLookahead = 20

// readHeader splits an entity into its header fields and body, leniently: an
// mbox "From " line at the top is skipped, malformed lines inside the header
// are skipped, and a header that runs into the body without a blank line
// ends at the first line that is not a header field. It never fails; what it
// had to work around is reported in problems.
func readHeader(raw []byte) (h textproto.Header, body []byte, problems []string) {
	type field struct{ k, v string }
	var fields []field
	pos := 0
	body = raw[len(raw):]
	for pos < len(raw) {
		line, next := nextLine(raw, pos)
		if len(line) == 0 {
			body = raw[next:]
			break
		}
		switch {
		case line[0] == ' ' || line[0] == '\t':
			if len(fields) == 0 {
				problems = append(problems, "header starts with a continuation line: skipped")
				break
			}
			fields[len(fields)-1].v += " " + string(bytes.TrimSpace(line))
		case headerKey(line) != "":
			k := headerKey(line)
			v := line[bytes.IndexByte(line, ':')+1:]
			fields = append(fields, field{k, string(bytes.TrimSpace(v))})
		case pos == 0 && bytes.HasPrefix(line, []byte("From ")):
			// mbox separator line
		case headerAhead(raw, next):
			problems = append(problems, "malformed header line skipped: "+quoteShort(line))
		default:
			problems = append(problems, "header not followed by a blank line: body starts at "+quoteShort(line))
			body = raw[pos:]
			pos = len(raw)
			continue
		}
		pos = next
	}
	// textproto.Header.Get returns the field added last: add in reverse so
	// that it returns the first field of the message, as ReadHeader does.
	for i := len(fields) - 1; i >= 0; i-- {
		h.Add(fields[i].k, fields[i].v)
	}
	return h, body, problems
}

// nextLine returns the line starting at pos without its line ending, and
// the position after the line ending.
func nextLine(b []byte, pos int) (line []byte, next int) {
	i := bytes.IndexByte(b[pos:], '\n')
	if i < 0 {
		line, next = b[pos:], len(b)
	} else {
		line, next = b[pos:pos+i], pos+i+1
	}
	return bytes.TrimSuffix(line, []byte("\r")), next
}

// headerKey returns the canonical field name of a "Key: value" line, or ""
// when the line is not a header field.
func headerKey(line []byte) string {
	i := bytes.IndexByte(line, ':')
	if i <= 0 {
		return ""
	}
	k := bytes.TrimRight(line[:i], " \t")
	if len(k) == 0 {
		return ""
	}
	for _, c := range k {
		if c <= ' ' || c > '~' {
			return ""
		}
	}
	return nettextproto.CanonicalMIMEHeaderKey(string(k))
}

// headerAhead reports whether a header field line follows pos before the
// next blank line, within headerLookahead lines.
func headerAhead(raw []byte, pos int) bool {
	for n := 0; n < headerLookahead && pos < len(raw); n++ {
		line, next := nextLine(raw, pos)
		if len(line) == 0 {
			return false
		}
		if headerKey(line) != "" {
			return true
		}
		pos = next
	}
	return false
}

func quoteShort(b []byte) string {
	const max = 60
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	if len(s) > max {
		s = s[:max] + "…"
	}
	return `"` + strings.ToValidUTF8(s, "") + `"`
}

var cp1252 = charmap.Windows1252

// to8BitUTF8 returns s as valid UTF-8, reading invalid input as
// Windows-1252 (the usual charset of raw 8-bit header bytes).
func to8BitUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	out, err := cp1252.NewDecoder().String(s)
	if err != nil {
		return strings.ToValidUTF8(s, "\uFFFD")
	}
	return out
}

var encodedWord = lazyre.New(`=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=`)

// headerText decodes an unstructured header value (RFC 2047 words in any
// charset, raw 8-bit bytes) to UTF-8. Words that cannot be decoded are kept
// as they are.
func headerText(v string) string {
	v = to8BitUTF8(v)
	dec := mimeWordDecoder()
	if s, err := dec.DecodeHeader(v); err == nil {
		return fixC1(s)
	}
	// Decode word by word, dropping the space between adjacent words.
	var b strings.Builder
	last := 0
	prevWord := false
	for _, loc := range encodedWord.FindAllStringIndex(v, -1) {
		gap := v[last:loc[0]]
		if !(prevWord && strings.TrimSpace(gap) == "") {
			b.WriteString(gap)
		}
		w := v[loc[0]:loc[1]]
		if s, err := dec.Decode(w); err == nil {
			b.WriteString(s)
		} else {
			b.WriteString(w)
		}
		last = loc[1]
		prevWord = true
	}
	b.WriteString(v[last:])
	return fixC1(strings.ToValidUTF8(b.String(), "\uFFFD"))
}

// fixC1 replaces C1 control characters, which text never means, by the
// Windows-1252 characters their bytes stand for: text labelled ISO-8859-1
// is usually Windows-1252 (smart quotes, dashes, the euro sign).
func fixC1(s string) string {
	if !strings.ContainsFunc(s, isC1) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isC1(r) {
			if d, err := cp1252.NewDecoder().String(string([]byte{byte(r)})); err == nil {
				if dr, _ := utf8.DecodeRuneInString(d); dr != utf8.RuneError {
					return dr
				}
			}
		}
		return r
	}, s)
}

func isC1(r rune) bool { return r >= 0x80 && r <= 0x9f }

// parseParams parses a header value with parameters (Content-Type,
// Content-Disposition), leniently: unquoted values with spaces, stray
// semicolons, RFC 2231 continuations and charsets (any charset), and RFC
// 2047 words inside quoted values. The value is lower-cased; parameter
// names are lower-cased.
func parseParams(v string) (value string, params map[string]string) {
	v = to8BitUTF8(v)
	params = make(map[string]string)
	parts := splitParams(v)
	if len(parts) == 0 {
		return "", params
	}
	value = strings.ToLower(strings.TrimSpace(parts[0]))
	type cont struct {
		vals    map[int]string
		encoded map[int]bool
	}
	conts := make(map[string]*cont)
	for _, p := range parts[1:] {
		k, val, ok := strings.Cut(p, "=")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		val = strings.TrimSpace(val)
		quoted := len(val) >= 2 && val[0] == '"' && val[len(val)-1] == '"'
		if quoted {
			val = unquote(val[1 : len(val)-1])
		} else if strings.HasPrefix(val, `"`) {
			val = strings.Trim(val, `"`)
		}
		if k == "" {
			continue
		}
		// RFC 2231: name*=charset'lang'pct, name*0=..., name*1*=...
		if i := strings.IndexByte(k, '*'); i >= 0 {
			name, rest := k[:i], k[i+1:]
			encoded := strings.HasSuffix(rest, "*") || rest == ""
			rest = strings.TrimSuffix(rest, "*")
			n := 0
			if rest != "" {
				for _, c := range rest {
					if c < '0' || c > '9' {
						n = -1
						break
					}
					n = n*10 + int(c-'0')
					if n > 1000 {
						n = -1
						break
					}
				}
			}
			if n < 0 {
				continue
			}
			c := conts[name]
			if c == nil {
				c = &cont{vals: map[int]string{}, encoded: map[int]bool{}}
				conts[name] = c
			}
			c.vals[n] = val
			c.encoded[n] = encoded && !quoted
			continue
		}
		if _, dup := params[k]; !dup {
			params[k] = headerText(val)
		}
	}
	for name, c := range conts {
		var raw []byte
		cs := ""
		for i := 0; ; i++ {
			val, ok := c.vals[i]
			if !ok {
				break
			}
			if c.encoded[i] {
				if i == 0 {
					if p := strings.SplitN(val, "'", 3); len(p) == 3 {
						cs, val = p[0], p[2]
					}
				}
				if u, err := url.PathUnescape(val); err == nil {
					val = u
				}
			}
			raw = append(raw, val...)
		}
		if len(raw) == 0 {
			continue
		}
		params[name] = decodeCharsetLenient(raw, cs)
	}
	return value, params
}

// splitParams splits at semicolons outside quoted strings.
func splitParams(v string) []string {
	var parts []string
	inQuote, esc := false, false
	start := 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case esc:
			esc = false
		case c == '\\' && inQuote:
			esc = true
		case c == '"':
			inQuote = !inQuote
		case c == ';' && !inQuote:
			parts = append(parts, v[start:i])
			start = i + 1
		}
	}
	parts = append(parts, v[start:])
	out := parts[:0]
	for i, p := range parts {
		if i == 0 || strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return out
}

func unquote(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// decodeCharsetLenient converts b from the named charset to UTF-8; an empty
// or unknown charset reads valid UTF-8 as it is and anything else as
// Windows-1252.
func decodeCharsetLenient(b []byte, cs string) string {
	s, _ := decodeCharset(b, cs)
	return s
}

// decodeCharset converts text in charset cs to UTF-8. The problem is "" when
// the charset was known and the text valid in it.
func decodeCharset(b []byte, cs string) (string, string) {
	cs = strings.ToLower(strings.Trim(strings.TrimSpace(cs), `"'`))
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	switch cs {
	case "", "us-ascii", "ascii", "ansi_x3.4-1968", "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1",
		"l1", "windows-1252", "cp1252", "x-cp1252":
		// Undeclared or Latin-1 text is read as Windows-1252, its superset
		// in practice (as HTML does); valid UTF-8 mislabelled as ASCII is
		// common and read as UTF-8.
		if utf8.Valid(b) && (cs == "" || strings.Contains(cs, "ascii") || cs == "ansi_x3.4-1968") {
			return string(b), ""
		}
		s, _ := cp1252.NewDecoder().Bytes(b)
		return string(s), ""
	case "utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8":
		if utf8.Valid(b) {
			return string(b), ""
		}
		if !hasUTF8Sequence(b) {
			s, _ := cp1252.NewDecoder().Bytes(b)
			return string(s), "text labelled UTF-8 is not UTF-8: read as Windows-1252"
		}
		return strings.ToValidUTF8(string(b), "\uFFFD"), "invalid UTF-8 sequences replaced"
	}
	r, err := charset.Reader(cs, bytes.NewReader(b))
	if err != nil {
		s, _ := decodeCharset(b, "")
		return s, "unknown charset " + quoteShort([]byte(cs)) + ": read as UTF-8 or Windows-1252"
	}
	out, err := io.ReadAll(r)
	if err != nil {
		return strings.ToValidUTF8(string(out), "\uFFFD"), "charset " + cs + ": " + err.Error()
	}
	return strings.ToValidUTF8(string(out), "\uFFFD"), ""
}

// hasUTF8Sequence reports whether b holds at least one valid multi-byte
// UTF-8 sequence.
func hasUTF8Sequence(b []byte) bool {
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if n > 1 && r != utf8.RuneError {
			return true
		}
		b = b[n:]
	}
	return false
}

// parseAddressList parses an address list header; when it is not valid RFC
// 5322 it is read leniently (display names with unquoted commas, bare
// addresses) and ok is false.
func parseAddressList(v string) (addrs []*mail.Address, ok bool) {
	v = strings.TrimSpace(to8BitUTF8(v))
	if v == "" {
		return nil, true
	}
	p := mail.AddressParser{WordDecoder: mimeWordDecoder()}
	if l, err := p.ParseList(v); err == nil {
		return l, true
	}
	return lenientAddresses(v), false
}

var bareAddr = lazyre.New(`[^\s<>()"',;:]+@[^\s<>()"',;:]+`)

func lenientAddresses(v string) []*mail.Address {
	var out []*mail.Address
	var pending []string
	for _, piece := range splitOutsideQuotes(v, ',') {
		piece = strings.TrimSpace(piece)
		if piece == "" {
			continue
		}
		addr, name := "", piece
		if i := strings.LastIndexByte(piece, '<'); i >= 0 {
			if j := strings.IndexByte(piece[i:], '>'); j > 0 && strings.Contains(piece[i:i+j], "@") {
				addr = strings.TrimSpace(piece[i+1 : i+j])
				name = strings.TrimSpace(piece[:i])
			}
		}
		if addr == "" {
			if m := bareAddr.FindString(piece); m != "" {
				addr = m
				name = strings.TrimSpace(strings.Replace(piece, m, "", 1))
				name = strings.Trim(name, "()<> ")
			}
		}
		if addr == "" {
			pending = append(pending, piece)
			continue
		}
		if name != "" {
			pending = append(pending, name)
		}
		name = strings.Join(pending, ", ")
		pending = nil
		name = headerText(strings.Trim(strings.TrimSpace(name), `"`))
		out = append(out, &mail.Address{Name: name, Address: addr})
	}
	return out
}

func splitOutsideQuotes(v string, sep byte) []string {
	var parts []string
	inQuote, angle := false, 0
	start := 0
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '"':
			inQuote = !inQuote
		case c == '<' && !inQuote:
			angle++
		case c == '>' && !inQuote && angle > 0:
			angle--
		case c == sep && !inQuote && angle == 0:
			parts = append(parts, v[start:i])
			start = i + 1
		}
	}
	return append(parts, v[start:])
}

var dateLayouts = []string{
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"Mon, 2 Jan 2006 15:04 -0700",
	"2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 06 15:04:05 -0700",
	"Monday, January 2, 2006 3:04 PM",
	"Mon, 2 Jan 2006 15:04:05",
	"Mon Jan 2 15:04:05 2006",
	"Mon Jan 2 15:04:05 MST 2006",
	"2006-01-02 15:04:05 -0700",
	time.RFC3339,
}

var dateComment = lazyre.New(`\s*\([^)]*\)\s*$`)

// parseDate reads a Date header; ok is false when no layout fits.
func parseDate(v string) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, true
	}
	if t, err := mail.ParseDate(v); err == nil {
		return t, true
	}
	v = strings.Join(strings.Fields(dateComment.ReplaceAllString(v, "")), " ")
	v = strings.TrimSuffix(v, " GMT+0000")
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, v); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

var msgIDRe = lazyre.New(`<([^<>\s]+)>`)

// parseMsgIDs reads Message-ID, In-Reply-To and References: ids between
// angle brackets, or bare ids when there are no brackets.
func parseMsgIDs(v string) []string {
	v = to8BitUTF8(v)
	var ids []string
	for _, m := range msgIDRe.FindAllStringSubmatch(v, -1) {
		ids = append(ids, m[1])
	}
	if len(ids) > 0 {
		return ids
	}
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		if strings.Contains(f, "@") {
			ids = append(ids, strings.Trim(f, "<>"))
		}
	}
	return ids
}

// typeByExt maps file extensions to media types, without depending on the
// system's mime.types.
var typeByExt = map[string]string{
	".pdf":  "application/pdf",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12",
	".xls":  "application/vnd.ms-excel",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".doc":  "application/msword",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".odt":  "application/vnd.oasis.opendocument.text",
	".ods":  "application/vnd.oasis.opendocument.spreadsheet",
	".csv":  "text/csv",
	".tsv":  "text/tab-separated-values",
	".txt":  "text/plain",
	".htm":  "text/html",
	".html": "text/html",
	".xml":  "application/xml",
	".json": "application/json",
	".rtf":  "application/rtf",
	".zip":  "application/zip",
	".eml":  "message/rfc822",
	".msg":  "application/vnd.ms-outlook",
	".png":  "image/png",
	".jpg":  "image/jpeg",
	".jpeg": "image/jpeg",
	".gif":  "image/gif",
	".bmp":  "image/bmp",
	".tif":  "image/tiff",
	".tiff": "image/tiff",
	".emz":  "application/octet-stream",
	".dat":  "application/octet-stream",
}

// mediaTypeFor returns the media type to report for a file: the declared
// one, unless it is missing or generic and the extension says more.
func mediaTypeFor(declared, name string) string {
	declared = strings.ToLower(strings.TrimSpace(declared))
	if declared != "" && declared != "application/octet-stream" && declared != "application/x-octet-stream" &&
		declared != "application/unknown" && declared != "binary/octet-stream" {
		return declared
	}
	ext := strings.ToLower(name)
	if i := strings.LastIndexByte(ext, '.'); i >= 0 {
		ext = ext[i:]
	} else {
		ext = ""
	}
	if t, ok := typeByExt[ext]; ok {
		return t
	}
	if declared != "" {
		return declared
	}
	return "application/octet-stream"
}

// extFor returns a file extension for a media type, for naming unnamed
// parts.
func extFor(mediaType string) string {
	for _, pref := range []string{".pdf", ".xlsx", ".docx", ".csv", ".txt", ".html", ".eml", ".png", ".jpg", ".gif", ".zip"} {
		if typeByExt[pref] == mediaType {
			return pref
		}
	}
	if exts, err := mime.ExtensionsByType(mediaType); err == nil && len(exts) > 0 {
		return exts[0]
	}
	return ".bin"
}

// safeName cleans a file name taken from a message or an archive: no
// directories, no control characters, at most 255 bytes.
func safeName(s string) string {
	s = to8BitUTF8(s)
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		s = s[i+1:]
	}
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == utf8.RuneError {
			return -1
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if s == "." || s == ".." {
		s = ""
	}
	for len(s) > 255 {
		_, n := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-n]
	}
	return s
}
