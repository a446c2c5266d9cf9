package mail

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
)

// tnefExpect is one fixture's row of testdata/tnef/README.md.
type tnefExpect struct {
	names      []string          // attachment names, in the table's order
	short      map[string]string // long name → 8.3 name, when the table gives it
	notTNEF    bool              // "not TNEF": DecodeTNEF must fail with ErrNotTNEF
	bodyOnly   bool              // "none (message body only...)"
	garbageEnd bool              // "trailing garbage"
}

var shortNameRe = regexp.MustCompile(`short name ([^\s)]+)`)

// readTNEFReadme parses the fixture table of testdata/tnef/README.md.
func readTNEFReadme(t *testing.T) map[string]tnefExpect {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "tnef", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]tnefExpect{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "|") || strings.HasPrefix(line, "|---") || strings.HasPrefix(line, "| file") {
			continue
		}
		cols := strings.Split(strings.Trim(line, "|"), "|")
		if len(cols) != 2 {
			t.Fatalf("README row %q: want 2 columns", line)
		}
		files, cell := strings.TrimSpace(cols[0]), strings.TrimSpace(cols[1])
		var e tnefExpect
		switch {
		case strings.HasPrefix(cell, "not TNEF"):
			e.notTNEF = true
		case strings.HasPrefix(cell, "none"):
			e.bodyOnly = strings.Contains(cell, "body")
			e.garbageEnd = strings.Contains(cell, "garbage")
		default:
			e.short = map[string]string{}
			// Drop parenthesised notes, remembering short names.
			for {
				i := strings.IndexByte(cell, '(')
				if i < 0 {
					break
				}
				j := strings.IndexByte(cell[i:], ')')
				if j < 0 {
					t.Fatalf("README cell %q: unbalanced parenthesis", cell)
				}
				note := cell[i : i+j+1]
				name := strings.TrimSpace(cell[:i])
				if k := strings.LastIndexByte(name, ','); k >= 0 {
					name = strings.TrimSpace(name[k+1:])
				}
				if m := shortNameRe.FindStringSubmatch(note); m != nil {
					e.short[name] = m[1]
				}
				cell = cell[:i] + cell[i+j+1:]
			}
			for _, n := range strings.Split(cell, ",") {
				if n = strings.TrimSpace(n); n != "" {
					e.names = append(e.names, n)
				}
			}
		}
		for _, name := range strings.Split(files, ",") {
			out[strings.TrimSpace(name)] = e
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// readTNEFSums reads testdata/tnef/SHA256SUMS: fixture → file name →
// digest, as extracted by an independent decoder.
func readTNEFSums(t *testing.T) map[string]map[string]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "tnef", "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 || strings.HasPrefix(line, "#") {
			continue
		}
		if out[f[0]] == nil {
			out[f[0]] = map[string]string{}
		}
		out[f[0]][f[1]] = f[2]
	}
	return out
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestTNEFFixturesMatchReadme(t *testing.T) {
	want := readTNEFReadme(t)
	sums := readTNEFSums(t)
	files, err := filepath.Glob(filepath.Join("testdata", "tnef", "*.tnef"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(want) || len(files) < 13 {
		t.Fatalf("%d fixtures, README lists %d", len(files), len(want))
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(strings.TrimSuffix(name, ".tnef"), func(t *testing.T) {
			e, ok := want[name]
			if !ok {
				t.Fatalf("%s is not in the README table", name)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			tn, err := DecodeTNEF(data)
			if e.notTNEF {
				if !errors.Is(err, ErrNotTNEF) {
					t.Fatalf("err = %v, want ErrNotTNEF", err)
				}
				if !strings.Contains(err.Error(), "signature") {
					t.Errorf("error %q does not say what is wrong", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("DecodeTNEF: %v", err)
			}
			var got []string
			for _, a := range tn.Attachments {
				got = append(got, a.Name)
			}
			if !slices.Equal(got, e.names) {
				t.Errorf("attachments %q, README says %q", got, e.names)
			}
			for long, short := range e.short {
				i := slices.Index(got, long)
				if i < 0 || tn.Attachments[i].ShortName != short {
					t.Errorf("%s: short name not %q", long, short)
				}
			}
			for _, a := range tn.Attachments {
				d, ok := sums[name][a.Name]
				if !ok {
					t.Errorf("%s: no reference digest", a.Name)
					continue
				}
				if got := sha(a.Data); got != d {
					t.Errorf("%s: %d bytes, sha256 %s, tnef(1) extracts %s", a.Name, len(a.Data), got, d)
				}
			}
			if d, ok := sums[name]["body.html"]; ok {
				if got := sha([]byte(tn.BodyHTML)); got != d {
					t.Errorf("HTML body (%d bytes) differs from tnef(1)'s", len(tn.BodyHTML))
				}
			}
			if e.garbageEnd && len(tn.Problems) == 0 {
				t.Error("trailing garbage not reported")
			}
			if !e.garbageEnd && len(tn.Problems) > 0 {
				t.Errorf("problems on a sound stream: %q", tn.Problems)
			}
			if e.bodyOnly && tn.MessageClass == "" && tn.Subject == "" {
				t.Error("body-only stream: neither class nor subject read")
			}
		})
	}
}

func TestTNEFBodies(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "tnef", "triples.tnef"))
	if err != nil {
		t.Fatal(err)
	}
	tn, err := DecodeTNEF(data)
	if err != nil {
		t.Fatal(err)
	}
	if tn.MessageClass != "IPM.Appointment" || !strings.HasPrefix(tn.Body, "Sample description") {
		t.Errorf("class %q body %q", tn.MessageClass, tn.Body)
	}
	data, err = os.ReadFile(filepath.Join("testdata", "tnef", "unicode-mapi-attr-name.tnef"))
	if err != nil {
		t.Fatal(err)
	}
	tn, err = DecodeTNEF(data)
	if err != nil {
		t.Fatal(err)
	}
	// The subject is a Polish UTF-16 string.
	if !strings.Contains(tn.Subject, "numerów") {
		t.Errorf("subject %q", tn.Subject)
	}
	var hidden int
	for _, a := range tn.Attachments {
		if a.Hidden && a.ContentID != "" && a.MIMEType == "image/png" {
			hidden++
		}
	}
	if hidden != 3 {
		t.Errorf("%d inline images, want the 3 PNGs", hidden)
	}
}

func TestTNEFDamage(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("testdata", "tnef", "two-files.tnef"))
	if err != nil {
		t.Fatal(err)
	}
	t.Run("empty", func(t *testing.T) {
		if _, err := DecodeTNEF(nil); !errors.Is(err, ErrNotTNEF) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("signature only", func(t *testing.T) {
		_, err := DecodeTNEF(good[:6])
		var te *TNEFError
		if !errors.As(err, &te) {
			t.Errorf("err = %v, want a TNEFError", err)
		}
	})
	t.Run("truncated", func(t *testing.T) {
		// Cut inside the second attachment's data: the first survives.
		tn, err := DecodeTNEF(good[:len(good)-600])
		if err != nil {
			t.Fatal(err)
		}
		if len(tn.Problems) == 0 {
			t.Error("truncation not reported")
		}
		if len(tn.Attachments) == 0 || tn.Attachments[0].Name != "AUTHORS" {
			t.Errorf("attachments %v", tn.Attachments)
		}
	})
	t.Run("bad checksum", func(t *testing.T) {
		bad := bytes.Clone(good)
		// Flip a byte of the first attribute's data (after signature, key,
		// level, id and length).
		bad[6+9] ^= 0xff
		tn, err := DecodeTNEF(bad)
		if err != nil {
			t.Fatal(err)
		}
		if len(tn.Problems) != 1 || !strings.Contains(tn.Problems[0], "checksum") {
			t.Errorf("problems %q", tn.Problems)
		}
	})
	t.Run("huge length", func(t *testing.T) {
		bad := bytes.Clone(good)
		binary.LittleEndian.PutUint32(bad[6+5:], 0xFFFFFFF0)
		_, err := DecodeTNEF(bad)
		if err == nil {
			t.Error("no error for an attribute longer than the stream")
		}
	})
}

func TestMAPIPropsBounds(t *testing.T) {
	// A count that cannot fit, and a value length past the end.
	if _, err := parseMAPIProps([]byte{0xff, 0xff, 0xff, 0x7f}); err == nil {
		t.Error("huge count accepted")
	}
	b := []byte{1, 0, 0, 0, 0x02, 0x01, 0x01, 0x37, 1, 0, 0, 0, 0xff, 0xff, 0, 0}
	if _, err := parseMAPIProps(b); err == nil {
		t.Error("value past the end accepted")
	}
}

func FuzzTNEF(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "tnef", "*.tnef"))
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	outer, _, _ := syntheticTNEF()
	f.Add(outer)
	f.Fuzz(func(t *testing.T, data []byte) {
		tn, err := DecodeTNEF(data)
		if err != nil {
			if tn != nil {
				t.Fatal("result with an error")
			}
			return
		}
		for _, a := range tn.Attachments {
			if len(a.Data) > len(data) {
				t.Fatalf("attachment of %d bytes from %d bytes of input", len(a.Data), len(data))
			}
		}
	})
}

// A small TNEF encoder, to build streams with features the shared samples
// lack: an attached Outlook message, data held in MAPI properties, a
// Unicode long file name.

func tnefAttr(level byte, id uint32, data []byte) []byte {
	b := []byte{level}
	b = binary.LittleEndian.AppendUint32(b, id)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(data)))
	b = append(b, data...)
	return binary.LittleEndian.AppendUint16(b, checksum(data))
}

func tnefStream(attrs ...[]byte) []byte {
	b := binary.LittleEndian.AppendUint32(nil, tnefSignature)
	b = binary.LittleEndian.AppendUint16(b, 1)
	for _, a := range attrs {
		b = append(b, a...)
	}
	return b
}

func mapiList(props ...[]byte) []byte {
	b := binary.LittleEndian.AppendUint32(nil, uint32(len(props)))
	for _, p := range props {
		b = append(b, p...)
	}
	return b
}

func mapiVar(typ, id uint16, val []byte) []byte {
	b := binary.LittleEndian.AppendUint16(nil, typ)
	b = binary.LittleEndian.AppendUint16(b, id)
	b = binary.LittleEndian.AppendUint32(b, 1)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(val)))
	b = append(b, val...)
	return append(b, make([]byte, int(pad4(uint32(len(val))))-len(val))...)
}

func mapiLong(id uint16, v uint32) []byte {
	b := binary.LittleEndian.AppendUint16(nil, ptLong)
	b = binary.LittleEndian.AppendUint16(b, id)
	return binary.LittleEndian.AppendUint32(b, v)
}

// mapiNamedLong is a named property (by string name) holding a long.
func mapiNamedLong(name string, v uint32) []byte {
	b := binary.LittleEndian.AppendUint16(nil, ptLong)
	b = binary.LittleEndian.AppendUint16(b, 0x8001)
	b = append(b, make([]byte, 16)...) // GUID
	b = binary.LittleEndian.AppendUint32(b, 1)
	u := utf16z(name)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(u)))
	b = append(b, u...)
	b = append(b, make([]byte, int(pad4(uint32(len(u))))-len(u))...)
	return binary.LittleEndian.AppendUint32(b, v)
}

func utf16z(s string) []byte {
	var b []byte
	for _, c := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, c)
	}
	return append(b, 0, 0)
}

const (
	idRendData   = 0x00069002
	idTitle      = 0x00018010
	idAttachData = 0x0006800F
	idAttachment = 0x00069005
	idMsgProps   = 0x00069003
	idSubject    = 0x00018004
)

func syntheticTNEF() (outer []byte, csv, pdf []byte) {
	csv = []byte("Year,Arrests\r\n2024,17\r\n")
	pdf = []byte("%PDF-1.4\n%%EOF\n")
	inner := tnefStream(
		tnefAttr(1, idSubject, []byte("Inner report\x00")),
		tnefAttr(2, idRendData, make([]byte, 14)),
		tnefAttr(2, idTitle, []byte("FIGURE~1.CSV\x00")),
		tnefAttr(2, idAttachData, csv),
		tnefAttr(2, idAttachment, mapiList(
			mapiNamedLong("x-custom", 7),
			mapiVar(ptUnicode, prAttachLongFilename, utf16z("figures – 2024.csv")))),
	)
	iid := []byte{0x07, 0x03, 0x02, 0, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46}
	outer = tnefStream(
		tnefAttr(1, idMsgProps, mapiList(mapiVar(ptBinary, prBodyHTML, []byte("<p>Please find the letter attached.</p>")))),
		tnefAttr(2, idRendData, make([]byte, 14)),
		tnefAttr(2, idAttachment, mapiList(
			mapiLong(prAttachMethod, attachMethodEmbedded),
			mapiVar(ptString8, prDisplayName, []byte("Inner report\x00")),
			mapiVar(ptObject, prAttachData, append(iid, inner...)))),
		tnefAttr(2, idRendData, make([]byte, 14)),
		tnefAttr(2, idAttachment, mapiList(
			mapiVar(ptString8, prAttachLongFilename, []byte("letter.pdf\x00")),
			mapiVar(ptBinary, prAttachData, pdf))),
	)
	return outer, csv, pdf
}

func TestTNEFSynthetic(t *testing.T) {
	outer, csv, pdf := syntheticTNEF()
	tn, err := DecodeTNEF(outer)
	if err != nil {
		t.Fatal(err)
	}
	if len(tn.Problems) > 0 || len(tn.Attachments) != 2 {
		t.Fatalf("problems %q, %d attachments", tn.Problems, len(tn.Attachments))
	}
	msg := tn.Attachments[0]
	if msg.Name != "Inner report" || msg.Message == nil || msg.Message.Subject != "Inner report" {
		t.Fatalf("attached message %+v", msg)
	}
	if in := msg.Message.Attachments; len(in) != 1 || in[0].Name != "figures – 2024.csv" || in[0].ShortName != "FIGURE~1.CSV" || !bytes.Equal(in[0].Data, csv) {
		t.Errorf("inner attachments %+v", in)
	}
	if a := tn.Attachments[1]; a.Name != "letter.pdf" || !bytes.Equal(a.Data, pdf) {
		t.Errorf("letter %+v", a)
	}
	if tn.BodyHTML != "<p>Please find the letter attached.</p>" {
		t.Errorf("body %q", tn.BodyHTML)
	}

	// Through Parse: paths name the containers, the body comes from TNEF.
	raw := entity([]string{"From: FOI <foi@kent.police.example>", "Subject: RE: FOI",
		`Content-Type: multipart/mixed; boundary="t"`}, multipartBody("t",
		entity([]string{`Content-Type: application/ms-tnef; name="winmail.dat"`, "Content-Transfer-Encoding: base64"}, b64Body(outer))))
	m, err := Parse([]byte(raw), nil)
	if err != nil {
		t.Fatal(err)
	}
	if names := attachmentNames(m); !slices.Equal(names, []string{"winmail.dat/Inner report.msg/figures – 2024.csv", "winmail.dat/letter.pdf"}) {
		t.Errorf("attachments %q", names)
	}
	if m.Text != "Please find the letter attached." || len(m.Problems) > 0 {
		t.Errorf("text %q problems %q", m.Text, m.Problems)
	}
	if m.Attachments[0].ContentType != "text/csv" || m.Attachments[1].ContentType != "application/pdf" {
		t.Errorf("types %q %q", m.Attachments[0].ContentType, m.Attachments[1].ContentType)
	}
}
