package pdf

import (
	_ "embed"
	"sort"
	"strconv"
	"strings"
	"sync"

	lpdf "github.com/ledongthuc/pdf"
	"golang.org/x/text/encoding/charmap"
)

//go:embed glyphlist.txt
var glyphListText string

var (
	glyphOnce sync.Once
	glyphMap  map[string]rune
)

// glyphRune maps a glyph name to its Unicode code point: the Adobe glyph
// list, then the uniXXXX / uXXXX[XX] conventions.
func glyphRune(name string) (rune, bool) {
	glyphOnce.Do(func() {
		glyphMap = make(map[string]rune, 4400)
		for _, line := range strings.Split(glyphListText, "\n") {
			if line == "" || line[0] == '#' {
				continue
			}
			n, h, ok := strings.Cut(line, " ")
			if !ok {
				continue
			}
			v, err := strconv.ParseUint(h, 16, 32)
			if err == nil {
				glyphMap[n] = rune(v)
			}
		}
	})
	if r, ok := glyphMap[name]; ok {
		return r, true
	}
	if base, _, ok := strings.Cut(name, "."); ok && base != "" { // "a.sc", "one.oldstyle"
		if r, ok := glyphMap[base]; ok {
			return r, true
		}
	}
	if strings.HasPrefix(name, "uni") && len(name) >= 7 {
		if v, err := strconv.ParseUint(name[3:7], 16, 32); err == nil {
			return rune(v), true
		}
	}
	if strings.HasPrefix(name, "u") && len(name) >= 5 && len(name) <= 7 {
		if v, err := strconv.ParseUint(name[1:], 16, 32); err == nil && v <= 0x10FFFF {
			return rune(v), true
		}
	}
	return 0, false
}

type codeMetric struct {
	r rune
	w uint16
}

var (
	winAnsi  [256]rune
	macRoman [256]rune
	stdEnc   [256]rune
)

func init() {
	for c := 0; c < 256; c++ {
		winAnsi[c] = charmap.Windows1252.DecodeByte(byte(c))
		macRoman[c] = charmap.Macintosh.DecodeByte(byte(c))
	}
	// PDF's WinAnsiEncoding maps the unused codes to bullets and 0xA0 to space.
	for _, c := range []int{0x81, 0x8d, 0x8f, 0x90, 0x9d} {
		winAnsi[c] = 0x2022
	}
	for c := 0; c < 256; c++ {
		if n := standardEncoding[c]; n != "" {
			stdEnc[c] = runeOfGlyph(n)
		}
	}
}

func runeOfGlyph(n string) rune {
	r, _ := glyphRune(n)
	return r
}

// stdWidth returns the width of r in one of the standard 14 fonts.
func stdWidth(font string, r rune) (float64, bool) {
	ws := std14Widths[font]
	if ws == nil {
		return 0, false
	}
	i := sort.Search(len(std14Runes), func(i int) bool { return std14Runes[i] >= r })
	if i < len(std14Runes) && std14Runes[i] == r && ws[i] != 0 {
		return float64(ws[i]), true
	}
	return 0, false
}

// std14Name maps a BaseFont name (possibly subset-tagged, or a
// metric-compatible alias such as Arial) to a standard 14 font name.
func std14Name(base string) string {
	if len(base) > 7 && base[6] == '+' {
		base = base[7:]
	}
	b := strings.ToLower(strings.NewReplacer(" ", "", "-", "", ",", "", "_", "").Replace(base))
	bold := strings.Contains(b, "bold") || strings.Contains(b, "black") || strings.Contains(b, "heavy")
	italic := strings.Contains(b, "italic") || strings.Contains(b, "oblique")
	var fam string
	switch {
	case strings.HasPrefix(b, "symbol"):
		return "Symbol"
	case strings.HasPrefix(b, "zapfdingbats") || strings.HasPrefix(b, "dingbats"):
		return "ZapfDingbats"
	case strings.HasPrefix(b, "helvetica") || strings.HasPrefix(b, "arial") || strings.HasPrefix(b, "liberationsans") || strings.HasPrefix(b, "nimbussans"):
		fam = "Helvetica"
	case strings.HasPrefix(b, "times") || strings.HasPrefix(b, "liberationserif") || strings.HasPrefix(b, "nimbusroman"):
		fam = "Times"
	case strings.HasPrefix(b, "courier") || strings.HasPrefix(b, "liberationmono") || strings.HasPrefix(b, "nimbusmono"):
		fam = "Courier"
	default:
		return ""
	}
	switch fam {
	case "Times":
		switch {
		case bold && italic:
			return "Times-BoldItalic"
		case bold:
			return "Times-Bold"
		case italic:
			return "Times-Italic"
		}
		return "Times-Roman"
	default:
		switch {
		case bold && italic:
			return fam + "-BoldOblique"
		case bold:
			return fam + "-Bold"
		case italic:
			return fam + "-Oblique"
		}
		return fam
	}
}

// font is what the interpreter needs of a PDF font: how to split strings
// into codes, each code's advance width and its Unicode text.
type font struct {
	name      string
	composite bool
	codeLen   int   // default code length (1 simple, 2 composite)
	encoding  *cmap // composite fonts: code → CID (nil = identity)
	toUni     *cmap

	// simple fonts
	first, last int
	widths      []float64
	hasWidths   bool
	enc         [256]rune
	std         string // standard 14 metrics to fall back on
	symbolic    *[256]codeMetric

	// composite fonts
	dw       float64
	cidW     map[uint32]float64
	cidRange []cidWidthRange

	missing float64 // MissingWidth
	scale   float64 // glyph space → 1/1000 text space (Type3 FontMatrix)
	ascent  float64
	descent float64
	bold    bool
}

type cidWidthRange struct {
	lo, hi uint32
	w      float64
}

func num(v lpdf.Value) float64 { return v.Float64() }

// loadFont reads a font dictionary. It may panic on malformed objects;
// the caller recovers.
func (d *Document) loadFont(v lpdf.Value) *font {
	f := &font{scale: 1, ascent: 750, descent: -250, codeLen: 1}
	f.name = v.Key("BaseFont").Name()
	subtype := v.Key("Subtype").Name()
	lname := strings.ToLower(f.name)
	f.bold = strings.Contains(lname, "bold") || strings.Contains(lname, "black") || strings.Contains(lname, "heavy")

	if tu := v.Key("ToUnicode"); tu.Kind() == lpdf.Stream {
		if data, err := d.streamBytes(tu); err == nil {
			f.toUni = parseCMap(data)
		}
	}

	desc := v.Key("FontDescriptor")
	if subtype == "Type0" {
		f.composite = true
		f.codeLen = 2
		enc := v.Key("Encoding")
		switch enc.Kind() {
		case lpdf.Stream:
			if data, err := d.streamBytes(enc); err == nil {
				f.encoding = parseCMap(data)
			}
		case lpdf.Name:
			// Identity-H/V and the predefined UCS-2 CMaps use two-byte codes.
		}
		desc0 := v.Key("DescendantFonts").Index(0)
		desc = desc0.Key("FontDescriptor")
		f.dw = 1000
		if dw := desc0.Key("DW"); dw.Kind() == lpdf.Integer || dw.Kind() == lpdf.Real {
			f.dw = num(dw)
		}
		f.readW(desc0.Key("W"))
		if f.name == "" {
			f.name = desc0.Key("BaseFont").Name()
		}
		if f.toUni == nil {
			if n := enc.Name(); strings.HasPrefix(n, "Uni") && strings.Contains(n, "UCS2") || strings.Contains(n, "UTF16") {
				f.toUni = &cmap{} // marker: decode codes as UTF-16 below
				f.encoding = nil
			}
		}
	} else {
		f.first = int(v.Key("FirstChar").Int64())
		f.last = int(v.Key("LastChar").Int64())
		w := v.Key("Widths")
		if n := w.Len(); n > 0 && n <= 4096 {
			f.widths = make([]float64, n)
			for i := range n {
				f.widths[i] = num(w.Index(i))
			}
			f.hasWidths = true
		}
		f.std = std14Name(f.name)
		switch f.std {
		case "Symbol":
			f.symbolic = &symbolMetrics
		case "ZapfDingbats":
			f.symbolic = &dingbatsMetrics
		}
		// Base encoding.
		switch {
		case f.symbolic != nil:
			for c := range 256 {
				f.enc[c] = f.symbolic[c].r
			}
		case subtype == "TrueType":
			f.enc = winAnsi
		default:
			f.enc = stdEnc
		}
		enc := v.Key("Encoding")
		base := enc
		if enc.Kind() == lpdf.Dict {
			base = enc.Key("BaseEncoding")
		}
		switch base.Name() {
		case "WinAnsiEncoding":
			f.enc = winAnsi
		case "MacRomanEncoding":
			f.enc = macRoman
		case "StandardEncoding":
			f.enc = stdEnc
		}
		if diffs := enc.Key("Differences"); diffs.Kind() == lpdf.Array {
			code := 0
			for i := 0; i < diffs.Len() && i < 1024; i++ {
				x := diffs.Index(i)
				switch x.Kind() {
				case lpdf.Integer, lpdf.Real:
					code = int(num(x))
				case lpdf.Name:
					if code >= 0 && code < 256 {
						if r, ok := glyphRune(x.Name()); ok {
							f.enc[code] = r
						} else {
							f.enc[code] = 0xFFFD
						}
					}
					code++
				}
			}
		}
		if subtype == "Type3" {
			if fm := v.Key("FontMatrix"); fm.Len() >= 4 {
				f.scale = num(fm.Index(0)) * 1000
				if f.scale == 0 {
					f.scale = 1
				}
			}
		}
	}
	if desc.Kind() == lpdf.Dict {
		f.missing = num(desc.Key("MissingWidth"))
		if a := num(desc.Key("Ascent")); a > 100 && a < 1500 {
			f.ascent = a
		}
		if dd := num(desc.Key("Descent")); dd < 0 && dd > -800 {
			f.descent = dd
		}
		if fl := desc.Key("Flags").Int64(); fl&(1<<18) != 0 {
			f.bold = true
		}
		if fw := num(desc.Key("FontWeight")); fw >= 600 {
			f.bold = true
		}
	}
	return f
}

// readW parses a CIDFont's /W array.
func (f *font) readW(w lpdf.Value) {
	n := w.Len()
	if n == 0 {
		return
	}
	f.cidW = map[uint32]float64{}
	for i := 0; i < n && len(f.cidW) < 1<<16; {
		first := w.Index(i)
		if first.Kind() != lpdf.Integer && first.Kind() != lpdf.Real {
			i++
			continue
		}
		c := uint32(max(num(first), 0))
		if i+1 >= n {
			break
		}
		next := w.Index(i + 1)
		if next.Kind() == lpdf.Array {
			for j := 0; j < next.Len() && j < 1<<16; j++ {
				f.cidW[c+uint32(j)] = num(next.Index(j))
			}
			i += 2
			continue
		}
		if i+2 >= n {
			break
		}
		hi := uint32(max(num(next), 0))
		if hi >= c {
			f.cidRange = append(f.cidRange, cidWidthRange{c, hi, num(w.Index(i + 2))})
		}
		i += 3
	}
}

// decoded is one code of a shown string.
type decoded struct {
	text  string
	width float64 // 1/1000 text space units
	space bool    // single-byte code 32: word spacing applies
}

// decode splits s into codes and returns each code's text and width.
func (f *font) decode(s string, out []decoded) []decoded {
	for len(s) > 0 {
		n := f.codeLen
		if f.composite {
			n = f.encoding.split(s, 2)
		} else if f.toUni != nil && len(f.toUni.space) > 0 {
			n = 1 // simple fonts always use one-byte codes
		}
		n = max(1, min(n, len(s)))
		raw := s[:n]
		s = s[n:]
		code := bytesToCode(raw)
		var d decoded
		d.space = n == 1 && code == 32
		var ok bool
		if f.toUni != nil {
			if f.composite && f.toUni.uni == nil && f.toUni.uniRanges == nil && f.toUni.space == nil {
				d.text, ok = string(utf16Decode1(raw)), true
			} else {
				d.text, ok = f.toUni.text(code, n)
			}
		}
		if !ok && !f.composite {
			if r := f.enc[code&0xff]; r != 0 {
				d.text = string(r)
			} else if code >= 32 && code < 127 {
				d.text = string(rune(code))
			}
		}
		if f.composite {
			cid := f.encoding.cidOf(code, n)
			d.width = f.cidWidth(cid)
		} else {
			d.width = f.simpleWidth(int(code), d.text)
		}
		out = append(out, d)
	}
	return out
}

func utf16Decode1(s string) []rune {
	var r []rune
	for _, c := range toUTF16(s) {
		r = append(r, rune(c))
	}
	return r
}

func (f *font) cidWidth(cid uint32) float64 {
	if w, ok := f.cidW[cid]; ok {
		return w
	}
	for _, r := range f.cidRange {
		if cid >= r.lo && cid <= r.hi {
			return r.w
		}
	}
	return f.dw
}

func (f *font) simpleWidth(code int, text string) float64 {
	if f.hasWidths && code >= f.first && code-f.first < len(f.widths) {
		if w := f.widths[code-f.first] * f.scale; w != 0 {
			return w
		}
	}
	if f.symbolic != nil && code < 256 {
		if w := f.symbolic[code].w; w != 0 {
			return float64(w)
		}
	}
	var r rune
	if text != "" {
		r = []rune(text)[0]
	}
	if f.std != "" {
		if w, ok := stdWidth(f.std, r); ok {
			return w
		}
	}
	if f.missing > 0 {
		return f.missing
	}
	// Unknown: estimate with Helvetica's metrics.
	if w, ok := stdWidth("Helvetica", r); ok {
		return w
	}
	return 500
}
