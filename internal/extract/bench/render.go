package bench

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"fmt"
	"html"
	"io"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
)

// Render renders a case in one format: "xlsx", "csv", "docx", "html" or
// "txt".
func Render(c *Case, format string) ([]byte, error) {
	switch format {
	case "xlsx":
		return RenderXLSX(c)
	case "csv":
		return RenderCSV(c)
	case "docx":
		return RenderDOCX(c)
	case "html":
		return RenderHTML(c), nil
	case "txt":
		return RenderTXT(c), nil
	}
	return nil, fmt.Errorf("bench: no renderer for %q", format)
}

// intValue reads "1,234" as 1234.
func intValue(s string) (int, bool) {
	n, err := strconv.Atoi(strings.ReplaceAll(s, ",", ""))
	return n, err == nil && s != "" && s[0] != '+'
}

func cellName(col, row int) string {
	n, _ := excelize.CoordinatesToCellName(col+1, row+1)
	return n
}

// RenderXLSX writes the case as a workbook: one sheet per Spec.Sheet, counts
// as numbers formatted "#,##0", years in headers as numbers, merged header
// cells, hidden rows, columns and sheets, and SUM formulas with cached
// values where the spec asks.
func RenderXLSX(c *Case) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	numStyle, err := f.NewStyle(&excelize.Style{NumFmt: 3})
	if err != nil {
		return nil, err
	}
	sheets := map[string]bool{}
	first := ""
	for _, s := range c.Tables {
		name := s.Sheet
		if name == "" {
			name = "Sheet1"
		}
		if !sheets[name] {
			if first == "" {
				first = name
				if err := f.SetSheetName("Sheet1", name); err != nil {
					return nil, err
				}
			} else if _, err := f.NewSheet(name); err != nil {
				return nil, err
			}
			sheets[name] = true
			land, fit := "landscape", 1
			if err := f.SetPageLayout(name, &excelize.PageLayoutOptions{Orientation: &land, FitToWidth: &fit, FitToHeight: new(int)}); err != nil {
				return nil, err
			}
			yes := true
			if err := f.SetSheetProps(name, &excelize.SheetPropsOptions{FitToPage: &yes}); err != nil {
				return nil, err
			}
		}
		r := s.Row
		if s.Title != "" {
			if err := f.SetCellStr(name, cellName(s.Col, r), s.Title); err != nil {
				return nil, err
			}
			r++
			if s.Row > 0 {
				r++ // a blank row under the title
			}
		}
		for i, row := range s.Header {
			for j, v := range row {
				if s.covered(i, j) {
					continue
				}
				ref := cellName(s.Col+j, r)
				if n, err := strconv.Atoi(v); err == nil && n >= 1990 && n <= 2100 {
					err = f.SetCellInt(name, ref, int64(n))
					if err != nil {
						return nil, err
					}
				} else if err := f.SetCellStr(name, ref, v); err != nil {
					return nil, err
				}
				if m, ok := s.mergeAt(i, j); ok {
					if err := f.MergeCell(name, ref, cellName(s.Col+m.C1, r+m.R1-m.R0)); err != nil {
						return nil, err
					}
				}
			}
			r++
		}
		bodyStart := r
		for i, row := range s.Body {
			if s.GapBefore > 0 && i == s.GapBefore {
				r++
			}
			for j, v := range row {
				ref := cellName(s.Col+j, r)
				if n, ok := intValue(v); ok && j > 0 {
					if err := f.SetCellInt(name, ref, int64(n)); err != nil {
						return nil, err
					}
					if err := f.SetCellStyle(name, ref, ref, numStyle); err != nil {
						return nil, err
					}
					last := i == len(s.Body)-1
					if s.Formulas && (last || j == len(row)-1) {
						var formula string
						if last {
							formula = fmt.Sprintf("SUM(%s:%s)", cellName(s.Col+j, bodyStart), cellName(s.Col+j, r-1))
						} else {
							formula = fmt.Sprintf("SUM(%s:%s)", cellName(s.Col+1, r), cellName(s.Col+j-1, r))
						}
						if err := f.SetCellFormula(name, ref, formula); err != nil {
							return nil, err
						}
					}
				} else if v != "" {
					if err := f.SetCellStr(name, ref, v); err != nil {
						return nil, err
					}
				}
			}
			if contains(s.HiddenRows, i) {
				if err := f.SetRowVisible(name, r+1, false); err != nil {
					return nil, err
				}
			}
			r++
		}
		for _, hc := range s.HiddenCols {
			col, _ := excelize.ColumnNumberToName(s.Col + hc + 1)
			if err := f.SetColVisible(name, col, false); err != nil {
				return nil, err
			}
		}
		if s.Row > 0 && len(s.Notes) > 0 {
			r++ // a blank row above the notes
		}
		for _, n := range s.Notes {
			if err := f.SetCellStr(name, cellName(s.Col, r), n); err != nil {
				return nil, err
			}
			r++
		}
		if err := f.SetColWidth(name, "A", "P", 16); err != nil {
			return nil, err
		}
		if err := f.SetColWidth(name, "A", "A", 32); err != nil {
			return nil, err
		}
	}
	for _, s := range c.Tables {
		if s.HiddenSht {
			if err := f.SetSheetVisible(s.Sheet, false); err != nil {
				return nil, err
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return cacheFormulas(buf.Bytes())
}

// cacheFormulas rewrites the worksheets so that formula cells carry their
// value as a number, as Excel writes them (excelize marks them t="str").
func cacheFormulas(data []byte) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, err
		}
		if strings.HasPrefix(zf.Name, "xl/worksheets/") {
			b = bytes.ReplaceAll(b, []byte(` t="str"><f>`), []byte(`><f>`))
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: zf.Name, Method: zip.Deflate})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(b); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// csvStyle varies the CSV dialect across the corpus, as forces' exports do.
func csvStyle(name string) (delim rune, enc string) {
	switch name {
	case "nationality_by_year":
		return ',', "utf-8-bom"
	case "offence_by_financial_year":
		return ',', "windows-1252"
	case "district_by_month":
		return ';', "utf-8"
	case "outcomes_long":
		return '\t', "utf-16le"
	case "merged_headers":
		return '|', "utf-8"
	}
	return ',', "utf-8"
}

// RenderCSV writes the case as one delimited text file: titles, tables
// (offset by Spec.Col empty fields), notes, blank lines between tables.
func RenderCSV(c *Case) ([]byte, error) {
	delim, enc := csvStyle(c.Name)
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Comma = delim
	pad := func(col int, row []string) []string {
		return append(make([]string, col), row...)
	}
	for k, s := range c.Tables {
		if k > 0 {
			w.Write(nil)
		}
		if s.Title != "" {
			w.Write(pad(s.Col, []string{s.Title}))
			if s.Row > 0 {
				w.Write(nil)
			}
		}
		for i, row := range s.Header {
			out := make([]string, len(row))
			for j, v := range row {
				if !s.covered(i, j) {
					out[j] = v
				}
			}
			w.Write(pad(s.Col, out))
		}
		for _, row := range s.Body {
			w.Write(pad(s.Col, row))
		}
		if len(s.Notes) > 0 {
			w.Write(nil)
		}
		for _, n := range s.Notes {
			w.Write(pad(s.Col, []string{n}))
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, err
	}
	// encoding/csv writes an empty record as a blank line.
	b := buf.Bytes()
	switch enc {
	case "utf-8-bom":
		return append([]byte{0xEF, 0xBB, 0xBF}, b...), nil
	case "windows-1252":
		return charmap.Windows1252.NewEncoder().Bytes(b)
	case "utf-16le":
		u := utf16.Encode([]rune(string(b)))
		out := []byte{0xFF, 0xFE}
		for _, x := range u {
			out = append(out, byte(x), byte(x>>8))
		}
		return out, nil
	}
	return b, nil
}

// RenderHTML writes the case as an email body: intro, titles in bold
// paragraphs, bordered tables with thead, th, colspan and rowspan, notes.
// The first case's body sits inside a layout table, as many mail clients
// write it.
func RenderHTML(c *Case) []byte {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Your request</title></head><body>\n")
	layout := c.Name == "nationality_by_year"
	if layout {
		b.WriteString(`<table width="100%" cellpadding="0" cellspacing="0"><tr><td style="font-family:Arial">` + "\n")
	}
	if c.Intro != "" {
		fmt.Fprintf(&b, "<p>%s</p>\n", html.EscapeString(c.Intro))
	}
	for _, s := range c.Tables {
		if s.Title != "" {
			fmt.Fprintf(&b, "<p><b>%s</b></p>\n", html.EscapeString(s.Title))
		}
		b.WriteString(`<table border="1" cellspacing="0" cellpadding="4">` + "\n<thead>\n")
		for i, row := range s.Header {
			b.WriteString("<tr>")
			for j, v := range row {
				if s.covered(i, j) {
					continue
				}
				attrs := ""
				if m, ok := s.mergeAt(i, j); ok {
					if m.R1 > m.R0 {
						attrs += fmt.Sprintf(` rowspan="%d"`, m.R1-m.R0+1)
					}
					if m.C1 > m.C0 {
						attrs += fmt.Sprintf(` colspan="%d"`, m.C1-m.C0+1)
					}
				}
				fmt.Fprintf(&b, "<th%s>%s</th>", attrs, html.EscapeString(v))
			}
			b.WriteString("</tr>\n")
		}
		b.WriteString("</thead>\n<tbody>\n")
		for _, row := range s.Body {
			b.WriteString("<tr>")
			for j, v := range row {
				align := ""
				if j > 0 {
					align = ` align="right"`
				}
				fmt.Fprintf(&b, "<td%s>%s</td>", align, html.EscapeString(v))
			}
			b.WriteString("</tr>\n")
		}
		b.WriteString("</tbody>\n</table>\n")
		for _, n := range s.Notes {
			fmt.Fprintf(&b, "<p><i>%s</i></p>\n", html.EscapeString(n))
		}
		b.WriteString("<br>\n")
	}
	b.WriteString("<p>Kind regards,<br>Freedom of Information Unit</p>\n")
	if layout {
		b.WriteString("</td></tr></table>\n")
	}
	b.WriteString("</body></html>\n")
	return []byte(b.String())
}

// RenderTXT writes the case as a plain-text email body: each table with its
// columns aligned by spaces (labels left, counts right) and a rule under
// the header. Cases with merged headers have no plain-text rendering.
func RenderTXT(c *Case) []byte {
	var b strings.Builder
	b.WriteString("Dear Requester,\n\n")
	if c.Intro != "" {
		b.WriteString(c.Intro + "\n\n")
	}
	for _, s := range c.Tables {
		if s.Title != "" {
			b.WriteString(s.Title + "\n\n")
		}
		g := s.Grid()
		w := make([]int, len(g[0]))
		for _, row := range g {
			for j, v := range row {
				w[j] = max(w[j], utf8.RuneCountInString(v))
			}
		}
		line := func(row []string) {
			var parts []string
			for j, v := range row {
				p := strings.Repeat(" ", w[j]-utf8.RuneCountInString(v))
				if j == 0 {
					parts = append(parts, v+p)
				} else {
					parts = append(parts, p+v)
				}
			}
			b.WriteString(strings.TrimRight(strings.Join(parts, "   "), " ") + "\n")
		}
		for _, row := range s.Header {
			line(row)
		}
		var rule []string
		for _, x := range w {
			rule = append(rule, strings.Repeat("-", x))
		}
		b.WriteString(strings.Join(rule, "   ") + "\n")
		for _, row := range s.Body {
			line(row)
		}
		b.WriteString("\n")
		for _, n := range s.Notes {
			b.WriteString(n + "\n")
		}
		b.WriteString("\n")
	}
	b.WriteString("Kind regards,\nFreedom of Information Unit\n")
	return []byte(b.String())
}

// RenderDOCX writes the case as a Word document: intro, title paragraphs,
// bordered tables (header rows marked to repeat, gridSpan and vMerge for
// merged headers), note paragraphs.
func RenderDOCX(c *Case) ([]byte, error) {
	var d strings.Builder
	d.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
	d.WriteString(`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)
	para := func(text string, bold bool) {
		d.WriteString("<w:p><w:r>")
		if bold {
			d.WriteString("<w:rPr><w:b/></w:rPr>")
		}
		fmt.Fprintf(&d, `<w:t xml:space="preserve">%s</w:t></w:r></w:p>`, xmlEscape(text))
	}
	if c.Intro != "" {
		para(c.Intro, false)
	}
	for _, s := range c.Tables {
		if s.Title != "" {
			para(s.Title, true)
		}
		g := s.Grid()
		cols := len(g[0])
		d.WriteString(`<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/><w:tblBorders>`)
		for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
			fmt.Fprintf(&d, `<w:%s w:val="single" w:sz="4" w:space="0" w:color="000000"/>`, side)
		}
		d.WriteString(`</w:tblBorders></w:tblPr><w:tblGrid>`)
		width := 9000 / cols
		for range cols {
			fmt.Fprintf(&d, `<w:gridCol w:w="%d"/>`, width)
		}
		d.WriteString(`</w:tblGrid>`)
		for i, row := range g {
			d.WriteString("<w:tr>")
			if i < len(s.Header) {
				d.WriteString(`<w:trPr><w:tblHeader/></w:trPr>`)
			}
			for j := 0; j < len(row); j++ {
				v := row[j]
				var props string
				span := 1
				if i < len(s.Header) {
					if m, ok := s.mergeAt(i, j); ok {
						span = m.C1 - m.C0 + 1
						if span > 1 {
							props += fmt.Sprintf(`<w:gridSpan w:val="%d"/>`, span)
						}
						if m.R1 > m.R0 {
							props += `<w:vMerge w:val="restart"/>`
						}
					} else if s.covered(i, j) {
						// Covered from above: a continuing vMerge cell.
						props += `<w:vMerge/>`
						v = ""
					}
				}
				fmt.Fprintf(&d, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/>%s</w:tcPr><w:p>`, width*span, props)
				if j > 0 && i >= len(s.Header) {
					d.WriteString(`<w:pPr><w:jc w:val="right"/></w:pPr>`)
				}
				if v != "" {
					fmt.Fprintf(&d, `<w:r><w:t xml:space="preserve">%s</w:t></w:r>`, xmlEscape(v))
				}
				d.WriteString("</w:p></w:tc>")
				j += span - 1
			}
			d.WriteString("</w:tr>")
		}
		d.WriteString("</w:tbl>")
		for _, n := range s.Notes {
			para(n, false)
		}
		para("", false)
	}
	para("Kind regards, Freedom of Information Unit", false)
	d.WriteString(`<w:sectPr><w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/><w:pgMar w:top="1000" w:right="1000" w:bottom="1000" w:left="1000" w:header="500" w:footer="500" w:gutter="0"/></w:sectPr>`)
	d.WriteString(`</w:body></w:document>`)
	return docxPackage(d.String())
}

func xmlEscape(s string) string {
	var b bytes.Buffer
	_ = xmlEscapeTo(&b, s)
	return b.String()
}

func xmlEscapeTo(w *bytes.Buffer, s string) error {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
	_, err := r.WriteString(w, s)
	return err
}

// docxPackage wraps a main document part in the minimal parts of a DOCX.
func docxPackage(document string) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
		{"word/document.xml", document},
	}
	for _, p := range parts {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate})
		if err != nil {
			return nil, err
		}
		if _, err := io.WriteString(w, p.body); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
