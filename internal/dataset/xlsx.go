package dataset

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"html"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// XLSXOptions change what WriteXLSX writes.
type XLSXOptions struct {
	// BaseURL, when set (e.g. "https://foidesk.example.org"), makes each
	// figure's source cell a hyperlink to the dashboard's view of the cell
	// it came from. Without it the source is text only: a relative link in
	// a workbook resolves against the file, not the dashboard.
	BaseURL string
}

// maxSheetLinks is the most hyperlinks a worksheet may hold (Excel's
// limit); a variable so that tests can reach it with few rows.
var maxSheetLinks = 65530

// yearPeriod matches a period that is a calendar year, written as a number.
var yearPeriod = regexp.MustCompile(`^(19|20|21)[0-9]{2}$`)

// WriteXLSX writes the data as a workbook: a Data sheet whose header row
// is frozen and carries an autofilter, with the value, the document ID and
// periods that are years as numbers, and each figure's source linked to
// its view on the dashboard when opts.BaseURL is set; and an About sheet
// saying what it is. opts may be nil.
func (d *Data) WriteXLSX(w io.Writer, opts *XLSXOptions) error {
	if opts == nil {
		opts = &XLSXOptions{}
	}
	base := strings.TrimRight(opts.BaseURL, "/")
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Data"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	header := d.Header()
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return fmt.Errorf("dataset: freeze header: %w", err)
	}
	widths := map[string]float64{"force": 22, "force_name": 30, "period": 10, "measure": 20, "source": 48, "cell_ref": 10}
	for i, h := range header {
		wd, ok := widths[h]
		if !ok {
			wd = 16
		}
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return err
		}
	}
	row := func(n int, vals []any) error {
		cell, _ := excelize.CoordinatesToCellName(1, n)
		return sw.SetRow(cell, vals)
	}
	head := make([]any, len(header))
	for i, h := range header {
		head[i] = h
	}
	if err := row(1, head); err != nil {
		return err
	}
	// Text goes in as strings, which excelize writes as string cells
	// (never as formulas), so no prefix is needed or added here.
	const periodCol = 2
	valueCol := 3 + len(d.Dims) + 1
	sourceCol, docCol := valueCol+2, valueCol+3
	var links []sheetLink
	for i, r := range d.Rows {
		rec := d.record(r)
		vals := make([]any, len(rec))
		for j, s := range rec {
			vals[j] = s
		}
		if r.Value != nil {
			vals[valueCol] = *r.Value
		} else {
			vals[valueCol] = nil
		}
		vals[docCol] = r.DocumentID
		if yearPeriod.MatchString(r.Period) {
			y, _ := strconv.Atoi(r.Period)
			vals[periodCol] = y
		}
		if base != "" && len(links) < maxSheetLinks {
			cell, _ := excelize.CoordinatesToCellName(sourceCol+1, i+2)
			links = append(links, sheetLink{cell: cell, url: base + r.SourcePath(), tip: "Open the cell this figure came from"})
		}
		if err := row(i+2, vals); err != nil {
			return err
		}
	}
	last, _ := excelize.CoordinatesToCellName(len(header), max(len(d.Rows)+1, 2))
	if err := f.AutoFilter(sheet, "A1:"+last, nil); err != nil {
		return fmt.Errorf("dataset: autofilter: %w", err)
	}
	// excelize adds hyperlinks one at a time, searching the sheet's list
	// each time; the first goes in through it (declaring the relationship
	// namespace and the sheet's relationships part), the rest are added
	// to the written file in one pass.
	if len(links) > 0 {
		l := links[0]
		if err := f.SetCellHyperLink(sheet, l.cell, l.url, "External", excelize.HyperlinkOpts{Tooltip: &l.tip}); err != nil {
			return fmt.Errorf("dataset: source link: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if _, err := f.NewSheet("About"); err != nil {
		return err
	}
	about := [][]any{
		{"Campaign", d.Campaign}, {"Year", d.Year}, {"Observations", len(d.Rows)},
		{"period", "the period the figure covers; a calendar year is written as a number"},
		{"value", "the figure; empty when the force suppressed, redacted or did not record it (see flag)"},
		{"source", "the document, sheet or page, table and cell the figure came from"},
	}
	if base != "" {
		note := "each source links to the dashboard's view of the cell, at " + base
		if len(d.Rows) > maxSheetLinks {
			note += fmt.Sprintf(" (the first %d rows: a worksheet holds at most that many links)", maxSheetLinks)
		}
		about = append(about, []any{"links", note})
	}
	for i, a := range about {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("About", cell, &a); err != nil {
			return err
		}
	}
	if len(links) <= 1 {
		_, err = f.WriteTo(w)
		return err
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return err
	}
	return addSheetLinks(w, buf.Bytes(), "xl/worksheets/sheet1.xml", links[1:])
}

// sheetLink is one external hyperlink of a worksheet cell.
type sheetLink struct{ cell, url, tip string }

// addSheetLinks copies the workbook in src to w with links added to the
// worksheet at sheetPath, which must already hold a hyperlink (so that its
// hyperlinks element, relationships part and namespace exist).
func addSheetLinks(w io.Writer, src []byte, sheetPath string, links []sheetLink) error {
	zr, err := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	if err != nil {
		return fmt.Errorf("dataset: links: %w", err)
	}
	relsPath := "xl/worksheets/_rels/" + strings.TrimPrefix(sheetPath, "xl/worksheets/") + ".rels"
	esc := html.EscapeString
	var sheetAdd, relsAdd strings.Builder
	for i, l := range links {
		id := "rIdSrc" + strconv.Itoa(i+1)
		fmt.Fprintf(&sheetAdd, `<hyperlink ref="%s" r:id="%s" tooltip="%s"/>`, l.cell, id, esc(l.tip))
		fmt.Fprintf(&relsAdd, `<Relationship Id="%s" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="%s" TargetMode="External"/>`, id, esc(l.url))
	}
	zw := zip.NewWriter(w)
	done := 0
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			return fmt.Errorf("dataset: links: %w", err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return fmt.Errorf("dataset: links: %w", err)
		}
		switch zf.Name {
		case sheetPath:
			body, err = insertBefore(body, "</hyperlinks>", sheetAdd.String())
			done++
		case relsPath:
			body, err = insertBefore(body, "</Relationships>", relsAdd.String())
			done++
		}
		if err != nil {
			return fmt.Errorf("dataset: links: %s: %w", zf.Name, err)
		}
		out, err := zw.CreateHeader(&zip.FileHeader{Name: zf.Name, Method: zip.Deflate, Modified: zf.Modified})
		if err != nil {
			return err
		}
		if _, err := out.Write(body); err != nil {
			return err
		}
	}
	if done != 2 {
		return errors.New("dataset: links: the worksheet or its relationships were not found")
	}
	return zw.Close()
}

// insertBefore inserts add before the last occurrence of marker in body.
func insertBefore(body []byte, marker, add string) ([]byte, error) {
	i := bytes.LastIndex(body, []byte(marker))
	if i < 0 {
		return nil, fmt.Errorf("no %s", marker)
	}
	out := make([]byte, 0, len(body)+len(add))
	out = append(out, body[:i]...)
	out = append(out, add...)
	return append(out, body[i:]...), nil
}
