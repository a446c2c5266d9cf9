package simulate

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"fmt"
	"html"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/foidesk/foidesk/internal/pdfwrite"
)

// Layout is one way a force lays out its figures.
type Layout string

const (
	LayoutCSVLong       Layout = "csv-long"        // one row per figure
	LayoutXLSXWide      Layout = "xlsx-wide"       // years as columns, merged header, notes, a hidden sheet
	LayoutXLSXYearRows  Layout = "xlsx-year-rows"  // years as rows, nationalities as columns
	LayoutDOCX          Layout = "docx"            // a Word table, years as columns
	LayoutHTMLBody      Layout = "html-body"       // a table in the email itself
	LayoutPDFRuled      Layout = "pdf-ruled"       // a ruled table in a letter, over pages
	LayoutPDFUnruled    Layout = "pdf-unruled"     // an aligned table without lines
	LayoutCSVYearColumn Layout = "csv-year-column" // years as columns in CSV
)

// Layouts lists every layout, in the order forces are given them.
var Layouts = []Layout{LayoutPDFRuled, LayoutXLSXWide, LayoutCSVLong, LayoutDOCX, LayoutHTMLBody,
	LayoutPDFUnruled, LayoutXLSXYearRows, LayoutCSVYearColumn}

// Attachment is a file to send.
type Attachment struct {
	Filename    string
	ContentType string
	Data        []byte
}

const title = "Community resolutions issued to foreign nationals"

// Render lays a force's figures out. A body-table layout returns HTML for
// the email body and no attachment.
func Render(d *Dataset, l Layout, forceName string) (att *Attachment, htmlBody string, err error) {
	switch l {
	case LayoutCSVLong:
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		w.Write([]string{"Offence group", "Nationality", "Year", "Number of community resolutions"})
		for _, f := range d.Figures {
			w.Write([]string{offenceLabel(f.Offence), natLabel(f.Nationality), strconv.Itoa(f.Year), f.Shown})
		}
		w.Flush()
		return &Attachment{"FOI_response_data.csv", "text/csv", b.Bytes()}, "", w.Error()
	case LayoutCSVYearColumn:
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		for _, row := range wideRows(d, true) {
			w.Write(row)
		}
		w.Flush()
		return &Attachment{"community_resolutions.csv", "text/csv", b.Bytes()}, "", w.Error()
	case LayoutXLSXWide:
		data, err := xlsxWide(d, forceName)
		return &Attachment{"FOI response - community resolutions.xlsx",
			"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", data}, "", err
	case LayoutXLSXYearRows:
		data, err := xlsxYearRows(d)
		return &Attachment{"CR_by_nationality.xlsx",
			"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", data}, "", err
	case LayoutDOCX:
		data, err := docxTable(d, forceName)
		return &Attachment{"Disclosure.docx",
			"application/vnd.openxmlformats-officedocument.wordprocessingml.document", data}, "", err
	case LayoutHTMLBody:
		return nil, htmlTable(d), nil
	case LayoutPDFRuled, LayoutPDFUnruled:
		data := pdfLetter(d, forceName, l == LayoutPDFRuled)
		return &Attachment{"FOI Response Letter.pdf", "application/pdf", data}, "", nil
	}
	return nil, "", fmt.Errorf("simulate: unknown layout %q", l)
}

func offenceLabel(code string) string {
	for _, o := range Offences {
		if o.Code == code {
			return o.Label
		}
	}
	return code
}

func natLabel(code string) string {
	for _, n := range Nationalities {
		if n.Code == code {
			return n.Label
		}
	}
	return code
}

// wideRows is the years-as-columns table: a header and one row per
// offence and nationality; the offence written on each row when full.
func wideRows(d *Dataset, full bool) [][]string {
	head := []string{"Offence group", "Nationality"}
	for _, y := range d.Years {
		head = append(head, strconv.Itoa(y))
	}
	rows := [][]string{head}
	for _, o := range d.Offences {
		for i, n := range d.Nationalities {
			label := o.Label
			if !full && i > 0 {
				label = ""
			}
			row := []string{label, n.Label}
			for _, y := range d.Years {
				row = append(row, d.Get(o.Code, n.Code, y).Shown)
			}
			rows = append(rows, row)
		}
	}
	return rows
}

func note(d *Dataset) string {
	if d.Suppress == "" {
		return "Source: force crime and outcomes system, extracted for this request."
	}
	return fmt.Sprintf("Figures between 1 and 4 are shown as %s to protect the identity of individuals.", d.Suppress)
}

func xlsxWide(d *Dataset, forceName string) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	sh := "Community resolutions"
	if err := f.SetSheetName("Sheet1", sh); err != nil {
		return nil, err
	}
	set := func(cell string, v any) { f.SetCellValue(sh, cell, v) }
	set("A1", forceName+": "+title)
	// Row 3: a header over the years, merged; row 4: the column headings.
	lastCol, _ := excelize.ColumnNumberToName(2 + len(d.Years))
	set("C3", "Calendar year")
	f.MergeCell(sh, "C3", lastCol+"3")
	rows := wideRows(d, false)
	for r, row := range rows {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+4)
			if n, err := strconv.Atoi(v); err == nil && r > 0 && c >= 2 {
				f.SetCellValue(sh, cell, n)
			} else if v != "" {
				f.SetCellValue(sh, cell, v)
			}
		}
	}
	cell, _ := excelize.CoordinatesToCellName(1, len(rows)+5)
	set(cell, note(d))
	// A hidden sheet with the query parameters, as extracts often carry.
	if _, err := f.NewSheet("Parameters"); err != nil {
		return nil, err
	}
	f.SetCellValue("Parameters", "A1", "Extract run")
	f.SetCellValue("Parameters", "B1", "Outcome type 8 (community resolution), nationality not British")
	if err := f.SetSheetVisible("Parameters", false); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	_, err := f.WriteTo(&b)
	return b.Bytes(), err
}

// xlsxYearRows puts each offence group on its own sheet, years as rows and
// nationalities as columns.
func xlsxYearRows(d *Dataset) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	for i, o := range d.Offences {
		sh := o.Label
		if len(sh) > 31 {
			sh = sh[:31]
		}
		if i == 0 {
			if err := f.SetSheetName("Sheet1", sh); err != nil {
				return nil, err
			}
		} else if _, err := f.NewSheet(sh); err != nil {
			return nil, err
		}
		f.SetCellValue(sh, "A1", title+": "+o.Label)
		f.SetCellValue(sh, "A3", "Year")
		for c, n := range d.Nationalities {
			cell, _ := excelize.CoordinatesToCellName(c+2, 3)
			f.SetCellValue(sh, cell, n.Label)
		}
		for r, y := range d.Years {
			cell, _ := excelize.CoordinatesToCellName(1, r+4)
			f.SetCellValue(sh, cell, y)
			for c, n := range d.Nationalities {
				cell, _ := excelize.CoordinatesToCellName(c+2, r+4)
				fig := d.Get(o.Code, n.Code, y)
				if fig.Suppressed() {
					f.SetCellValue(sh, cell, fig.Shown)
				} else {
					f.SetCellValue(sh, cell, fig.Value)
				}
			}
		}
	}
	var b bytes.Buffer
	_, err := f.WriteTo(&b)
	return b.Bytes(), err
}

func htmlTable(d *Dataset) string {
	var b strings.Builder
	b.WriteString("<html><body><p>Dear Requester,</p><p>Please find below the information you requested.</p>\n")
	b.WriteString("<table border=\"1\" cellpadding=\"3\">\n")
	for i, row := range wideRows(d, true) {
		b.WriteString("<tr>")
		tag := "td"
		if i == 0 {
			tag = "th"
		}
		for _, c := range row {
			fmt.Fprintf(&b, "<%s>%s</%s>", tag, html.EscapeString(c), tag)
		}
		b.WriteString("</tr>\n")
	}
	fmt.Fprintf(&b, "</table>\n<p>%s</p><p>Yours sincerely,<br>Freedom of Information Unit</p></body></html>\n", html.EscapeString(note(d)))
	return b.String()
}

func docxTable(d *Dataset, forceName string) ([]byte, error) {
	var body strings.Builder
	para := func(s string) {
		fmt.Fprintf(&body, `<w:p><w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>`, xmlEscape(s))
	}
	para(forceName + " - Freedom of Information disclosure")
	para(title)
	body.WriteString(`<w:tbl><w:tblPr><w:tblBorders><w:top w:val="single"/><w:bottom w:val="single"/><w:insideH w:val="single"/><w:insideV w:val="single"/></w:tblBorders></w:tblPr>`)
	for _, row := range wideRows(d, true) {
		body.WriteString("<w:tr>")
		for _, c := range row {
			fmt.Fprintf(&body, `<w:tc><w:p><w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p></w:tc>`, xmlEscape(c))
		}
		body.WriteString("</w:tr>")
	}
	body.WriteString("</w:tbl>")
	para(note(d))
	doc := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` + body.String() + `</w:body></w:document>`
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	files := []struct{ name, data string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
		{"word/document.xml", doc},
	}
	for _, f := range files {
		w, err := z.Create(f.name)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write([]byte(f.data)); err != nil {
			return nil, err
		}
	}
	err := z.Close()
	return b.Bytes(), err
}

func xmlEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '"':
			b.WriteString("&quot;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// pdfLetter writes a letter with the figures as a table, ruled or not,
// continuing over pages with the header repeated.
func pdfLetter(d *Dataset, forceName string, ruled bool) []byte {
	rows := wideRows(d, true)
	const (
		pageW, pageH = 595.0, 842.0
		left         = 56.0
		rowH         = 16.0
		size         = 9.0
	)
	colX := []float64{left, left + 170, left + 270}
	for range d.Years[1:] {
		colX = append(colX, colX[len(colX)-1]+60)
	}
	right := colX[len(colX)-1] + 60
	var pages []string
	var cs strings.Builder
	y := pageH - 72.0
	text := func(x, y float64, s string, sz float64) {
		fmt.Fprintf(&cs, "BT /F1 %.1f Tf %.2f %.2f Td (%s) Tj ET\n", sz, x, y, pdfwrite.Escape(s))
	}
	line := func(x0, y0, x1, y1 float64) { fmt.Fprintf(&cs, "%.2f %.2f m %.2f %.2f l S\n", x0, y0, x1, y1) }
	newPage := func() {
		pages = append(pages, cs.String())
		cs.Reset()
		y = pageH - 72
	}
	text(left, y, forceName, 12)
	y -= 18
	text(left, y, "Freedom of Information Unit", size)
	y -= 30
	text(left, y, "Dear Requester,", size+1)
	y -= 16
	text(left, y, "Please find below the information you requested.", size+1)
	y -= 28
	text(left, y, title, size+1)
	y -= 14
	drawRow := func(row []string) {
		top := y + rowH - 4
		for c, v := range row {
			x := colX[c] + 3
			if c >= 2 {
				// Right-align figures: Helvetica digits are 556/1000 em.
				x = colX[c] + 60 - 4 - float64(len(v))*0.556*size
			}
			text(x, y, v, size)
		}
		if ruled {
			line(left, top, right, top)
			line(left, top-rowH, right, top-rowH)
			for _, x := range append(colX, right) {
				line(x, top, x, top-rowH)
			}
		}
		y -= rowH
	}
	drawRow(rows[0])
	for _, row := range rows[1:] {
		if y < 90 {
			newPage()
			drawRow(rows[0])
		}
		drawRow(row)
	}
	y -= 10
	text(left, y, note(d), size)
	y -= 30
	if y < 90 {
		newPage()
	}
	text(left, y, "Yours sincerely, Freedom of Information Officer", size)
	newPage()

	return pdfwrite.Pages(pages, pageW, pageH)
}
