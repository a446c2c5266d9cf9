package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"math"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/foidesk/foidesk/internal/dbtest"
	"github.com/foidesk/foidesk/internal/extract"
	"github.com/foidesk/foidesk/internal/store"
)

// A spreadsheet figure's source link opens its table with the cell
// highlighted, cited by its row and column as printed.
func TestSourceViewOfASpreadsheetCell(t *testing.T) {
	fx := seed(t)
	h := newHandler(t, fx.st, nil)
	var loaded string
	for _, f := range fx.forces {
		if fx.kind[f.Slug] == "loaded" && f.Slug != fx.scriptForce {
			loaded = f.Slug
			break
		}
	}
	var doc int64
	must(t, dbtest.SQL(t, fx.st).QueryRow(t.Context(), `SELECT id FROM documents WHERE filename = $1`, loaded+"-response.xlsx").Scan(&doc))

	// The data page links the figure to its cell and cites it as printed.
	body := get(t, h, boardPath+"/data?force="+loaded+"&nationality=ROU&period=2023", http.StatusOK)
	link := fmt.Sprintf(`/documents/%d/tables/1?row=2&amp;col=2`, doc)
	if !strings.Contains(body, `<a class="cell" href="`+link+`">`+loaded+`-response.xlsx, sheet &#39;Data&#39;, row &#39;ROU&#39;, column &#39;2023&#39;</a> <span class="muted">(table 1, cell C3)</span>`) {
		t.Errorf("the figure is not linked to %s and cited as printed:\n%s", link, regexp.MustCompile(`(?s)<td class="source">.*?</td>`).FindString(body))
	}

	page := get(t, h, fmt.Sprintf("/documents/%d/tables/1?row=2&col=2", doc), http.StatusOK)
	cited := regexp.MustCompile(`<td class="cited" title="([A-Z0-9]+)">([^<]*)</td>`).FindAllStringSubmatch(page, -1)
	if len(cited) != 1 || cited[0][1] != "C3" {
		t.Fatalf("highlighted cells %v, want C3 alone", cited)
	}
	axes := regexp.MustCompile(`<td class="axis[^"]*" title="([A-Z0-9]+)">`).FindAllStringSubmatch(page, -1)
	var refs []string
	for _, a := range axes {
		refs = append(refs, a[1])
	}
	if strings.Join(refs, ",") != "C1,A3" {
		t.Errorf("row and column headings marked %v, want C1 (2023) and A3 (ROU)", refs)
	}
	if !strings.Contains(page, "sheet &#39;Data&#39;, row &#39;ROU&#39;, column &#39;2023&#39;") || !strings.Contains(page, "table 1, cell C3") {
		t.Error("the source view does not cite the cell as printed and by grid reference")
	}
	if strings.Contains(page, "<img") {
		t.Error("a spreadsheet's view shows a page image")
	}
	get(t, h, fmt.Sprintf("/documents/%d/tables/1?row=9&col=2", doc), http.StatusNotFound)
	get(t, h, fmt.Sprintf("/documents/%d/tables/7?row=1&col=1", doc), http.StatusNotFound)
	get(t, h, fmt.Sprintf("/documents/%d/tables/1?row=x", doc), http.StatusBadRequest)
}

// A PDF figure's view draws the cell's box on the rendered page.
func TestSourceViewOfAPDFCell(t *testing.T) {
	for _, p := range []string{"pdftoppm", "pdfinfo"} {
		if _, err := exec.LookPath(p); err != nil {
			t.Skipf("%s is not installed (Debian: poppler-utils)", p)
		}
	}
	fx := seed(t)
	h := newHandler(t, fx.st, nil)
	ctx := context.Background()
	data, err := os.ReadFile("../extract/testdata/pdf/lo02-writer-unruled.pdf")
	must(t, err)
	tables, err := extract.File(ctx, "reply.pdf", data, nil)
	must(t, err)
	tb := tables[0]
	// "Theft offences", 2022: 243.
	row, col := -1, 2
	for r, cells := range tb.Rows {
		if strings.HasPrefix(cells[0].Text, "Theft offences") {
			row = r
		}
	}
	if row < 0 || tb.Rows[row][col].Text != "243" || tb.Rows[row][col].BBox == nil {
		t.Fatalf("the test PDF's table reads differently: %+v", tb.Rows)
	}
	box := tb.Rows[row][col].BBox
	f := fx.forces[0]
	inbound := receive(t, fx.st, 8001, fx.requests[f.Slug], f, "Re: figures", time.Now())
	docs, err := fx.st.SaveDocuments(ctx, inbound, []store.Document{{Filename: "reply.pdf", ContentType: "application/pdf", Data: data, Path: "reply.pdf"}})
	must(t, err)
	cells, err := json.Marshal(tb.Rows)
	must(t, err)
	must(t, fx.st.SaveTables(ctx, docs[0], []store.ExtractedTable{{Index: 1, Method: string(tb.Method), Page: tb.Source.Page,
		HeaderRows: tb.HeaderRows, NRows: len(tb.Rows), NCols: len(tb.Rows[0]), Confidence: tb.Confidence, Cells: cells}}))

	page := get(t, h, fmt.Sprintf("/documents/%d/tables/1?row=%d&col=%d", docs[0], row, col), http.StatusOK)
	if want := fmt.Sprintf("page %d, row &#39;Theft offences&#39;, column &#39;2022&#39;", tb.Source.Page); !strings.Contains(page, want) {
		t.Errorf("the PDF cell is not cited as %q", want)
	}
	img := regexp.MustCompile(`<img src="(/documents/\d+/pages/\d+\.png)"[^>]*data-points="([0-9.]+) ([0-9.]+)"`).FindStringSubmatch(page)
	rect := regexp.MustCompile(`<rect class="cell-box" x="([0-9.]+)" y="([0-9.]+)" width="([0-9.]+)" height="([0-9.]+)"`).FindStringSubmatch(page)
	if img == nil || rect == nil {
		t.Fatalf("no page image with the cell's box:\n%s", page)
	}
	num := func(s string) float64 { v, _ := strconv.ParseFloat(s, 64); return v }
	wpt, hpt := num(img[2]), num(img[3])
	if math.Abs(num(rect[1])-(box.X0-boxPad)) > 0.01 || math.Abs(num(rect[2])-(hpt-box.Y1-boxPad)) > 0.01 ||
		math.Abs(num(rect[3])-(box.X1-box.X0+2*boxPad)) > 0.01 || math.Abs(num(rect[4])-(box.Y1-box.Y0+2*boxPad)) > 0.01 {
		t.Errorf("box %v on a %gx%g page, want the cell's %+v with the origin at the top", rect[1:], wpt, hpt, box)
	}
	rec := do(t, h, local("GET", img[1], nil))
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "image/png" {
		t.Fatalf("page image: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	im, err := png.Decode(bytes.NewReader(rec.Body.Bytes()))
	must(t, err)
	if w := float64(im.Bounds().Dx()); math.Abs(w-wpt*pageDPI/72) > 2 {
		t.Errorf("page rendered %v pixels wide, want %v (%gpt at %d dpi)", w, wpt*pageDPI/72, wpt, pageDPI)
	}
	// The pixels inside the box hold ink: the figure is where the box is.
	scale := float64(pageDPI) / 72
	dark := 0
	for y := int((hpt - box.Y1) * scale); y < int((hpt-box.Y0)*scale); y++ {
		for x := int(box.X0 * scale); x < int(box.X1*scale); x++ {
			r, g, b, _ := im.At(x, y).RGBA()
			if r+g+b < 3*0x8000 {
				dark++
			}
		}
	}
	if dark < 10 {
		t.Errorf("%d dark pixels inside the box: the box is not on the figure", dark)
	}
	get(t, h, fmt.Sprintf("/documents/%d/pages/99.png", docs[0]), http.StatusNotFound)
}
