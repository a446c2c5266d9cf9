package web

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"mime"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/foidesk/foidesk/internal/dataset"
	"github.com/foidesk/foidesk/internal/extract"
	"github.com/foidesk/foidesk/internal/store"
)

// The source view: the table a figure came from, as the force sent it,
// with the figure's cell highlighted and cited as printed; for a PDF, the
// page itself rendered with the cell's box drawn on it.

const (
	// sourceContext is how many rows either side of the cited cell the
	// view shows of a long table (header rows are always shown).
	sourceContext = 12
	// pageDPI is the resolution pages are rendered at.
	pageDPI = 110
	// boxPad is the margin, in points, drawn around a cell's text box.
	boxPad = 2
	// renderTimeout bounds rendering one page of a stored PDF.
	renderTimeout = 20 * time.Second
)

// renders limits how many pages are rendered at once.
var renders = make(chan struct{}, 2)

// sourceData is the source view's data.
type sourceData struct {
	DocumentID int64
	Filename   string
	Table      store.DocumentTable
	Cite       dataset.Citation
	Printed    string
	Grid       string
	Value      string
	Rows       []sourceRow
	Skipped    int // rows of a long table not shown, above the window
	After      int // and below it
	Page       *pageView
	FileHref   string
}

type sourceRow struct {
	N     int // 1-based row of the table
	Cells []sourceCell
}

type sourceCell struct {
	Text    string
	Ref     string
	Cited   bool
	Axis    bool // the cited cell's row label or column heading
	Header  bool
	ColSpan int
	RowSpan int
}

// pageView is a PDF page with the cell's box, in PDF points.
type pageView struct {
	Src           string
	Width, Height float64
	// PixelW and PixelH are the rendered image's size, which the page is
	// shown at.
	PixelW, PixelH int
	X, Y, W, H     float64 // the box, top-left origin
}

func (s *server) sourceView(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return notFound("Document")
	}
	ti, err := strconv.Atoi(r.PathValue("table"))
	if err != nil {
		return notFound("Table")
	}
	row, err1 := strconv.Atoi(r.URL.Query().Get("row"))
	col, err2 := strconv.Atoi(r.URL.Query().Get("col"))
	if err1 != nil || err2 != nil || row < 0 || col < 0 {
		return badRequest("A cell is given by row and col, 0-based numbers.")
	}
	ctx := r.Context()
	doc, err := s.st.Document(ctx, id)
	if err != nil {
		return err
	}
	tables, err := s.st.DocumentTables(ctx, []int64{id})
	if err != nil {
		return err
	}
	var t *store.DocumentTable
	for i := range tables {
		if tables[i].Index == ti {
			t = &tables[i]
		}
	}
	if t == nil {
		return notFound(fmt.Sprintf("Table %d of document %d", ti, id))
	}
	var grid [][]extract.Cell
	if err := json.Unmarshal(t.Cells, &grid); err != nil {
		return fmt.Errorf("table %d of document %d: %w", ti, id, err)
	}
	if row >= len(grid) || col >= len(grid[row]) {
		return notFound(fmt.Sprintf("Cell (%d, %d) of table %d", row, col, ti))
	}
	cell := grid[row][col]
	rl, cl := dataset.CellLabels(grid, t.HeaderRows, row, col)
	pageNo := t.Page
	if cell.Page > 0 {
		pageNo = cell.Page
	}
	d := &sourceData{DocumentID: id, Filename: doc.Filename, Table: *t, Value: cell.Text,
		FileHref: fmt.Sprintf("/documents/%d", id),
		Cite:     dataset.Citation{Document: doc.Filename, Sheet: t.Sheet, Page: pageNo, Table: ti, Row: rl, Column: cl, Ref: cell.Ref}}
	if d.Cite.Ref == "" {
		d.Cite.Ref = fmt.Sprintf("r%dc%d", row+1, col+1)
	}
	d.Printed, d.Grid = d.Cite.Printed(), d.Cite.Grid()

	// The row label and column heading cells the citation names.
	axis := map[[2]int]bool{}
	for c := 0; c < col && c < len(grid[row]); c++ {
		if dataset.IsLabel(grid[row][c]) {
			axis[[2]int{row, c}] = true
		}
	}
	heads := max(t.HeaderRows, 1)
	for hr := 0; hr < heads && hr < row; hr++ {
		axis[[2]int{hr, col}] = true
	}
	from, to := max(t.HeaderRows, row-sourceContext), min(len(grid), row+sourceContext+1)
	d.Skipped, d.After = from-t.HeaderRows, len(grid)-to
	show := func(r int) {
		sr := sourceRow{N: r + 1}
		for c, gc := range grid[r] {
			if gc.Covered {
				continue
			}
			sr.Cells = append(sr.Cells, sourceCell{Text: gc.Text, Ref: gc.Ref, Cited: r == row && c == col,
				Axis: axis[[2]int{r, c}], Header: r < t.HeaderRows, ColSpan: gc.ColSpan, RowSpan: gc.RowSpan})
		}
		d.Rows = append(d.Rows, sr)
	}
	for r := 0; r < t.HeaderRows && r < len(grid); r++ {
		show(r)
	}
	for r := from; r < to; r++ {
		show(r)
	}

	if isPDF(doc) && cell.BBox != nil && pageNo > 0 {
		if wpt, hpt, err := pdfPageSize(ctx, doc.Data, pageNo); err != nil {
			s.log.Warn("source view: page size", "document", id, "page", pageNo, "err", err)
		} else {
			b := cell.BBox
			d.Page = &pageView{Src: fmt.Sprintf("/documents/%d/pages/%d.png", id, pageNo), Width: wpt, Height: hpt,
				PixelW: int(wpt * pageDPI / 72), PixelH: int(hpt * pageDPI / 72),
				X: round2(b.X0 - boxPad), Y: round2(hpt - b.Y1 - boxPad), W: round2(b.X1 - b.X0 + 2*boxPad), H: round2(b.Y1 - b.Y0 + 2*boxPad)}
		}
	}
	s.render(w, r, http.StatusOK, "source", &page{Title: doc.Filename + ": " + d.Printed,
		Crumbs: []crumb{{"Campaigns", "/"}}, Data: d})
	return nil
}

// isPDF reports whether a stored document is a PDF.
func isPDF(doc *store.StoredDocument) bool {
	if mt, _, err := mime.ParseMediaType(doc.ContentType); err == nil && mt == "application/pdf" {
		return true
	}
	return bytes.HasPrefix(doc.Data, []byte("%PDF-"))
}

var rePageSize = regexp.MustCompile(`(?m)^Page\s+\d+\s+size:\s+([0-9.]+)\s+x\s+([0-9.]+)\s+pts`)

// pdfPageSize reads a page's size in points with poppler's pdfinfo.
func pdfPageSize(ctx context.Context, data []byte, page int) (float64, float64, error) {
	bin, err := exec.LookPath("pdfinfo")
	if err != nil {
		return 0, 0, errors.New("pdfinfo is not installed (Debian: poppler-utils)")
	}
	dir, err := os.MkdirTemp("", "foidesk-page-")
	if err != nil {
		return 0, 0, err
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		return 0, 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, renderTimeout)
	defer cancel()
	p := strconv.Itoa(page)
	out, err := exec.CommandContext(ctx, bin, "-f", p, "-l", p, in).Output()
	if err != nil {
		return 0, 0, fmt.Errorf("pdfinfo: %w", err)
	}
	m := rePageSize.FindSubmatch(out)
	if m == nil {
		return 0, 0, fmt.Errorf("pdfinfo gave no size for page %d", page)
	}
	wpt, _ := strconv.ParseFloat(string(m[1]), 64)
	hpt, _ := strconv.ParseFloat(string(m[2]), 64)
	if wpt <= 0 || hpt <= 0 {
		return 0, 0, fmt.Errorf("page %d has size %gx%g", page, wpt, hpt)
	}
	return wpt, hpt, nil
}

// pagePNG renders one page of a stored PDF as a PNG with poppler's
// pdftoppm. The document came from outside: rendering is bounded in time
// and in how many run at once.
func (s *server) pagePNG(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return notFound("Document")
	}
	page, err := strconv.Atoi(strings.TrimSuffix(r.PathValue("page"), ".png"))
	if err != nil || page < 1 || !strings.HasSuffix(r.PathValue("page"), ".png") {
		return notFound("Page")
	}
	ctx := r.Context()
	doc, err := s.st.Document(ctx, id)
	if err != nil {
		return err
	}
	if !isPDF(doc) {
		return notFound("A page of a PDF")
	}
	bin, err := exec.LookPath("pdftoppm")
	if err != nil {
		return &httpError{http.StatusServiceUnavailable, "Pages cannot be shown: pdftoppm is not installed (Debian: poppler-utils)."}
	}
	select {
	case renders <- struct{}{}:
		defer func() { <-renders }()
	case <-ctx.Done():
		return ctx.Err()
	}
	dir, err := os.MkdirTemp("", "foidesk-page-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, doc.Data, 0o600); err != nil {
		return err
	}
	rctx, cancel := context.WithTimeout(ctx, renderTimeout)
	defer cancel()
	p := strconv.Itoa(page)
	cmd := exec.CommandContext(rctx, bin, "-r", strconv.Itoa(pageDPI), "-png", "-f", p, "-l", p, "-singlefile", in, filepath.Join(dir, "page"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		line, _, _ := bufio.NewReader(&stderr).ReadLine()
		s.log.Warn("page image", "document", id, "page", page, "err", err, "stderr", string(line))
		return notFound(fmt.Sprintf("Page %d of document %d (it could not be rendered)", page, id))
	}
	png, err := os.ReadFile(filepath.Join(dir, "page.png"))
	if err != nil {
		return notFound(fmt.Sprintf("Page %d of document %d", page, id))
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "private, max-age=3600")
	w.Header().Set("Content-Length", strconv.Itoa(len(png)))
	_, err = w.Write(png)
	return err
}

// round2 rounds a coordinate to two decimals.
func round2(f float64) float64 { return math.Round(f*100) / 100 }
