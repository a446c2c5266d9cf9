package extract

// Shared machinery of the office formats: format sniffing, bounded zip
// access, conversion of legacy formats with LibreOffice, and the layout
// analysis that cuts a sheet-like grid (XLSX, CSV) into tables with their
// titles and notes.

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/richardlehane/mscfb"
)

// sniffOther names the format of a document that is not a PDF by its
// magic bytes, then its content, then its file name.
func sniffOther(name string, data []byte) string {
	ext := strings.ToLower(filepath.Ext(name))
	head := data[:min(len(data), 1024)]
	switch {
	case bytes.Contains(head, []byte("%PDF-")):
		return "pdf"
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return sniffZip(ext, data)
	case bytes.HasPrefix(data, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
		if f := sniffCFB(data); f != "" {
			return f
		}
		switch {
		case bytes.Contains(data[:min(len(data), 1<<16)], utf16Bytes("EncryptedPackage")):
			return "encrypted"
		case ext == ".doc" || bytes.Contains(data[:min(len(data), 1<<16)], utf16Bytes("WordDocument")):
			return "doc"
		}
		return "xls"
	}
	switch ext {
	case ".xlsx", ".xlsm", ".docx", ".ods", ".xls", ".doc", ".pdf":
		// Named as a container but not one: fall through to the content.
	case ".csv", ".tsv":
		return "csv"
	case ".htm", ".html":
		return "html"
	}
	text := decodeText(data[:min(len(data), 64<<10)])
	lower := strings.ToLower(strings.TrimSpace(text.s))
	if strings.HasPrefix(lower, "<!doctype html") || strings.HasPrefix(lower, "<html") ||
		strings.Contains(lower[:min(len(lower), 4096)], "<table") ||
		(strings.HasPrefix(lower, "<") && (strings.Contains(lower, "<body") || strings.Contains(lower, "<div") || strings.Contains(lower, "<p>"))) {
		return "html"
	}
	if !text.binary {
		if ext == ".txt" || ext == ".eml" || ext == ".text" {
			return "text"
		}
		if d, ok := sniffDelimiter(text.s); ok && !(d == ',' && onlyThousandsCommas(text.s)) {
			return "csv"
		}
		return "text"
	}
	return "unknown"
}

// sniffCFB names an OLE2 compound file by the streams at the top of its
// directory: "Workbook" or "Book" for a legacy workbook, "WordDocument"
// for a Word document, "EncryptedPackage" for a password-protected OOXML
// file; "" when the directory cannot be read. Names of streams inside
// embedded objects (a workbook holding a Word object) do not count.
func sniffCFB(data []byte) (format string) {
	defer func() {
		if recover() != nil {
			format = ""
		}
	}()
	r, err := mscfb.New(bytes.NewReader(data))
	if err != nil {
		return ""
	}
	top := map[string]bool{}
	for i := 0; i < 10000; i++ {
		f, err := r.Next()
		if err != nil {
			break
		}
		if len(f.Path) == 0 {
			top[f.Name] = true
		}
	}
	switch {
	case top["EncryptedPackage"]:
		return "encrypted"
	case top["Workbook"] || top["Book"]:
		return "xls"
	case top["WordDocument"]:
		return "doc"
	}
	return ""
}

// onlyThousandsCommas reports whether most lines of s that hold commas use
// them only between digits with three digits after ("1,204"): numbers in a
// whitespace-aligned plain-text table rather than delimiters.
func onlyThousandsCommas(s string) bool {
	s = s[:min(len(s), 16<<10)]
	withCommas, numeric := 0, 0
	for _, line := range strings.Split(s, "\n") {
		if !strings.Contains(line, ",") {
			continue
		}
		withCommas++
		ok := true
		for i := 0; i < len(line) && ok; i++ {
			if line[i] != ',' {
				continue
			}
			ok = i > 0 && i+3 < len(line) && isDigit(line[i-1]) && isDigit(line[i+1]) && isDigit(line[i+2]) &&
				isDigit(line[i+3]) && (i+4 >= len(line) || !isDigit(line[i+4]))
		}
		if ok {
			numeric++
		}
	}
	return withCommas > 0 && numeric*10 >= withCommas*6
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

func utf16Bytes(s string) []byte {
	b := make([]byte, 0, 2*len(s))
	for i := 0; i < len(s); i++ {
		b = append(b, s[i], 0)
	}
	return b
}

// sniffZip tells XLSX, DOCX and ODS apart by the parts they hold.
func sniffZip(ext string, data []byte) string {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		switch ext {
		case ".docx":
			return "docx"
		case ".ods":
			return "ods"
		}
		return "xlsx" // let the reader report the damage
	}
	for _, f := range zr.File {
		switch strings.ToLower(f.Name) {
		case "xl/workbook.xml", "xl/workbook.bin":
			return "xlsx"
		case "word/document.xml":
			return "docx"
		case "mimetype":
			if f.UncompressedSize64 < 200 {
				if b, err := readZipFile(f, 200); err == nil {
					switch {
					case bytes.Contains(b, []byte("opendocument.spreadsheet")):
						return "ods"
					case bytes.Contains(b, []byte("opendocument.text")):
						return "odt"
					}
				}
			}
		}
	}
	switch ext {
	case ".docx":
		return "docx"
	case ".ods":
		return "ods"
	case ".xlsx", ".xlsm":
		return "xlsx"
	}
	return "zip"
}

// Bounds on what a zip package may inflate to. Sizes are those the entries
// declare: reading an entry past its declared size fails in archive/zip,
// so a lying header cannot get around them.
const (
	// maxZipRatio is the compression ratio above which a part larger than
	// Options.MaxBytes is taken for a zip bomb. Sheet XML of real
	// workbooks compresses about 5 to 20 times; runs of zeros, 1000 times.
	maxZipRatio = 100
	// maxZipInflated bounds what all of a package's parts inflate to.
	maxZipInflated = 2 << 30
)

// openZip opens an OOXML or ODF package after checking the sizes its
// entries declare, so that a zip bomb is refused before anything is
// inflated. The parts read as a stream (worksheets and the shared strings
// of a workbook, which excelize spills to temporary files when large) may
// inflate past o.MaxBytes unless they compress more than maxZipRatio to
// one; every other part is read whole and must stay within o.MaxBytes;
// all parts together must stay within maxZipInflated.
func openZip(format string, data []byte, o *Options) (*zip.Reader, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, &Error{Format: format, Err: fmt.Errorf("not a readable %s package: %w", format, err)}
	}
	if len(zr.File) > 10000 {
		return nil, &Error{Format: format, Err: fmt.Errorf("%w: %d zip entries", ErrTooLarge, len(zr.File))}
	}
	var total uint64
	for _, f := range zr.File {
		size := f.UncompressedSize64
		total += size
		if total > maxZipInflated {
			return nil, &Error{Format: format, Err: fmt.Errorf("%w: zip entries inflate to more than %d bytes (entry %q declares %d)",
				ErrTooLarge, uint64(maxZipInflated), f.Name, size)}
		}
		if size <= uint64(o.MaxBytes) {
			continue
		}
		if !streamedPart(format, f.Name) {
			return nil, &Error{Format: format, Err: fmt.Errorf("%w: zip entry %q inflates to %d bytes (limit %d)",
				ErrTooLarge, f.Name, size, o.MaxBytes)}
		}
		if size > maxZipRatio*max(f.CompressedSize64, 1) {
			return nil, &Error{Format: format, Err: fmt.Errorf("%w: zip bomb: entry %q inflates %d bytes to %d (more than %d to 1, over %d bytes)",
				ErrTooLarge, f.Name, f.CompressedSize64, size, maxZipRatio, o.MaxBytes)}
		}
	}
	return zr, nil
}

// streamedPart reports whether a package part is read as a stream rather
// than whole: a workbook's worksheets and shared strings.
func streamedPart(format, name string) bool {
	if format != "xlsx" {
		return false
	}
	n := strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(name, "\\", "/"), "/"))
	return strings.HasPrefix(n, "xl/worksheets/") && strings.HasSuffix(n, ".xml") || n == "xl/sharedstrings.xml"
}

// zipEntry finds a package part by name, ignoring case and a leading slash.
func zipEntry(zr *zip.Reader, name string) *zip.File {
	name = strings.TrimPrefix(name, "/")
	for _, f := range zr.File {
		if strings.EqualFold(strings.TrimPrefix(strings.ReplaceAll(f.Name, "\\", "/"), "/"), name) {
			return f
		}
	}
	return nil
}

// readZipFile inflates one entry, refusing more than limit bytes.
func readZipFile(f *zip.File, limit int64) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%w: %s inflates to more than %d bytes", ErrTooLarge, f.Name, limit)
	}
	return b, nil
}

// resolvePart resolves a relationship target against the part that holds
// the relationship.
func resolvePart(base, target string) string {
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(target, "/")
	}
	return path.Clean(path.Join(path.Dir(base), target))
}

// sofficeTimeout bounds one LibreOffice conversion.
const sofficeTimeout = 90 * time.Second

// findSoffice returns the LibreOffice binary, or "".
func findSoffice() string {
	for _, n := range []string{"soffice", "libreoffice"} {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

// convertLegacy converts a legacy or ODF document (xls, ods, doc, odt) to
// its OOXML sibling with LibreOffice in headless mode, in a temporary
// directory that is removed afterwards, within the context's deadline and
// sofficeTimeout.
func convertLegacy(ctx context.Context, format, to string, data []byte) ([]byte, error) {
	bin := findSoffice()
	if bin == "" {
		return nil, &Error{Format: format, Err: fmt.Errorf("%w: %s needs LibreOffice (soffice), which is not installed: convert the file to %s", ErrUnsupported, format, to)}
	}
	dir, err := os.MkdirTemp("", "foidesk-convert-")
	if err != nil {
		return nil, &Error{Format: format, Err: fmt.Errorf("convert to %s: %w", to, err)}
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "input."+format)
	if err := os.WriteFile(in, data, 0o600); err != nil {
		return nil, &Error{Format: format, Err: fmt.Errorf("convert to %s: %w", to, err)}
	}
	outDir := filepath.Join(dir, "out")
	ctx, cancel := context.WithTimeout(ctx, sofficeTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin,
		"-env:UserInstallation=file://"+filepath.ToSlash(filepath.Join(dir, "profile")),
		"--headless", "--norestore", "--nolockcheck", "--convert-to", to, "--outdir", outDir, in)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		return nil, &Error{Format: format, Err: fmt.Errorf("%w: LibreOffice conversion to %s did not finish in time", ErrTooLarge, to)}
	}
	if err != nil {
		return nil, &Error{Format: format, Err: fmt.Errorf("LibreOffice conversion to %s failed: %v: %s", to, err, strings.TrimSpace(string(out)))}
	}
	res, err := os.ReadFile(filepath.Join(outDir, "input."+to))
	if err != nil {
		return nil, &Error{Format: format, Err: fmt.Errorf("LibreOffice produced no %s: %s", to, strings.TrimSpace(string(out)))}
	}
	return res, nil
}

// extractConverted converts a legacy document and extracts the result,
// keeping the original format in each table's Source.
func extractConverted(ctx context.Context, format string, data []byte, o *Options) ([]*Table, error) {
	to := "xlsx"
	if format == "doc" || format == "odt" {
		to = "docx"
	}
	conv, err := convertLegacy(ctx, format, to, data)
	if err != nil {
		return nil, err
	}
	if int64(len(conv)) > o.MaxBytes {
		return nil, &Error{Format: format, Err: fmt.Errorf("%w: converted %s has %d bytes", ErrTooLarge, to, len(conv))}
	}
	var ts []*Table
	if to == "xlsx" {
		ts, err = extractXLSX(ctx, conv, o)
	} else {
		ts, err = extractDOCX(ctx, conv, o)
	}
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			e.Format = format
		}
		return nil, err
	}
	for _, t := range ts {
		t.Source.Format = format
		t.Reasons = append(t.Reasons, "converted from "+format+" to "+to+" with LibreOffice")
	}
	return ts, nil
}

// ---- layout analysis of sheet-like grids ----

// gcell is one non-empty position of a sparse grid. Its fields are kept
// narrow: a sheet of a million rows holds millions of them.
type gcell struct {
	text    string
	num     *float64
	col     int32 // 0-based
	rowSpan int32
	colSpan int32
	covered bool
}

// grow is one source row of a sparse grid, cells sorted by column.
type grow struct {
	row    int // 0-based source row
	hidden bool
	cells  []gcell
}

// sheetGrid is a sparse sheet: rows in source order, with the refs style
// and the hidden columns.
type sheetGrid struct {
	rows       []grow
	colHidden  func(c int) bool
	a1         bool // refs as "B7"; else "r7c2"
	sheet      string
	hidden     bool // whole sheet hidden
	method     Method
	format     string
	maxCells   int
	reasonsAll []string // reasons attached to every table of the sheet

	// csv, when set, holds the rows instead of rows (a delimited file);
	// its tables keep their cells in it (Table.compact).
	csv     *csvStore
	scratch []gcell // rowCells' result for csv rows, valid until the next call
}

// nrows returns the number of source rows with a non-empty cell.
func (g *sheetGrid) nrows() int {
	if g.csv != nil {
		return g.csv.numRows()
	}
	return len(g.rows)
}

// srcRow returns the 0-based source row of row i.
func (g *sheetGrid) srcRow(i int) int {
	if g.csv != nil {
		return int(g.csv.rows.at(i).row)
	}
	return g.rows[i].row
}

func (g *sheetGrid) ref(r, c int) string {
	if g.a1 {
		return colName(c) + strconv.Itoa(r+1)
	}
	return fmt.Sprintf("r%dc%d", r+1, c+1)
}

// setRefs sets the refs of the cells of row r from column c0 as
// substrings of one string, so that a row costs one allocation for its
// refs rather than one per cell.
func (g *sheetGrid) setRefs(out []Cell, r, c0 int) {
	var stack [512]byte
	var endStack [64]int
	buf := stack[:0]
	ends := endStack[:0]
	var row [20]byte
	rs := strconv.AppendInt(row[:0], int64(r+1), 10)
	for j := range out {
		if g.a1 {
			buf = appendColName(buf, c0+j)
			buf = append(buf, rs...)
		} else {
			buf = append(buf, 'r')
			buf = append(buf, rs...)
			buf = append(buf, 'c')
			buf = strconv.AppendInt(buf, int64(c0+j+1), 10)
		}
		ends = append(ends, len(buf))
	}
	all := string(buf)
	start := 0
	for j, e := range ends {
		out[j].Ref = all[start:e]
		start = e
	}
}

// colName returns the spreadsheet column name of 0-based column c.
func colName(c int) string {
	var b [8]byte
	return string(appendColName(b[:0], c))
}

// appendColName appends the spreadsheet column name of 0-based column c.
func appendColName(dst []byte, c int) []byte {
	var b [8]byte
	i := len(b)
	for c++; c > 0; c = (c - 1) / 26 {
		i--
		b[i] = byte('A' + (c-1)%26)
	}
	return append(dst, b[i:]...)
}

// gridBlock is a rectangle of a sparse grid: rows[r0:r1] (indexes into
// sheetGrid.rows) and columns c0..c1 inclusive.
type gridBlock struct {
	r0, r1 int
	c0, c1 int
}

// rowCells returns the cells of row i within columns c0..c1.
func (g *sheetGrid) rowCells(i, c0, c1 int) []gcell {
	if g.csv != nil {
		g.scratch = g.csv.appendRowCells(g.scratch[:0], i, c0, c1)
		return g.scratch
	}
	cs := g.rows[i].cells
	lo := sort.Search(len(cs), func(k int) bool { return int(cs[k].col) >= c0 })
	hi := sort.Search(len(cs), func(k int) bool { return int(cs[k].col) > c1 })
	return cs[lo:hi]
}

// splitBlocks cuts the grid into blocks by runs of blank rows and, inside
// those, by runs of two or more blank columns, recursively.
func (g *sheetGrid) splitBlocks(b gridBlock, depth int, out []gridBlock) []gridBlock {
	// Trim to content.
	for b.r0 < b.r1 && len(g.rowCells(b.r0, b.c0, b.c1)) == 0 {
		b.r0++
	}
	for b.r1 > b.r0 && len(g.rowCells(b.r1-1, b.c0, b.c1)) == 0 {
		b.r1--
	}
	if b.r0 >= b.r1 {
		return out
	}
	lo, hi := -1, -1
	for i := b.r0; i < b.r1; i++ {
		cs := g.rowCells(i, b.c0, b.c1)
		if len(cs) > 0 {
			if lo < 0 || int(cs[0].col) < lo {
				lo = int(cs[0].col)
			}
			hi = max(hi, int(cs[len(cs)-1].col))
		}
	}
	b.c0, b.c1 = lo, hi
	if depth > 6 {
		return append(out, b)
	}
	// Rows: a blank row, or a gap in source row numbers, separates blocks.
	var parts []gridBlock
	start := b.r0
	for i := b.r0 + 1; i <= b.r1; i++ {
		if i == b.r1 || g.srcRow(i) != g.srcRow(i-1)+1 || len(g.rowCells(i, b.c0, b.c1)) == 0 {
			end := i
			if end > start {
				parts = append(parts, gridBlock{start, end, b.c0, b.c1})
			}
			for i < b.r1 && len(g.rowCells(i, b.c0, b.c1)) == 0 {
				i++
			}
			start = i
		}
	}
	if len(parts) > 1 {
		for _, p := range parts {
			out = g.splitBlocks(p, depth+1, out)
		}
		return out
	}
	// Columns: two or more blank columns separate blocks.
	occupied := map[int]bool{}
	for i := b.r0; i < b.r1; i++ {
		for _, c := range g.rowCells(i, b.c0, b.c1) {
			occupied[int(c.col)] = true
		}
	}
	cols := make([]int, 0, len(occupied))
	for c := range occupied {
		cols = append(cols, c)
	}
	sort.Ints(cols)
	var cparts []gridBlock
	cs := cols[0]
	for k := 1; k <= len(cols); k++ {
		if k == len(cols) || cols[k]-cols[k-1] > 2 {
			cparts = append(cparts, gridBlock{b.r0, b.r1, cs, cols[k-1]})
			if k < len(cols) {
				cs = cols[k]
			}
		}
	}
	if len(cparts) > 1 {
		for _, p := range cparts {
			out = g.splitBlocks(p, depth+1, out)
		}
		return out
	}
	return append(out, b)
}

// originCells returns the cells of a row inside the block that are not covered
// by another cell's span.
func originCells(cs []gcell) []gcell {
	var o []gcell
	for _, c := range cs {
		if !c.covered && strings.TrimSpace(c.text) != "" {
			o = append(o, c)
		}
	}
	return o
}

// isTextRow reports whether the row holds one label only, at the block's
// left edge or long enough to be prose: a title or note line.
func isTextRow(cs []gcell, c0 int) bool {
	o := originCells(cs)
	if len(o) != 1 {
		return false
	}
	for _, c := range cs {
		if c.covered && c.col != o[0].col {
			// A merged cell spanning columns: a group heading unless it
			// starts at the left edge (a title across the table).
			if int(o[0].col) != c0 {
				return false
			}
		}
	}
	if o[0].num != nil {
		return false
	}
	if _, ok := parseNumber(o[0].text); ok {
		return false
	}
	return int(o[0].col) == c0 || utf8.RuneCountInString(o[0].text) > 30
}

// isSectionLabel reports whether row i, a text row just above a block,
// is a section label of the table above: a short label (five words at
// most, not a caption or a note) in the table's first column c0, alone
// in the row.
func isSectionLabel(g *sheetGrid, i, blockC0, c0 int, text string) bool {
	cs := originCells(g.rowCells(i, blockC0, 1<<30))
	return len(cs) == 1 && int(cs[0].col) == c0 && len(strings.Fields(text)) <= 5 &&
		!isCaption(text) && !isNoteText(text)
}

// withoutNavigation drops the links of a workbook's own navigation ("Back
// to contents", "Return to index") from title or note lines.
func withoutNavigation(lines []string) []string {
	var out []string
	for _, l := range lines {
		if !isNavigation(l) {
			out = append(out, l)
		}
	}
	return out
}

// isNavigation reports whether a line is a link to elsewhere in the
// workbook: "Back to contents", "Return to the index", "Go to Guidance -->".
func isNavigation(s string) bool {
	f := strings.Fields(strings.ToLower(strings.Trim(s, " .-=<>«»‹›←→↑")))
	if len(f) < 2 || len(f) > 8 {
		return false
	}
	switch {
	case (f[0] == "back" || f[0] == "return" || f[0] == "go" && f[1] == "to") && len(f) <= 6:
	case f[0] == "click" && strings.Contains(s, " to "):
	default:
		return false
	}
	switch f[len(f)-1] {
	case "contents", "index", "menu", "top", "notes", "cover", "front", "page", "sheet", "list", "tables",
		"guidance", "summary", "overview", "home", "start":
		return true
	}
	return false
}

// isNoteRow reports whether a trailing text row reads as a note.
func isNoteRow(text string) bool {
	return isNoteText(text) || len(strings.Fields(text)) >= 7
}

// tablesFromGrid cuts a sparse grid into tables, with the text lines above
// and below each as its Title and Notes.
func tablesFromGrid(g *sheetGrid) ([]*Table, error) {
	if g.nrows() == 0 {
		return nil, nil
	}
	blocks := g.splitBlocks(gridBlock{0, g.nrows(), 0, 1 << 30}, 0, nil)
	// Keep blocks in reading order: by first row, then column.
	sort.SliceStable(blocks, func(i, j int) bool {
		if blocks[i].r0 != blocks[j].r0 {
			return blocks[i].r0 < blocks[j].r0
		}
		return blocks[i].c0 < blocks[j].c0
	})

	type piece struct {
		b          gridBlock
		text       bool     // every row a text row
		title      []string // leading text rows
		notes      []string // trailing note rows
		tr0, tr1   int      // table rows
		table      *Table
		continues  bool
		firstIsDat bool
	}
	var ps []*piece
	for _, b := range blocks {
		p := &piece{b: b, tr0: b.r0, tr1: b.r1}
		allText := true
		for i := b.r0; i < b.r1; i++ {
			if !isTextRow(g.rowCells(i, b.c0, b.c1), b.c0) {
				allText = false
				break
			}
		}
		if allText && b.r1-b.r0 > 0 {
			p.text = true
			for i := b.r0; i < b.r1; i++ {
				p.title = append(p.title, NormaliseSpace(originCells(g.rowCells(i, b.c0, b.c1))[0].text))
			}
			ps = append(ps, p)
			continue
		}
		for p.tr0 < p.tr1-1 && isTextRow(g.rowCells(p.tr0, b.c0, b.c1), b.c0) {
			p.title = append(p.title, NormaliseSpace(originCells(g.rowCells(p.tr0, b.c0, b.c1))[0].text))
			p.tr0++
		}
		for p.tr1-1 > p.tr0 {
			cs := g.rowCells(p.tr1-1, b.c0, b.c1)
			if !isTextRow(cs, b.c0) || !isNoteRow(originCells(cs)[0].text) {
				break
			}
			p.notes = append([]string{NormaliseSpace(originCells(cs)[0].text)}, p.notes...)
			p.tr1--
		}
		// The table's columns: those its rows use, other than columns
		// that only a merged cell reaches into (a heading merged across
		// far more columns than the table has).
		lo, hi := 1<<30, -1
		for i := p.tr0; i < p.tr1; i++ {
			for _, c := range g.rowCells(i, b.c0, b.c1) {
				if !c.covered {
					lo, hi = min(lo, int(c.col)), max(hi, int(c.col))
				}
			}
		}
		if hi < 0 {
			for i := p.tr0; i < p.tr1; i++ {
				cs := g.rowCells(i, b.c0, b.c1)
				if len(cs) > 0 {
					lo, hi = min(lo, int(cs[0].col)), max(hi, int(cs[len(cs)-1].col))
				}
			}
		}
		p.b.c0, p.b.c1 = lo, hi
		first := g.rowCells(p.tr0, lo, hi)
		for _, c := range first {
			if int(c.col) > lo && (c.num != nil || isDataValue(&Cell{Text: c.text})) && !isPeriodLabel(c.text) {
				p.firstIsDat = true
			}
		}
		if len(first) > 0 && isTotalLabel(first[0].text) {
			p.firstIsDat = true
		}
		ps = append(ps, p)
	}

	// A table block without title whose first row is data, under a table
	// block of about the same columns, continues it across a blank row;
	// so does one whose only title is a section label in the first column
	// ("Pre-court"), which becomes a row of the table.
	var last *piece
	for _, p := range ps {
		if p.text {
			last = nil
			continue
		}
		if last != nil && len(last.notes) == 0 && p.firstIsDat &&
			colOverlap(last.b.c0, last.b.c1, p.b.c0, p.b.c1) >= 0.8 {
			switch {
			case len(p.title) == 0:
				p.continues = true
			case len(p.title) == 1 && isSectionLabel(g, p.tr0-1, p.b.c0, last.b.c0, p.title[0]):
				p.continues = true
				p.title = nil
				p.tr0--
			}
		}
		last = p
	}

	// Text blocks between tables: leading note-like lines go under the
	// table above, the rest is the title of the table below. Text blocks
	// side by side on the same rows (a title at the left, a link back to
	// the contents at the right) count as one.
	beside := func(a, b *piece) bool { return a.b.r0 < b.b.r1 && b.b.r0 < a.b.r1 }
	titles := map[*piece][]string{} // lines to go above each table's own title, in reading order
	for k, p := range ps {
		if !p.text {
			continue
		}
		i, j := k-1, k+1
		for i >= 0 && ps[i].text && beside(ps[i], p) {
			i--
		}
		for j < len(ps) && ps[j].text && beside(ps[j], p) {
			j++
		}
		// Only text below a table is its note, only text above its title.
		prev := i >= 0 && !ps[i].text && p.b.r0 >= ps[i].tr1
		next := j < len(ps) && !ps[j].text && !ps[j].continues && p.b.r1 <= ps[j].tr0
		lines := p.title
		switch {
		case prev && next:
			n := 0
			for n < len(lines) && isNoteText(lines[n]) {
				n++
			}
			ps[i].notes = append(ps[i].notes, lines[:n]...)
			titles[ps[j]] = append(titles[ps[j]], lines[n:]...)
		case prev:
			ps[i].notes = append(ps[i].notes, lines...)
		case next:
			titles[ps[j]] = append(titles[ps[j]], lines...)
		}
	}
	for p, lines := range titles {
		p.title = append(lines, p.title...)
	}

	var tables []*Table
	var cur *piece
	cells := 0
	for _, p := range ps {
		if p.text {
			continue
		}
		if p.continues && cur != nil {
			cur.table.Reasons = append(cur.table.Reasons, fmt.Sprintf("blank row above %s taken as a gap inside the table", g.ref(g.srcRow(p.tr0), p.b.c0)))
			p.table = cur.table
			continue
		}
		title := withoutNavigation(p.title)
		if len(title) > 3 {
			title = title[len(title)-3:]
		}
		t := &Table{
			Source:  Source{Format: g.format, Sheet: g.sheet, Hidden: g.hidden},
			Method:  g.method,
			Title:   strings.Join(title, "\n"),
			Reasons: append([]string(nil), g.reasonsAll...),
		}
		p.table = t
		cur = p
		tables = append(tables, t)
	}

	// Build the dense grids.
	byTable := map[*Table][]*piece{}
	var order []*Table
	for _, p := range ps {
		if p.table == nil {
			continue
		}
		if _, ok := byTable[p.table]; !ok {
			order = append(order, p.table)
		}
		byTable[p.table] = append(byTable[p.table], p)
	}
	// Source rows are let go as soon as the last table using them is laid
	// out, so that a large sheet is not held twice.
	var uses []int32
	if g.csv == nil {
		uses = make([]int32, len(g.rows))
	}
	for _, p := range ps {
		if p.table != nil && uses != nil {
			for i := p.tr0; i < p.tr1; i++ {
				uses[i]++
			}
		}
	}
	for _, t := range order {
		pieces := byTable[t]
		c0, c1 := 1<<30, -1
		var notes []string
		for _, p := range pieces {
			c0, c1 = min(c0, p.b.c0), max(c1, p.b.c1)
			notes = p.notes
		}
		if notes = withoutNavigation(notes); len(notes) > 0 {
			t.Notes = notes
		}
		w := c1 - c0 + 1
		nrows := 0
		for _, p := range pieces {
			nrows += p.tr1 - p.tr0
		}
		cells += nrows * w
		if g.maxCells > 0 && cells > g.maxCells {
			return nil, fmt.Errorf("%w: tables of %d cells (limit %d)", ErrTooLarge, cells, g.maxCells)
		}
		if g.csv != nil {
			// The cells stay in the store; the table names its rows.
			cc := &compactCells{s: g.csv, c0: c0, w: w}
			cc.idx = make([]int32, 0, nrows)
			for _, p := range pieces {
				for i := p.tr0; i < p.tr1; i++ {
					cc.idx = append(cc.idx, int32(i))
				}
			}
			t.compact = cc
			continue
		}
		t.Rows = make([][]Cell, 0, nrows)
		for _, p := range pieces {
			for i := p.tr0; i < p.tr1; i++ {
				t.Rows = append(t.Rows, g.denseRow(i, c0, c1))
				if uses[i]--; uses[i] == 0 {
					g.rows[i].cells = nil
				}
			}
		}
		clipSpans(t)
	}
	return tables, nil
}

// overlap returns the share of the narrower column range that the two
// ranges have in common.
func colOverlap(a0, a1, b0, b1 int) float64 {
	lo, hi := max(a0, b0), min(a1, b1)
	if hi < lo {
		return 0
	}
	return float64(hi-lo+1) / float64(min(a1-a0, b1-b0)+1)
}

// denseRow returns row i of the grid as cells for columns c0..c1.
func (g *sheetGrid) denseRow(i, c0, c1 int) []Cell {
	r := &g.rows[i]
	out := make([]Cell, c1-c0+1)
	g.setRefs(out, r.row, c0)
	for j := range out {
		if r.hidden || (g.colHidden != nil && g.colHidden(c0+j)) {
			out[j].Hidden = true
		}
	}
	for _, c := range g.rowCells(i, c0, c1) {
		d := &out[int(c.col)-c0]
		d.Text = c.text
		d.Number = c.num
		d.Covered = c.covered
		if c.rowSpan > 1 {
			d.RowSpan = int(c.rowSpan)
		}
		if c.colSpan > 1 {
			d.ColSpan = int(c.colSpan)
		}
	}
	return out
}

// clipSpans trims spans that reach beyond the table's grid.
func clipSpans(t *Table) {
	for i, row := range t.Rows {
		for j := range row {
			c := &row[j]
			if c.RowSpan > 1 && i+c.RowSpan > len(t.Rows) {
				c.RowSpan = len(t.Rows) - i
			}
			if c.ColSpan > 1 && j+c.ColSpan > len(row) {
				c.ColSpan = len(row) - j
			}
			if c.RowSpan == 1 {
				c.RowSpan = 0
			}
			if c.ColSpan == 1 {
				c.ColSpan = 0
			}
		}
	}
}

// mergeRange is a merged area of a sheet, 0-based and inclusive.
type mergeRange struct{ r0, c0, r1, c1 int }

// applyMerges writes each merge into the sparse grid: the origin gets the
// spans, the covered positions a copy of its text. Merges larger than
// maxArea cells are applied to their origin only.
func (g *sheetGrid) applyMerges(ms []mergeRange, maxArea int) {
	if len(ms) == 0 {
		return
	}
	idx := make(map[int]int, len(g.rows))
	for i, r := range g.rows {
		idx[r.row] = i
	}
	for _, m := range ms {
		oi, ok := idx[m.r0]
		if !ok {
			continue
		}
		k := -1
		for j, c := range g.rows[oi].cells {
			if int(c.col) == m.c0 {
				k = j
			}
		}
		if k < 0 || strings.TrimSpace(g.rows[oi].cells[k].text) == "" {
			continue
		}
		origin := &g.rows[oi].cells[k]
		origin.rowSpan, origin.colSpan = int32(m.r1-m.r0+1), int32(m.c1-m.c0+1)
		if (m.r1-m.r0+1)*(m.c1-m.c0+1) > maxArea {
			continue
		}
		text, num := origin.text, origin.num
		for r := m.r0; r <= m.r1; r++ {
			ri, ok := idx[r]
			if !ok {
				continue // a row that does not exist stays blank
			}
			row := &g.rows[ri]
			for c := m.c0; c <= m.c1; c++ {
				if r == m.r0 && c == m.c0 {
					continue
				}
				row.cells = setCell(row.cells, gcell{col: int32(c), text: text, num: num, covered: true})
			}
		}
	}
}

// setCell puts c into the sorted cells, replacing one at the same column.
func setCell(cs []gcell, c gcell) []gcell {
	k := sort.Search(len(cs), func(i int) bool { return cs[i].col >= c.col })
	if k < len(cs) && cs[k].col == c.col {
		cs[k] = c
		return cs
	}
	cs = append(cs, gcell{})
	copy(cs[k+1:], cs[k:])
	cs[k] = c
	return cs
}
