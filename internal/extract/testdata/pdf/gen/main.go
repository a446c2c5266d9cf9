// Command gen writes the PDF table corpus of internal/extract: PDFs with
// known tables and, beside each, the expected tables as CSV, listed in
// cases.json. Two kinds of case:
//
//   - written here byte by byte, for precise features (standard-14 fonts
//     without /Widths, a CID font with /W, /Differences, Form XObjects,
//     m/l rulings, thin filled rules, rotated pages, multi-page tables);
//   - converted by LibreOffice (soffice --headless) from HTML and XLSX
//     sources written here, for realistic producer output.
//
// Run from the repository root:
//
//	go run ./internal/extract/testdata/pdf/gen [-soffice=true]
package main

import (
	"bytes"
	"compress/zlib"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

var outDir = flag.String("out", "internal/extract/testdata/pdf", "corpus directory")

// Expect describes one table a case must give.
type Expect struct {
	CSV   string   `json:"csv"`
	Page  int      `json:"page"`
	Title string   `json:"title,omitempty"`
	Notes []string `json:"notes,omitempty"`
}

// Case is one PDF of the corpus.
type Case struct {
	File     string   `json:"file"`
	Producer string   `json:"producer"`
	Features []string `json:"features"`
	Tables   []Expect `json:"tables"`
	OCRPages []int    `json:"ocr_pages,omitempty"`
}

var cases []Case

func main() {
	useSoffice := flag.Bool("soffice", true, "also build the LibreOffice cases (needs soffice)")
	flag.Parse()
	if err := os.MkdirAll(*outDir, 0o755); err != nil {
		log.Fatal(err)
	}
	genWritten()
	if *useSoffice {
		genLibreOffice()
	} else {
		// Keep the LibreOffice entries already in cases.json.
		old, err := os.ReadFile(filepath.Join(*outDir, "cases.json"))
		if err == nil {
			var prev []Case
			if json.Unmarshal(old, &prev) == nil {
				for _, c := range prev {
					if c.Producer == "libreoffice" {
						cases = append(cases, c)
					}
				}
			}
		}
	}
	data, _ := json.MarshalIndent(cases, "", "  ")
	if err := os.WriteFile(filepath.Join(*outDir, "cases.json"), append(data, '\n'), 0o644); err != nil {
		log.Fatal(err)
	}
}

func writeCSV(name string, grid [][]string) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.WriteAll(grid)
	if err := os.WriteFile(filepath.Join(*outDir, name), b.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
}

// ---- a small PDF writer ----

type pdfw struct {
	objs [][]byte
}

func (w *pdfw) reserve() int {
	w.objs = append(w.objs, nil)
	return len(w.objs)
}

func (w *pdfw) set(id int, s string) { w.objs[id-1] = []byte(s) }

func (w *pdfw) add(s string) int {
	id := w.reserve()
	w.set(id, s)
	return id
}

func (w *pdfw) stream(dict string, data []byte, compress bool) int {
	if compress {
		var b bytes.Buffer
		z := zlib.NewWriter(&b)
		z.Write(data)
		z.Close()
		data = b.Bytes()
		dict += " /Filter /FlateDecode"
	}
	return w.add(fmt.Sprintf("<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(data), data))
}

func (w *pdfw) bytes(root int) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.6\n%\xe2\xe3\xcf\xd3\n")
	offs := make([]int, len(w.objs))
	for i, o := range w.objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	x := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(w.objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(w.objs)+1, root, x)
	return b.Bytes()
}

// fonts used by written cases
type fontKind int

const (
	helv     fontKind = iota // Helvetica, standard 14, no /Widths
	helvBold                 // Helvetica-Bold, standard 14, no /Widths
	cidSans                  // Type0 Identity-H, /W widths, ToUnicode; codes = Unicode
	diffFont                 // simple TrueType, custom codes, /Differences, /Widths, no ToUnicode
	times                    // Times-Roman, standard 14, no /Widths
)

var fontRes = map[fontKind]string{helv: "F1", helvBold: "F2", cidSans: "F3", diffFont: "F4", times: "F5"}

// diffCodes maps runes to the custom codes of diffFont (1..n).
var diffRunes = []rune("0123456789,<*ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-/().:")

var glyphNames = map[rune]string{'0': "zero", '1': "one", '2': "two", '3': "three", '4': "four", '5': "five", '6': "six", '7': "seven", '8': "eight", '9': "nine",
	',': "comma", '<': "less", '*': "asterisk", '-': "hyphen", '/': "slash", '(': "parenleft", ')': "parenright", '.': "period", ':': "colon"}

func glyphName(r rune) string {
	if n, ok := glyphNames[r]; ok {
		return n
	}
	return string(r)
}

// approximate Helvetica advance widths (1/1000 em), for layout only
func charW(r rune) float64 {
	switch {
	case r >= '0' && r <= '9':
		return 556
	case r == ' ' || r == ',' || r == '.' || r == ':' || r == 'i' || r == 'l' || r == 'j' || r == 'I' || r == '/' || r == 'f' || r == 't':
		return 278
	case r == 'm' || r == 'w' || r == 'M' || r == 'W':
		return 833
	case r >= 'A' && r <= 'Z':
		return 690
	case r == '*':
		return 389
	case r == '<':
		return 584
	}
	return 556
}

func textW(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		w += charW(r)
	}
	return w * size / 1000
}

func (w *pdfw) fonts() string {
	f1 := w.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	f2 := w.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
	// CID font: codes are Unicode values; /W gives widths; ToUnicode maps back.
	var ws strings.Builder
	ws.WriteString("[")
	for r := rune(32); r < 127; r++ {
		fmt.Fprintf(&ws, " %d [%d]", r, int(charW(r)))
	}
	ws.WriteString(" ]")
	cmap := "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CMapName /FOI-UCS def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n1 beginbfrange\n<0020> <007E> <0020>\nendbfrange\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
	tu := w.stream("", []byte(cmap), true)
	desc := w.add("<< /Type /FontDescriptor /FontName /FOIDeskSans /Flags 32 /FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 900 /Descent -200 /CapHeight 700 /StemV 80 >>")
	cid := w.add(fmt.Sprintf("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /FOIDeskSans /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor %d 0 R /DW 1000 /W %s /CIDToGIDMap /Identity >>", desc, ws.String()))
	f3 := w.add(fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /FOIDeskSans /Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>", cid, tu))
	// Differences font.
	var diffs, widths strings.Builder
	diffs.WriteString("[ 1")
	widths.WriteString("[")
	for _, r := range diffRunes {
		fmt.Fprintf(&diffs, " /%s", glyphName(r))
		fmt.Fprintf(&widths, " %d", int(charW(r)))
	}
	fmt.Fprintf(&widths, " %d", 278) // space at code n+1
	diffs.WriteString(" /space ]")
	widths.WriteString(" ]")
	desc4 := w.add("<< /Type /FontDescriptor /FontName /ABCDEF+FOIDeskCustom /Flags 4 /FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 900 /Descent -200 /CapHeight 700 /StemV 80 >>")
	f4 := w.add(fmt.Sprintf("<< /Type /Font /Subtype /TrueType /BaseFont /ABCDEF+FOIDeskCustom /FirstChar 1 /LastChar %d /Widths %s /Encoding << /Type /Encoding /Differences %s >> /FontDescriptor %d 0 R >>", len(diffRunes)+1, widths.String(), diffs.String(), desc4))
	f5 := w.add("<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>")
	return fmt.Sprintf("/Font << /F1 %d 0 R /F2 %d 0 R /F3 %d 0 R /F4 %d 0 R /F5 %d 0 R >>", f1, f2, f3, f4, f5)
}

// encode returns a PDF string operand showing s in font k.
func encode(k fontKind, s string) string {
	switch k {
	case cidSans:
		var b strings.Builder
		b.WriteString("<")
		for _, r := range s {
			fmt.Fprintf(&b, "%04X", r)
		}
		b.WriteString(">")
		return b.String()
	case diffFont:
		var b strings.Builder
		b.WriteString("<")
		for _, r := range s {
			code := len(diffRunes) + 1 // space
			for i, d := range diffRunes {
				if d == r {
					code = i + 1
				}
			}
			fmt.Fprintf(&b, "%02X", code)
		}
		b.WriteString(">")
		return b.String()
	}
	r := strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`)
	return "(" + r.Replace(s) + ")"
}

type content struct{ strings.Builder }

func (c *content) text(k fontKind, size, x, y float64, s string) {
	if k == cidSans || k == diffFont {
		fmt.Fprintf(c, "BT /%s %.1f Tf %.2f %.2f Td %s Tj ET\n", fontRes[k], size, x, y, encode(k, s))
		return
	}
	// Standard fonts: show word by word with TJ kerning to exercise it.
	fmt.Fprintf(c, "BT /%s %.1f Tf 1 0 0 1 %.2f %.2f Tm %s Tj ET\n", fontRes[k], size, x, y, encode(k, s))
}

// ---- tables ----

type span struct{ r, c, rs, cs int }

type rule int

const (
	noRules   rule = iota
	lineRules      // every cell edge stroked with m/l
	fillRules      // thin filled rectangles
	rectRules      // each cell stroked with re, under a scaling cm
	bookRules      // horizontal rules only: top, under header, bottom
)

type tableSpec struct {
	x, top     float64
	size       float64
	font, bold fontKind
	colW       []float64
	rows       [][]string // "\n" separates lines of a cell
	header     int
	spans      []span
	rules      rule
}

func isNum(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune("0123456789,.<*%- ", r) {
			return false
		}
	}
	return true
}

// draw writes the table and returns its bottom y.
func (t *tableSpec) draw(c *content) float64 {
	lineH := t.size * 1.25
	pad := 3.0
	covered := map[[2]int]bool{}
	spanOf := map[[2]int]span{}
	for _, s := range t.spans {
		spanOf[[2]int{s.r, s.c}] = s
		for r := s.r; r < s.r+s.rs; r++ {
			for cc := s.c; cc < s.c+s.cs; cc++ {
				if r != s.r || cc != s.c {
					covered[[2]int{r, cc}] = true
				}
			}
		}
	}
	// Row heights.
	heights := make([]float64, len(t.rows))
	for r, row := range t.rows {
		n := 1
		for _, cell := range row {
			n = max(n, strings.Count(cell, "\n")+1)
		}
		heights[r] = float64(n)*lineH + 2*pad
	}
	xs := []float64{t.x}
	for _, w := range t.colW {
		xs = append(xs, xs[len(xs)-1]+w)
	}
	ys := []float64{t.top}
	for _, h := range heights {
		ys = append(ys, ys[len(ys)-1]-h)
	}
	for r, row := range t.rows {
		for ci, cell := range row {
			if covered[[2]int{r, ci}] || cell == "" {
				continue
			}
			x0, x1 := xs[ci], xs[ci+1]
			yTop := ys[r]
			if s, ok := spanOf[[2]int{r, ci}]; ok {
				x1 = xs[s.c+s.cs]
				if s.rs > 1 {
					yTop = ys[r] - (ys[r]-ys[r+s.rs])/2 + lineH/2 + pad
				}
			}
			k := t.font
			if r < t.header {
				k = t.bold
			}
			for li, line := range strings.Split(cell, "\n") {
				y := yTop - pad - float64(li+1)*lineH + (lineH-t.size)/2 + 0.25*t.size
				w := textW(line, t.size)
				x := x0 + pad
				switch {
				case r < t.header && x1-x0 > w+2*pad && ci > 0:
					x = (x0 + x1 - w) / 2
				case isNum(line) && r >= t.header:
					x = x1 - pad - w
				}
				c.text(k, t.size, x, y, line)
			}
		}
	}
	bottom := ys[len(ys)-1]
	switch t.rules {
	case lineRules, fillRules, rectRules:
		if t.rules == rectRules {
			// Draw in a space scaled by 2 around the origin: cm 0.5 0 0 0.5 0 0.
			c.WriteString("q 0.5 0 0 0.5 0 0 cm 1.2 w\n")
		} else {
			c.WriteString("q 0.6 w\n")
		}
		// Each cell's own edges, skipping those inside a span.
		for r := range t.rows {
			for ci := range t.rows[r] {
				if covered[[2]int{r, ci}] {
					continue
				}
				rs, cs := 1, 1
				if s, ok := spanOf[[2]int{r, ci}]; ok {
					rs, cs = s.rs, s.cs
				}
				x0, x1, y0, y1 := xs[ci], xs[ci+cs], ys[r+rs], ys[r]
				switch t.rules {
				case lineRules:
					fmt.Fprintf(c, "%.2f %.2f m %.2f %.2f l %.2f %.2f l %.2f %.2f l h S\n", x0, y0, x1, y0, x1, y1, x0, y1)
				case fillRules:
					const th = 0.8
					fmt.Fprintf(c, "%.2f %.2f %.2f %.2f re f\n", x0, y1-th/2, x1-x0, th)
					fmt.Fprintf(c, "%.2f %.2f %.2f %.2f re f\n", x0, y0-th/2, x1-x0, th)
					fmt.Fprintf(c, "%.2f %.2f %.2f %.2f re f\n", x0-th/2, y0, th, y1-y0)
					fmt.Fprintf(c, "%.2f %.2f %.2f %.2f re f\n", x1-th/2, y0, th, y1-y0)
				case rectRules:
					fmt.Fprintf(c, "%.2f %.2f %.2f %.2f re S\n", 2*x0, 2*y0, 2*(x1-x0), 2*(y1-y0))
				}
			}
		}
		c.WriteString("Q\n")
	case bookRules:
		hy := ys[t.header]
		fmt.Fprintf(c, "q 1 w %.2f %.2f m %.2f %.2f l S 0.5 w %.2f %.2f m %.2f %.2f l S 1 w %.2f %.2f m %.2f %.2f l S Q\n",
			xs[0], ys[0], xs[len(xs)-1], ys[0], xs[0], hy, xs[len(xs)-1], hy, xs[0], bottom, xs[len(xs)-1], bottom)
	}
	return bottom
}

// grid returns the expected dense grid of the table's rows.
func (t *tableSpec) grid(rows [][]string) [][]string {
	out := make([][]string, len(rows))
	for r, row := range rows {
		out[r] = make([]string, len(row))
		for c, cell := range row {
			out[r][c] = strings.Join(strings.Fields(strings.ReplaceAll(cell, "\n", " ")), " ")
		}
	}
	for _, s := range t.spans {
		for r := s.r; r < s.r+s.rs; r++ {
			for c := s.c; c < s.c+s.cs; c++ {
				out[r][c] = out[s.r][s.c]
			}
		}
	}
	return out
}

// ---- data ----

var nationalities = []string{"British", "Polish", "Romanian", "Lithuanian", "Irish", "Albanian", "Pakistani", "Indian", "Portuguese", "Italian", "Nigerian", "Somali", "Bulgarian", "Latvian", "Chinese", "Other"}
var offences = []string{"Violence against the person", "Theft offences", "Criminal damage and arson", "Drug offences", "Public order offences", "Possession of weapons", "Miscellaneous crimes"}

// figure returns a deterministic count for a table cell, sometimes suppressed.
func figure(seed, r, c int) string {
	v := (seed*7919 + r*104729 + c*1299709) % 2311
	if v < 0 {
		v = -v
	}
	switch {
	case v%17 == 0:
		return "<5"
	case v%23 == 0:
		return "*"
	case v > 2000:
		return fmt.Sprintf("%d,%03d", v/1000, v%1000)
	}
	return fmt.Sprint(v % 900)
}

func dataRows(labels []string, ncols, seed int) [][]string {
	var rows [][]string
	for r, l := range labels {
		row := []string{l}
		for c := 0; c < ncols; c++ {
			row = append(row, figure(seed, r, c))
		}
		rows = append(rows, row)
	}
	return rows
}

func years(from, n int) []string {
	var out []string
	for i := 0; i < n; i++ {
		out = append(out, fmt.Sprint(from+i))
	}
	return out
}

func colWidths(first float64, n int, w float64) []float64 {
	out := []float64{first}
	for i := 0; i < n; i++ {
		out = append(out, w)
	}
	return out
}

// page is one written page.
type page struct {
	c      content
	rotate int
	width  float64
	height float64
	forms  []formSpec
	image  bool
}

type formSpec struct {
	name   string
	matrix string
	c      content
}

func writePDF(name string, pages []*page) {
	w := &pdfw{}
	catalog := w.reserve()
	pagesID := w.reserve()
	fonts := w.fonts()
	var kids []string
	for _, p := range pages {
		if p.width == 0 {
			p.width, p.height = 595, 842
		}
		xobjs := ""
		for _, f := range p.forms {
			// The form carries its own resources.
			id := w.stream(fmt.Sprintf("/Type /XObject /Subtype /Form /BBox [0 0 2000 2000] /Matrix [%s] /Resources << %s >>", f.matrix, fonts), []byte(f.c.String()), true)
			xobjs += fmt.Sprintf(" /%s %d 0 R", f.name, id)
		}
		if p.image {
			// An 8x8 grey image stretched over the page: a scan without text.
			img := bytes.Repeat([]byte{0x80}, 64)
			id := w.stream("/Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 8", img, false)
			xobjs += fmt.Sprintf(" /Im1 %d 0 R", id)
		}
		res := fonts
		if xobjs != "" {
			res += " /XObject <<" + xobjs + " >>"
		}
		cs := w.stream("", []byte(p.c.String()), true)
		rot := ""
		if p.rotate != 0 {
			rot = fmt.Sprintf(" /Rotate %d", p.rotate)
		}
		id := w.add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %.0f %.0f]%s /Resources << %s >> /Contents %d 0 R >>", pagesID, p.width, p.height, rot, res, cs))
		kids = append(kids, fmt.Sprintf("%d 0 R", id))
	}
	w.set(pagesID, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(kids)))
	w.set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pagesID))
	if err := os.WriteFile(filepath.Join(*outDir, name), w.bytes(catalog), 0o644); err != nil {
		log.Fatal(err)
	}
}

func expect(file string, n int, page int, title string, notes []string, grid [][]string) Expect {
	name := fmt.Sprintf("%s.t%d.csv", strings.TrimSuffix(file, ".pdf"), n)
	writeCSV(name, grid)
	return Expect{CSV: name, Page: page, Title: title, Notes: notes}
}

func header(first string, rest []string) []string { return append([]string{first}, rest...) }

func genWritten() {
	// 1. Standard-14 font without /Widths, unruled, right-aligned figures, title and note.
	{
		file := "w01-std14-unruled.pdf"
		p := &page{}
		title := "Table 1: Community resolutions issued to foreign nationals by nationality"
		p.c.text(helvBold, 11, 50, 780, title)
		rows := append([][]string{header("Nationality", years(2019, 5))}, dataRows(nationalities[:12], 5, 1)...)
		t := &tableSpec{x: 50, top: 765, size: 9, font: helv, bold: helvBold, colW: colWidths(140, 5, 62), rows: rows, header: 1}
		bottom := t.draw(&p.c)
		note := "* figures below 5 suppressed to prevent identification"
		p.c.text(helv, 8, 50, bottom-14, note)
		p.c.text(helv, 10, 50, bottom-80, "If you are dissatisfied with this response you may ask for an internal review.")
		writePDF(file, []*page{p})
		cases = append(cases, Case{File: file, Producer: "written", Features: []string{"standard-14 without /Widths", "unruled", "right-aligned figures", "title", "note"},
			Tables: []Expect{expect(file, 1, 1, title, []string{note}, t.grid(rows))}})
	}
	// 2. CID font with /W, ruled by m/l strokes, totals row.
	{
		file := "w02-cid-ruled.pdf"
		p := &page{}
		title := "Offence group by financial year"
		p.c.text(cidSans, 11, 60, 770, title)
		rows := append([][]string{header("Offence group", []string{"2020/21", "2021/22", "2022/23"})}, dataRows(offences, 3, 2)...)
		rows = append(rows, []string{"Total", "1,204", "1,377", "1,519"})
		t := &tableSpec{x: 60, top: 755, size: 10, font: cidSans, bold: cidSans, colW: colWidths(190, 3, 70), rows: rows, header: 1, rules: lineRules}
		t.draw(&p.c)
		writePDF(file, []*page{p})
		cases = append(cases, Case{File: file, Producer: "written", Features: []string{"CID font with /W", "ToUnicode", "m/l rulings", "totals row"},
			Tables: []Expect{expect(file, 1, 1, title, nil, t.grid(rows))}})
	}
	// 3. Table text inside a Form XObject placed with a /Matrix, rulings as thin filled rectangles.
	{
		file := "w03-form-xobject.pdf"
		p := &page{}
		f := formSpec{name: "Fm1", matrix: "1 0 0 1 40 300"}
		rows := append([][]string{header("Nationality", years(2021, 3))}, dataRows(nationalities[:6], 3, 3)...)
		t := &tableSpec{x: 0, top: 300, size: 10, font: helv, bold: helvBold, colW: colWidths(150, 3, 70), rows: rows, header: 1, rules: fillRules}
		t.draw(&f.c)
		p.forms = append(p.forms, f)
		title := "Arrests of foreign nationals"
		p.c.text(times, 12, 40, 620, title)
		p.c.WriteString("q /Fm1 Do Q\n")
		writePDF(file, []*page{p})
		cases = append(cases, Case{File: file, Producer: "written", Features: []string{"Form XObject with /Matrix", "thin filled rectangles as rulings", "Times without /Widths"},
			Tables: []Expect{expect(file, 1, 1, title, nil, t.grid(rows))}})
	}
	// 4. Rotated page (/Rotate 90) with a wide nationality × year table, rules via re under a cm scale.
	{
		file := "w04-rotate90-wide.pdf"
		p := &page{rotate: 90}
		// Landscape drawing coordinates (u, v) map to the portrait page by cm.
		p.c.WriteString("q 0 1 -1 0 595 0 cm\n")
		title := "Table 3: Stop and search by nationality and year"
		p.c.text(helvBold, 11, 40, 550, title)
		rows := append([][]string{header("Nationality", years(2014, 10))}, dataRows(nationalities[:10], 10, 4)...)
		t := &tableSpec{x: 40, top: 535, size: 8, font: helv, bold: helvBold, colW: colWidths(110, 10, 64), rows: rows, header: 1, rules: rectRules}
		bottom := t.draw(&p.c)
		note := "Source: custody records, extracted 3 April 2024"
		p.c.text(helv, 8, 40, bottom-12, note)
		p.c.WriteString("Q\n")
		writePDF(file, []*page{p})
		cases = append(cases, Case{File: file, Producer: "written", Features: []string{"/Rotate 90", "wide table", "re rulings under cm scale"},
			Tables: []Expect{expect(file, 1, 1, title, []string{note}, t.grid(rows))}})
	}
	// 5. Multi-page table with the header repeated on each page, page footers.
	{
		file := "w05-multipage.pdf"
		var pages []*page
		labels := []string{}
		for i := 0; i < 70; i++ {
			labels = append(labels, fmt.Sprintf("%s %d", []string{"Area", "Ward", "Sector"}[i%3], i+1))
		}
		all := dataRows(labels, 4, 5)
		hdr := header("Neighbourhood", []string{"Q1", "Q2", "Q3", "Q4"})
		title := "Table 5: Community resolutions by neighbourhood and quarter"
		per := 30
		for pi := 0; pi*per < len(all); pi++ {
			p := &page{}
			top := 800.0
			if pi == 0 {
				p.c.text(helvBold, 11, 50, 800, title)
				top = 785
			}
			chunk := all[pi*per : min(len(all), (pi+1)*per)]
			rows := append([][]string{hdr}, chunk...)
			t := &tableSpec{x: 50, top: top, size: 9, font: helv, bold: helvBold, colW: colWidths(150, 4, 70), rows: rows, header: 1, rules: lineRules}
			bottom := t.draw(&p.c)
			if (pi+1)*per >= len(all) {
				p.c.text(helv, 8, 50, bottom-14, "* figures below 5 suppressed")
			}
			p.c.text(helv, 8, 270, 30, fmt.Sprintf("Page %d of 3", pi+1))
			pages = append(pages, p)
		}
		writePDF(file, pages)
		grid := (&tableSpec{}).grid(append([][]string{hdr}, all...))
		cases = append(cases, Case{File: file, Producer: "written", Features: []string{"table across 3 pages", "repeated header", "page footer"},
			Tables: []Expect{expect(file, 1, 1, title, []string{"* figures below 5 suppressed"}, grid)}})
	}
	// 6. Two tables on one page, unruled with booktabs rules, different widths.
	{
		file := "w06-two-tables.pdf"
		p := &page{}
		t1title := "Table 1: Outcomes by offence group, 2023"
		p.c.text(helvBold, 11, 50, 790, t1title)
		rows1 := append([][]string{{"Offence group", "Charged", "Community resolution", "No further action"}}, dataRows(offences, 3, 6)...)
		rows1 = append(rows1, []string{"Total", "2,113", "1,045", "3,390"})
		t1 := &tableSpec{x: 50, top: 775, size: 9, font: helv, bold: helvBold, colW: []float64{170, 70, 110, 100}, rows: rows1, header: 1, rules: bookRules}
		b1 := t1.draw(&p.c)
		n1 := "Figures are provisional."
		p.c.text(helv, 8, 50, b1-13, n1)
		p.c.text(helv, 10, 50, b1-45, "The second table gives the same outcomes for foreign nationals only.")
		t2title := "Table 2: Outcomes for foreign nationals by year"
		p.c.text(helvBold, 11, 50, b1-80, t2title)
		rows2 := append([][]string{header("Outcome", years(2020, 4))}, dataRows([]string{"Charged", "Cautioned", "Community resolution", "Penalty notice", "No further action"}, 4, 7)...)
		t2 := &tableSpec{x: 50, top: b1 - 95, size: 9, font: helv, bold: helvBold, colW: colWidths(150, 4, 60), rows: rows2, header: 1, rules: bookRules}
		b2 := t2.draw(&p.c)
		n2 := "* fewer than 5; suppressed."
		p.c.text(helv, 8, 50, b2-13, n2)
		writePDF(file, []*page{p})
		cases = append(cases, Case{File: file, Producer: "written", Features: []string{"two tables on a page", "horizontal rules only", "titles and notes"},
			Tables: []Expect{expect(file, 1, 1, t1title, []string{n1}, t1.grid(rows1)), expect(file, 2, 1, t2title, []string{n2}, t2.grid(rows2))}})
	}
	// 7. Ruled table with row and column spans in the header.
	{
		file := "w07-spans.pdf"
		p := &page{}
		title := "Community resolutions by nationality and year ending March"
		p.c.text(helvBold, 11, 50, 790, title)
		rows := [][]string{{"Nationality", "Year ending March", "", "", "Total"}, {"", "2021", "2022", "2023", ""}}
		body := dataRows(nationalities[:8], 4, 8)
		rows = append(rows, body...)
		t := &tableSpec{x: 50, top: 775, size: 9, font: helv, bold: helvBold, colW: colWidths(130, 4, 70), rows: rows, header: 2, rules: lineRules,
			spans: []span{{0, 0, 2, 1}, {0, 1, 1, 3}, {0, 4, 2, 1}}}
		t.draw(&p.c)
		writePDF(file, []*page{p})
		cases = append(cases, Case{File: file, Producer: "written", Features: []string{"row span", "column span", "two header rows"},
			Tables: []Expect{expect(file, 1, 1, title, nil, t.grid(rows))}})
	}
	// 8. Simple font with custom codes, /Differences and no ToUnicode.
	{
		file := "w08-differences.pdf"
		p := &page{}
		title := "Table 8: Arrests by offence group"
		p.c.text(diffFont, 11, 50, 790, title)
		rows := append([][]string{header("Offence group", years(2021, 3))}, dataRows(offences[:5], 3, 9)...)
		t := &tableSpec{x: 50, top: 775, size: 10, font: diffFont, bold: diffFont, colW: colWidths(190, 3, 70), rows: rows, header: 1, rules: lineRules}
		t.draw(&p.c)
		writePDF(file, []*page{p})
		cases = append(cases, Case{File: file, Producer: "written", Features: []string{"/Differences without ToUnicode", "custom codes"},
			Tables: []Expect{expect(file, 1, 1, title, nil, t.grid(rows))}})
	}
	// 9. A text page with a table, then a scanned page (image only): the second needs OCR.
	{
		file := "w09-scanned-page.pdf"
		p1 := &page{}
		title := "Summary of requests"
		p1.c.text(helvBold, 11, 50, 790, title)
		rows := append([][]string{{"Quarter", "Received", "Answered", "Refused"}}, dataRows([]string{"Q1", "Q2", "Q3", "Q4"}, 3, 10)...)
		t := &tableSpec{x: 50, top: 775, size: 10, font: helv, bold: helvBold, colW: colWidths(100, 3, 80), rows: rows, header: 1, rules: lineRules}
		t.draw(&p1.c)
		p2 := &page{image: true}
		p2.c.WriteString("q 595 0 0 842 0 0 cm /Im1 Do Q\n")
		writePDF(file, []*page{p1, p2})
		cases = append(cases, Case{File: file, Producer: "written", Features: []string{"image-only page"}, OCRPages: []int{2},
			Tables: []Expect{expect(file, 1, 1, title, nil, t.grid(rows))}})
	}
	// 10. Unruled table with wrapped labels (top-aligned) and a totals row.
	{
		file := "w10-wrapped-unruled.pdf"
		p := &page{}
		title := "Table 10: Community resolutions by offence"
		p.c.text(helvBold, 11, 50, 790, title)
		rows := [][]string{{"Offence", "2021", "2022", "2023"}}
		labels := []string{"Violence against\nthe person", "Theft from\na vehicle", "Shoplifting", "Criminal damage\nto a dwelling", "Possession of\ncannabis", "Public order"}
		for i, l := range labels {
			rows = append(rows, []string{l, figure(11, i, 0), figure(11, i, 1), figure(11, i, 2)})
		}
		rows = append(rows, []string{"Total", "1,020", "998", "1,101"})
		t := &tableSpec{x: 50, top: 775, size: 10, font: helv, bold: helvBold, colW: colWidths(120, 3, 60), rows: rows, header: 1}
		bottom := t.draw(&p.c)
		note := "Note: an offender may appear in more than one category."
		p.c.text(helv, 8, 50, bottom-12, note)
		writePDF(file, []*page{p})
		cases = append(cases, Case{File: file, Producer: "written", Features: []string{"multi-line cells", "unruled", "totals row"},
			Tables: []Expect{expect(file, 1, 1, title, []string{note}, t.grid(rows))}})
	}
	// 11. Landscape table drawn sideways on a portrait page without /Rotate.
	{
		file := "w11-sideways.pdf"
		p := &page{}
		p.c.WriteString("q 0 1 -1 0 595 0 cm\n")
		title := "Table 11: Outcomes by nationality"
		p.c.text(helvBold, 11, 40, 550, title)
		rows := append([][]string{header("Nationality", []string{"Charged", "Cautioned", "Community resolution", "No further action"})}, dataRows(nationalities[:7], 4, 12)...)
		t := &tableSpec{x: 40, top: 535, size: 9, font: helv, bold: helvBold, colW: []float64{120, 80, 80, 120, 110}, rows: rows, header: 1, rules: lineRules}
		t.draw(&p.c)
		p.c.WriteString("Q\n")
		writePDF(file, []*page{p})
		cases = append(cases, Case{File: file, Producer: "written", Features: []string{"sideways text without /Rotate"},
			Tables: []Expect{expect(file, 1, 1, title, nil, t.grid(rows))}})
	}
	// 12. Two unruled tables side by side, each under its own title, a
	// clear gutter between them, of different lengths.
	{
		file := "w12-side-by-side.pdf"
		p := &page{}
		t1title := "Table 1: Outcomes by year"
		t2title := "Table 2: Nationality by year"
		p.c.text(helvBold, 10, 40, 790, t1title)
		p.c.text(helvBold, 10, 320, 790, t2title)
		rows1 := append([][]string{header("Outcome", years(2022, 2))}, dataRows([]string{"Charged", "Cautioned", "Community resolution", "Penalty notice", "No further action"}, 2, 13)...)
		t1 := &tableSpec{x: 40, top: 778, size: 9, font: helv, bold: helvBold, colW: colWidths(130, 2, 55), rows: rows1, header: 1}
		b1 := t1.draw(&p.c)
		rows2 := append([][]string{header("Nationality", years(2022, 2))}, dataRows(nationalities[:7], 2, 14)...)
		t2 := &tableSpec{x: 320, top: 778, size: 9, font: helv, bold: helvBold, colW: colWidths(110, 2, 55), rows: rows2, header: 1}
		t2.draw(&p.c)
		note := "* fewer than 5; suppressed."
		p.c.text(helv, 8, 40, b1-13, note)
		writePDF(file, []*page{p})
		cases = append(cases, Case{File: file, Producer: "written", Features: []string{"two tables side by side", "unruled", "gutter"},
			Tables: []Expect{expect(file, 1, 1, t1title, []string{note}, t1.grid(rows1)), expect(file, 2, 1, t2title, nil, t2.grid(rows2))}})
	}
}

// ---- LibreOffice cases ----

func soffice(src string, filter string) {
	args := []string{"--headless"}
	if filter != "" {
		args = append(args, "--infilter="+filter)
	}
	args = append(args, "--convert-to", "pdf", "--outdir", *outDir, src)
	cmd := exec.Command("soffice", args...)
	if out, err := cmd.CombinedOutput(); err != nil {
		log.Fatalf("soffice %s: %v\n%s", src, err, out)
	}
}

func htmlTable(rows [][]string, border bool, spans []span) string {
	var b strings.Builder
	if border {
		b.WriteString(`<table border="1" cellspacing="0" cellpadding="3" width="90%">`)
	} else {
		b.WriteString(`<table border="0" cellspacing="0" cellpadding="3" width="90%">`)
	}
	b.WriteString(`<col width="140">`)
	covered := map[[2]int]bool{}
	spanOf := map[[2]int]span{}
	for _, s := range spans {
		spanOf[[2]int{s.r, s.c}] = s
		for r := s.r; r < s.r+s.rs; r++ {
			for c := s.c; c < s.c+s.cs; c++ {
				if r != s.r || c != s.c {
					covered[[2]int{r, c}] = true
				}
			}
		}
	}
	for r, row := range rows {
		b.WriteString("<tr>")
		for c, cell := range row {
			if covered[[2]int{r, c}] {
				continue
			}
			tag := "td"
			if r == 0 || (len(spans) > 0 && r == 1) {
				tag = "th"
			}
			attr := ""
			if s, ok := spanOf[[2]int{r, c}]; ok {
				if s.rs > 1 {
					attr += fmt.Sprintf(` rowspan="%d"`, s.rs)
				}
				if s.cs > 1 {
					attr += fmt.Sprintf(` colspan="%d"`, s.cs)
				}
			}
			if isNum(cell) && tag == "td" {
				attr += ` align="right"`
			}
			fmt.Fprintf(&b, "<%s%s>%s</%s>", tag, attr, strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(cell), tag)
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</table>\n")
	return b.String()
}

func genLibreOffice() {
	src := filepath.Join(*outDir, "src")
	os.MkdirAll(src, 0o755)
	html := func(name, body string) string {
		p := filepath.Join(src, name+".html")
		doc := `<!DOCTYPE html><html><head><meta charset="utf-8"><title>` + name + `</title><style>body{font-family:"Liberation Sans";font-size:10pt}</style></head><body>` + body + "</body></html>"
		if err := os.WriteFile(p, []byte(doc), 0o644); err != nil {
			log.Fatal(err)
		}
		return p
	}
	// L1: Writer, bordered table with spans, title and note.
	{
		file := "lo01-writer-ruled-spans.pdf"
		rows := [][]string{{"Nationality", "Year ending March", "", ""}, {"", "2021", "2022", "2023"}}
		rows = append(rows, dataRows(nationalities[:9], 3, 21)...)
		spans := []span{{0, 0, 2, 1}, {0, 1, 1, 3}}
		title := "Table 1: Community resolutions for foreign nationals"
		note := "* figures below 5 suppressed"
		body := "<p>Dear requester,</p><p>Please find below the information you asked for.</p><p><b>" + title + "</b></p>" + htmlTable(rows, true, spans) + "<p>" + note + "</p><p>Yours sincerely,</p><p>Information Rights Unit</p>"
		soffice(html("lo01-writer-ruled-spans", body), "HTML (StarWriter)")
		t := &tableSpec{spans: spans}
		cases = append(cases, Case{File: file, Producer: "libreoffice", Features: []string{"Writer", "ruled", "row and column spans"},
			Tables: []Expect{expect(file, 1, 1, title, []string{note}, t.grid(rows))}})
	}
	// L2: Writer, borderless tables: two on one page.
	{
		file := "lo02-writer-unruled.pdf"
		rows1 := append([][]string{{"Offence group", "2021", "2022", "2023"}}, dataRows(offences, 3, 22)...)
		rows1 = append(rows1, []string{"Total", "2,481", "2,610", "2,577"})
		rows2 := append([][]string{{"Nationality", "Arrests", "Charges"}}, dataRows(nationalities[:6], 2, 23)...)
		t1, t2 := "Table A: Offences by year", "Table B: Arrests and charges by nationality"
		n1, n2 := "Totals include offences not listed.", "Source: custody system."
		body := "<p><b>" + t1 + "</b></p>" + htmlTable(rows1, false, nil) + "<p>" + n1 + "</p><p>&nbsp;</p><p>&nbsp;</p><p><b>" + t2 + "</b></p>" + htmlTable(rows2, false, nil) + "<p>" + n2 + "</p>"
		soffice(html("lo02-writer-unruled", body), "HTML (StarWriter)")
		t := &tableSpec{}
		cases = append(cases, Case{File: file, Producer: "libreoffice", Features: []string{"Writer", "unruled", "two tables"},
			Tables: []Expect{expect(file, 1, 1, t1, []string{n1}, t.grid(rows1)), expect(file, 2, 1, t2, []string{n2}, t.grid(rows2))}})
	}
	// L3: Writer, long bordered table across pages with a repeated header row.
	{
		file := "lo03-writer-multipage.pdf"
		var labels []string
		for i := 0; i < 80; i++ {
			labels = append(labels, fmt.Sprintf("%s (%d)", nationalities[i%len(nationalities)], i+1))
		}
		rows := append([][]string{{"Nationality", "2020", "2021", "2022", "2023"}}, dataRows(labels, 4, 24)...)
		title := "Table 3: Community resolutions by nationality"
		var tb strings.Builder
		tb.WriteString(`<table border="1" cellspacing="0" cellpadding="2"><thead><tr>`)
		for _, h := range rows[0] {
			fmt.Fprintf(&tb, "<th>%s</th>", h)
		}
		tb.WriteString("</tr></thead><tbody>\n")
		for _, r := range rows[1:] {
			tb.WriteString("<tr>")
			for c, cell := range r {
				al := ""
				if c > 0 {
					al = ` align="right"`
				}
				fmt.Fprintf(&tb, "<td%s>%s</td>", al, strings.NewReplacer("<", "&lt;").Replace(cell))
			}
			tb.WriteString("</tr>\n")
		}
		tb.WriteString("</tbody></table>")
		note := "* figures below 5 suppressed"
		soffice(html("lo03-writer-multipage", "<p><b>"+title+"</b></p>"+tb.String()+"<p>"+note+"</p>"), "HTML (StarWriter)")
		t := &tableSpec{}
		cases = append(cases, Case{File: file, Producer: "libreoffice", Features: []string{"Writer", "multi-page", "repeated header"},
			Tables: []Expect{expect(file, 1, 1, title, []string{note}, t.grid(rows))}})
	}
	// L7: Writer, borderless, narrow label column (labels wrap, figures
	// centred vertically) and a header spanning the year columns.
	{
		file := "lo07-writer-wrapped-spans.pdf"
		rows := [][]string{{"", "Year ending March", "", ""}, {"Offence group", "2021", "2022", "2023"}}
		rows = append(rows, dataRows(offences, 3, 27)...)
		spans := []span{{0, 1, 1, 3}}
		title := "Table 7: Community resolutions by offence group"
		note := "* figures below 5 suppressed"
		tbl := strings.Replace(htmlTable(rows, false, spans), `<col width="140">`, `<col width="95"><col width="70"><col width="70"><col width="70">`, 1)
		tbl = strings.Replace(tbl, `width="90%"`, `width="330"`, 1)
		body := "<p><b>" + title + "</b></p>" + tbl + "<p>" + note + "</p>"
		soffice(html("lo07-writer-wrapped-spans", body), "HTML (StarWriter)")
		t := &tableSpec{spans: spans}
		cases = append(cases, Case{File: file, Producer: "libreoffice", Features: []string{"Writer", "unruled", "wrapped labels centred", "spanning header"},
			Tables: []Expect{expect(file, 1, 1, title, []string{note}, t.grid(rows))}})
	}
	genCalc(src)
}
