package mail

// A decoder for Transport Neutral Encapsulation Format (TNEF), the
// winmail.dat / application/ms-tnef attachment in which Outlook and
// Exchange wrap a message's attachments and rich body, after Microsoft's
// [MS-OXTNEF] specification.
//
// A stream is a 4-byte signature, a 2-byte key, then attributes: a level
// byte (1 message, 2 attachment), a 32-bit attribute id (type in the high
// word), a 32-bit length, the data, and a 16-bit checksum (the sum of the
// data bytes). attAttachRendData starts each attachment; its name comes
// from attAttachTitle and, when present, from PR_ATTACH_LONG_FILENAME in
// the attAttachment MAPI property list; its bytes from attAttachData (or
// PR_ATTACH_DATA_BIN). All integers are little-endian.

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

const tnefSignature = 0x223E9F78

// Attribute ids (low word of the attribute id).
const (
	attSubject           = 0x8004
	attMessageClass      = 0x8008
	attBody              = 0x800C
	attAttachData        = 0x800F
	attAttachTitle       = 0x8010
	attAttachRendData    = 0x9002
	attMsgProps          = 0x9003
	attAttachment        = 0x9005
	attOemCodepage       = 0x9007
	attAttachTransportFn = 0x9001
)

// MAPI property ids.
const (
	prSubject            = 0x0037
	prBody               = 0x1000
	prBodyHTML           = 0x1013
	prDisplayName        = 0x3001
	prAttachData         = 0x3701
	prAttachFilename     = 0x3704
	prAttachMethod       = 0x3705
	prAttachLongFilename = 0x3707
	prAttachMimeTag      = 0x370E
	prAttachContentID    = 0x3712
	prAttachmentHidden   = 0x7FFE
)

// MAPI property types.
const (
	ptNull     = 0x0001
	ptShort    = 0x0002
	ptLong     = 0x0003
	ptFloat    = 0x0004
	ptDouble   = 0x0005
	ptCurrency = 0x0006
	ptAppTime  = 0x0007
	ptError    = 0x000A
	ptBoolean  = 0x000B
	ptObject   = 0x000D
	ptI8       = 0x0014
	ptString8  = 0x001E
	ptUnicode  = 0x001F
	ptSysTime  = 0x0040
	ptCLSID    = 0x0048
	ptSvrEID   = 0x00FB
	ptRestrict = 0x00FD
	ptActions  = 0x00FE
	ptBinary   = 0x0102
	mvFlag     = 0x1000
)

// attachMethodEmbedded is PR_ATTACH_METHOD for an attached message.
const attachMethodEmbedded = 5

// maxTNEFDepth bounds attached messages inside TNEF inside TNEF.
const maxTNEFDepth = 4

// ErrNotTNEF is returned for data without the TNEF signature.
var ErrNotTNEF = errors.New("tnef: not a TNEF stream (bad signature)")

// TNEFError is a TNEF stream damaged beyond use.
type TNEFError struct {
	Offset int
	Msg    string
}

func (e *TNEFError) Error() string { return fmt.Sprintf("tnef: offset %d: %s", e.Offset, e.Msg) }

// TNEF is a decoded TNEF stream.
type TNEF struct {
	MessageClass string // "IPM.Microsoft Mail.Note"
	Subject      string
	Body         string // plain text body, if present
	BodyHTML     string // HTML body, if present
	Attachments  []TNEFAttachment
	// Problems lists damage worked around: bad checksums, a truncated or
	// trailing-garbage end, unreadable property lists.
	Problems []string
}

// TNEFAttachment is one attachment of a TNEF stream.
type TNEFAttachment struct {
	Name      string // long file name if present, else the 8.3 title
	ShortName string // 8.3 name (attAttachTitle or PR_ATTACH_FILENAME)
	MIMEType  string // PR_ATTACH_MIME_TAG, if present
	ContentID string // PR_ATTACH_CONTENT_ID, if present
	Hidden    bool   // PR_ATTACHMENT_HIDDEN: shown inline, not as a file
	Data      []byte
	// Message is the decoded attached message, when the attachment is an
	// Outlook item (PR_ATTACH_METHOD 5) rather than a file.
	Message *TNEF
}

// DecodeTNEF decodes a TNEF stream. Damage past a readable start is
// listed in Problems; an error means nothing could be read. Attachment data
// shares memory with data.
func DecodeTNEF(data []byte) (t *TNEF, err error) {
	defer func() {
		if r := recover(); r != nil {
			t, err = nil, &TNEFError{Msg: fmt.Sprintf("internal error: %v", r)}
		}
	}()
	return decodeTNEF(data, 0)
}

type tnefDecoder struct {
	t        *TNEF
	codepage uint32
	cur      *tnefAttach
	attaches []*tnefAttach
	depth    int
}

type tnefAttach struct {
	title, long, file, display string
	mime, cid                  string
	hidden                     bool
	data                       []byte
	haveData                   bool
	propData                   []byte
	object                     []byte
	method                     uint32
}

func decodeTNEF(data []byte, depth int) (*TNEF, error) {
	if len(data) < 6 || binary.LittleEndian.Uint32(data) != tnefSignature {
		return nil, ErrNotTNEF
	}
	d := &tnefDecoder{t: &TNEF{}, codepage: 1252, depth: depth}
	off := 6
	attrs := 0
	for off < len(data) {
		if len(data)-off < 11 {
			d.problemf("%d bytes of trailing garbage at offset %d ignored", len(data)-off, off)
			break
		}
		level := data[off]
		id := binary.LittleEndian.Uint32(data[off+1:])
		n := binary.LittleEndian.Uint32(data[off+5:])
		if level != 1 && level != 2 {
			d.problemf("garbage at offset %d (level byte %#x): rest ignored", off, level)
			break
		}
		if uint64(n) > uint64(len(data)-off-11) {
			d.problemf("attribute %#08x at offset %d claims %d bytes, %d left: rest ignored", id, off, n, len(data)-off-11)
			break
		}
		val := data[off+9 : off+9+int(n)]
		sum := binary.LittleEndian.Uint16(data[off+9+int(n):])
		if checksum(val) != sum {
			d.problemf("attribute %#08x at offset %d: bad checksum", id, off)
		}
		d.attribute(level, id, val, off)
		attrs++
		off += 11 + int(n)
	}
	if attrs == 0 {
		return nil, &TNEFError{Offset: 6, Msg: "no readable attribute"}
	}
	d.finish()
	return d.t, nil
}

func checksum(b []byte) uint16 {
	var s uint16
	for _, c := range b {
		s += uint16(c)
	}
	return s
}

func (d *tnefDecoder) problemf(format string, args ...any) {
	if len(d.t.Problems) < maxProblems {
		d.t.Problems = append(d.t.Problems, fmt.Sprintf(format, args...))
	}
}

func (d *tnefDecoder) attach() *tnefAttach {
	if d.cur == nil {
		d.cur = &tnefAttach{}
		d.attaches = append(d.attaches, d.cur)
	}
	return d.cur
}

func (d *tnefDecoder) attribute(level byte, id uint32, val []byte, off int) {
	switch id & 0xFFFF {
	case attOemCodepage:
		if len(val) >= 4 {
			d.codepage = binary.LittleEndian.Uint32(val)
		}
	case attMessageClass:
		d.t.MessageClass = d.string8(val)
	case attSubject:
		if level == 1 {
			d.t.Subject = d.string8(val)
		}
	case attBody:
		d.t.Body = d.string8(val)
	case attMsgProps:
		props, err := parseMAPIProps(val)
		if err != nil {
			d.problemf("message properties at offset %d: %v", off, err)
		}
		d.messageProps(props)
	case attAttachRendData:
		d.cur = &tnefAttach{}
		d.attaches = append(d.attaches, d.cur)
	case attAttachTitle:
		d.attach().title = d.string8(val)
	case attAttachData:
		a := d.attach()
		a.data, a.haveData = val, true
	case attAttachTransportFn:
		if a := d.attach(); a.long == "" {
			a.long = d.string8(val)
		}
	case attAttachment:
		props, err := parseMAPIProps(val)
		if err != nil {
			d.problemf("attachment properties at offset %d: %v", off, err)
		}
		d.attachProps(d.attach(), props)
	}
}

func (d *tnefDecoder) messageProps(props []mapiProp) {
	for _, p := range props {
		if p.named || len(p.values) == 0 {
			continue
		}
		v := p.values[0]
		switch p.id {
		case prSubject:
			if d.t.Subject == "" {
				d.t.Subject = d.propString(p.typ, v)
			}
		case prBody:
			if d.t.Body == "" {
				d.t.Body = d.propString(p.typ, v)
			}
		case prBodyHTML:
			if p.typ == ptBinary {
				s, _ := decodeCharset(bytes.TrimRight(v, "\x00"), htmlCharset(v, d.codepage))
				d.t.BodyHTML = s
			} else {
				d.t.BodyHTML = d.propString(p.typ, v)
			}
		}
	}
}

// htmlCharset is the charset of an HTML body stored as bytes: UTF-8 when
// valid, else the stream's code page.
func htmlCharset(b []byte, codepage uint32) string {
	if utf8.Valid(b) {
		return "utf-8"
	}
	return codepageCharset(codepage)
}

func (d *tnefDecoder) attachProps(a *tnefAttach, props []mapiProp) {
	for _, p := range props {
		if p.named || len(p.values) == 0 {
			continue
		}
		v := p.values[0]
		switch p.id {
		case prAttachLongFilename:
			a.long = d.propString(p.typ, v)
		case prAttachFilename:
			a.file = d.propString(p.typ, v)
		case prDisplayName:
			a.display = d.propString(p.typ, v)
		case prAttachMimeTag:
			a.mime = strings.ToLower(d.propString(p.typ, v))
		case prAttachContentID:
			a.cid = strings.Trim(d.propString(p.typ, v), "<>")
		case prAttachmentHidden:
			a.hidden = len(v) > 0 && v[0] != 0
		case prAttachMethod:
			if len(v) >= 4 {
				a.method = binary.LittleEndian.Uint32(v)
			}
		case prAttachData:
			if p.typ == ptObject {
				a.object = v
			} else {
				a.propData = v
			}
		}
	}
}

func (d *tnefDecoder) finish() {
	for _, a := range d.attaches {
		out := TNEFAttachment{
			ShortName: firstNonEmpty(a.title, a.file),
			MIMEType:  a.mime,
			ContentID: a.cid,
			Hidden:    a.hidden,
			Data:      a.data,
		}
		out.Name = firstNonEmpty(a.long, a.file, a.title, a.display)
		if !a.haveData && a.propData != nil {
			out.Data = a.propData
		}
		if a.object != nil {
			// An object starts with the 16-byte interface id; an attached
			// message's object is a TNEF stream of its own.
			obj := a.object
			if len(obj) >= 16 {
				obj = obj[16:]
			}
			if a.method == attachMethodEmbedded || (len(obj) >= 4 && binary.LittleEndian.Uint32(obj) == tnefSignature) {
				if d.depth+1 >= maxTNEFDepth {
					d.problemf("attached message %q nested too deep: skipped", out.Name)
				} else if m, err := decodeTNEF(obj, d.depth+1); err == nil {
					out.Message = m
					for _, p := range m.Problems {
						d.problemf("attached message %q: %s", out.Name, p)
					}
					if out.Name == "" {
						out.Name = m.Subject
					}
				} else {
					d.problemf("attached message %q: %v", out.Name, err)
				}
			} else if out.Data == nil {
				out.Data = obj
			}
		}
		if out.Data == nil && out.Message == nil {
			if out.Name != "" {
				d.problemf("attachment %q has no data", out.Name)
			}
			continue
		}
		d.t.Attachments = append(d.t.Attachments, out)
	}
}

// string8 decodes an 8-bit string attribute in the stream's code page.
func (d *tnefDecoder) string8(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	s, _ := decodeCharset(b, codepageCharset(d.codepage))
	return strings.TrimSpace(s)
}

func (d *tnefDecoder) propString(typ uint16, b []byte) string {
	switch typ &^ mvFlag {
	case ptUnicode:
		return strings.TrimSpace(utf16le(b))
	case ptString8, ptBinary:
		return d.string8(b)
	}
	return ""
}

func utf16le(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		c := binary.LittleEndian.Uint16(b[i:])
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	return string(utf16.Decode(u))
}

// codepageCharset names the charset of a Windows code page.
func codepageCharset(cp uint32) string {
	switch {
	case cp >= 1250 && cp <= 1258:
		return fmt.Sprintf("windows-%d", cp)
	case cp >= 28591 && cp <= 28606:
		return fmt.Sprintf("iso-8859-%d", cp-28590)
	}
	switch cp {
	case 65001:
		return "utf-8"
	case 437:
		return "ibm437"
	case 850:
		return "ibm850"
	case 866:
		return "ibm866"
	case 874:
		return "windows-874"
	case 932:
		return "shift_jis"
	case 936:
		return "gbk"
	case 949:
		return "euc-kr"
	case 950:
		return "big5"
	case 20127:
		return "us-ascii"
	case 20866:
		return "koi8-r"
	case 50220:
		return "iso-2022-jp"
	case 51932:
		return "euc-jp"
	}
	return "windows-1252"
}

// mapiProp is one property of a MAPI property list.
type mapiProp struct {
	typ    uint16
	id     uint16
	named  bool
	values [][]byte
}

// parseMAPIProps reads a MAPI property list ([MS-OXTNEF] 2.1.3.4). The
// properties read before an error are returned with it.
func parseMAPIProps(b []byte) ([]mapiProp, error) {
	r := &byteReader{b: b}
	count, ok := r.u32()
	if !ok {
		return nil, errors.New("truncated property count")
	}
	if uint64(count)*4 > uint64(len(b)) {
		return nil, fmt.Errorf("property count %d larger than the list", count)
	}
	props := make([]mapiProp, 0, min(count, 1024))
	for i := uint32(0); i < count; i++ {
		var p mapiProp
		typ, ok1 := r.u16()
		id, ok2 := r.u16()
		if !ok1 || !ok2 {
			return props, fmt.Errorf("property %d: truncated", i)
		}
		p.typ, p.id = typ, id
		if id >= 0x8000 {
			// Named property: GUID, kind, then an id or a name.
			p.named = true
			if !r.skip(16) {
				return props, fmt.Errorf("property %d: truncated name", i)
			}
			kind, ok := r.u32()
			if !ok {
				return props, fmt.Errorf("property %d: truncated name", i)
			}
			switch kind {
			case 0:
				if _, ok := r.u32(); !ok {
					return props, fmt.Errorf("property %d: truncated name", i)
				}
			case 1:
				n, ok := r.u32()
				if !ok || !r.skip(pad4(n)) {
					return props, fmt.Errorf("property %d: truncated name", i)
				}
			default:
				return props, fmt.Errorf("property %d: unknown name kind %d", i, kind)
			}
		}
		base := typ &^ mvFlag
		n := uint32(1)
		if typ&mvFlag != 0 || isVarType(base) {
			var ok bool
			if n, ok = r.u32(); !ok {
				return props, fmt.Errorf("property %d: truncated value count", i)
			}
			// Each value takes at least 4 bytes.
			if uint64(n)*4 > uint64(r.left()) {
				return props, fmt.Errorf("property %d: %d values do not fit", i, n)
			}
		}
		for j := uint32(0); j < n; j++ {
			if isVarType(base) {
				size, ok := r.u32()
				if !ok {
					return props, fmt.Errorf("property %#04x: truncated value", id)
				}
				v, ok := r.bytes(size)
				if !ok || !r.skip(pad4(size)-size) {
					return props, fmt.Errorf("property %#04x: value of %d bytes truncated", id, size)
				}
				p.values = append(p.values, v)
				continue
			}
			size := fixedSize(base)
			if size < 0 {
				return props, fmt.Errorf("property %#04x: unknown type %#04x", id, typ)
			}
			v, ok := r.bytes(uint32(size))
			if !ok || !r.skip(pad4(uint32(size))-uint32(size)) {
				return props, fmt.Errorf("property %#04x: truncated value", id)
			}
			p.values = append(p.values, v)
		}
		props = append(props, p)
	}
	return props, nil
}

func isVarType(t uint16) bool {
	switch t {
	case ptString8, ptUnicode, ptBinary, ptObject, ptSvrEID, ptRestrict, ptActions:
		return true
	}
	return false
}

func fixedSize(t uint16) int {
	switch t {
	case ptShort, ptBoolean:
		return 2
	case ptLong, ptFloat, ptError:
		return 4
	case ptDouble, ptCurrency, ptAppTime, ptI8, ptSysTime:
		return 8
	case ptCLSID:
		return 16
	}
	return -1
}

func pad4(n uint32) uint32 { return (n + 3) &^ 3 }

type byteReader struct {
	b   []byte
	off int
}

func (r *byteReader) left() int { return len(r.b) - r.off }

func (r *byteReader) u16() (uint16, bool) {
	if r.left() < 2 {
		return 0, false
	}
	v := binary.LittleEndian.Uint16(r.b[r.off:])
	r.off += 2
	return v, true
}

func (r *byteReader) u32() (uint32, bool) {
	if r.left() < 4 {
		return 0, false
	}
	v := binary.LittleEndian.Uint32(r.b[r.off:])
	r.off += 4
	return v, true
}

func (r *byteReader) skip(n uint32) bool {
	if uint64(n) > uint64(r.left()) {
		return false
	}
	r.off += int(n)
	return true
}

func (r *byteReader) bytes(n uint32) ([]byte, bool) {
	if uint64(n) > uint64(r.left()) {
		return nil, false
	}
	v := r.b[r.off : r.off+int(n)]
	r.off += int(n)
	return v, true
}
