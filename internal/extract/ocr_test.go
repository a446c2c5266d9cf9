package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/foidesk/foidesk/internal/extract/pdf"
	"github.com/foidesk/foidesk/internal/pdfwrite"
)

// needOCR skips a test on a machine without the OCR programs; make test
// installs them (scripts/deps.sh test).
func needOCR(t *testing.T) {
	t.Helper()
	if _, err := findOCR(); err != nil {
		t.Skipf("OCR not available: %v (Debian: apt-get install poppler-utils tesseract-ocr)", err)
	}
}

// scan prints a PDF and scans it back: every page rendered at dpi, saved
// as a JPEG of the given quality, and each image made the whole of a page
// of an image-only PDF — what a force's scanner produces.
func scan(t *testing.T, src []byte, dpi, quality int) []byte {
	return scanSkewed(t, src, dpi, quality, 0, 0)
}

// scanSkewed is scan with the paper fed askew by degrees, and turned by
// quarter turns clockwise.
func scanSkewed(t *testing.T, src []byte, dpi, quality int, degrees float64, quarters int) []byte {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, src, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-r", fmt.Sprint(dpi), "-gray", "-png", in, filepath.Join(dir, "p")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	pngs, _ := filepath.Glob(filepath.Join(dir, "p-*.png"))
	if len(pngs) == 0 {
		t.Fatal("pdftoppm rendered no pages")
	}
	var pages []scannedPage
	for _, name := range pngs {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if degrees != 0 {
			img = rotateGray(toGray(img), degrees*math.Pi/180)
		}
		if quarters != 0 {
			img = rotateQuarter(toGray(img), quarters)
		}
		var jb bytes.Buffer
		if err := jpeg.Encode(&jb, img, &jpeg.Options{Quality: quality}); err != nil {
			t.Fatal(err)
		}
		b := img.Bounds()
		pages = append(pages, scannedPage{jpeg: jb.Bytes(), w: b.Dx(), h: b.Dy(),
			gray: img.ColorModel() == image.NewGray(image.Rect(0, 0, 1, 1)).ColorModel(),
			wpt:  float64(b.Dx()) * 72 / float64(dpi), hpt: float64(b.Dy()) * 72 / float64(dpi)})
	}
	return imagePDF(pages)
}

type scannedPage struct {
	jpeg     []byte
	w, h     int
	gray     bool
	wpt, hpt float64
}

// imagePDF writes a PDF whose every page is one JPEG image and nothing else.
func imagePDF(pages []scannedPage) []byte {
	kids := make([]string, len(pages))
	for i := range pages {
		kids[i] = fmt.Sprintf("%d 0 R", 3+3*i)
	}
	objs := []pdfwrite.Object{
		{Dict: "<< /Type /Catalog /Pages 2 0 R >>"},
		{Dict: fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(pages))},
	}
	for i, p := range pages {
		img, content := 4+3*i, 5+3*i
		cs := "/DeviceRGB"
		if p.gray {
			cs = "/DeviceGray"
		}
		objs = append(objs,
			pdfwrite.Object{Dict: fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Resources << /XObject << /Im0 %d 0 R >> >> /Contents %d 0 R >>",
				p.wpt, p.hpt, img, content)},
			pdfwrite.Stream(fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s /BitsPerComponent 8 /Filter /DCTDecode",
				p.w, p.h, cs), p.jpeg),
			pdfwrite.Stream("", []byte(fmt.Sprintf("q %.2f 0 0 %.2f 0 0 cm /Im0 Do Q", p.wpt, p.hpt))))
	}
	return pdfwrite.Write(objs)
}

// TestOCRScannedCorpus prints single-page documents of the PDF corpus,
// scans them back at 200 dpi as JPEGs, and reads them by OCR: the tables
// must come back cell for cell, marked as read by OCR.
func TestOCRScannedCorpus(t *testing.T) {
	needOCR(t)
	if testing.Short() {
		t.Skip("OCR takes seconds a page")
	}
	const minF1 = 0.97 // reached: 0.981
	// (Not the corpus's CID-font files: poppler cannot draw their
	// non-embedded fonts, so there is nothing to scan.)
	files := map[string]bool{"w01-std14-unruled.pdf": true, "lo01-writer-ruled-spans.pdf": true,
		"lo02-writer-unruled.pdf": true, "lo03-writer-multipage.pdf": true, "lo04-calc-ruled-wide.pdf": true,
		"lo05-calc-unruled.pdf": true, "w06-two-tables.pdf": true}
	var total cellCounts
	for _, c := range loadPDFCases(t) {
		if !files[c.File] {
			continue
		}
		delete(files, c.File)
		src, err := os.ReadFile(filepath.Join(pdfCorpus, c.File))
		if err != nil {
			t.Fatal(err)
		}
		scanned := scan(t, src, 200, 75)
		if dir := os.Getenv("FOIDESK_OCR_SCANS"); dir != "" { // a directory, to look at the scans
			if err := os.WriteFile(filepath.Join(dir, c.File), scanned, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		tables, err := File(context.Background(), c.File, scanned, nil)
		if err != nil {
			t.Errorf("%s: %v", c.File, err)
		}
		for i, tb := range tables {
			if tb.Method != MethodOCR || tb.Confidence > baseConfidence(MethodOCR) ||
				!strings.Contains(strings.Join(tb.Reasons, " "), "read by OCR") {
				t.Errorf("%s table %d: method %s, confidence %.2f, reasons %q: not marked as read by OCR",
					c.File, i+1, tb.Method, tb.Confidence, tb.Reasons)
			}
		}
		n := scoreCase(t, c, tables)
		t.Logf("%-32s %d tables (want %d) P %.3f R %.3f", c.File, len(tables), len(c.Tables), n.precision(), n.recall())
		total.add(n)
	}
	if len(files) > 0 {
		t.Fatalf("corpus files missing: %v", files)
	}
	f1 := total.f1()
	t.Logf("scanned corpus: %d expected cells, %d read, %d correct: precision %.4f recall %.4f F1 %.4f",
		total.want, total.got, total.tp, total.precision(), total.recall(), f1)
	if f1 < minF1 {
		t.Errorf("cell F1 %.4f below %.2f", f1, minF1)
	}
}

// A page fed askew still reads: TestOCRSkewed scans a ruled and an
// unruled letter turned by a degree either way.
func TestOCRSkewed(t *testing.T) {
	needOCR(t)
	if testing.Short() {
		t.Skip("OCR takes seconds a page")
	}
	for _, file := range []string{"w01-std14-unruled.pdf", "lo04-calc-ruled-wide.pdf"} {
		src, err := os.ReadFile(filepath.Join(pdfCorpus, file))
		if err != nil {
			t.Fatal(err)
		}
		var want [][]string
		for _, c := range loadPDFCases(t) {
			if c.File == file {
				want = readGrid(t, c.Tables[0].CSV)
			}
		}
		for _, deg := range []float64{-1, 1} {
			tables, err := File(context.Background(), file, scanSkewed(t, src, 200, 75, deg, 0), nil)
			if err != nil || len(tables) == 0 {
				t.Errorf("%s at %+.0f°: %d tables, %v", file, deg, len(tables), err)
				continue
			}
			tp, nWant, nGot := cellScore(want, tables[0].Strings())
			t.Logf("%s at %+.0f°: P %.3f R %.3f", file, deg, ratio(tp, nGot), ratio(tp, nWant))
			if r := ratio(tp, nWant); r < 0.9 {
				t.Errorf("%s at %+.0f°: recall %.3f\n%s", file, deg, r, gridDiff(want, tables[0].Strings()))
			}
		}
	}
}

// A page fed sideways or upside down is turned the right way up before it
// is read, and its cells' boxes still lie on the page as the PDF has it.
func TestOCRTurned(t *testing.T) {
	needOCR(t)
	if testing.Short() {
		t.Skip("OCR takes seconds a page")
	}
	src, err := os.ReadFile(filepath.Join(pdfCorpus, "w01-std14-unruled.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	want := readGrid(t, "w01-std14-unruled.t1.csv")
	for _, q := range []int{1, 2, 3} {
		scanned := scanSkewed(t, src, 200, 75, 0, q)
		tables, err := File(context.Background(), "turned.pdf", scanned, nil)
		if err != nil || len(tables) == 0 {
			t.Errorf("turned %d quarters: %d tables, %v", q, len(tables), err)
			continue
		}
		tp, nWant, nGot := cellScore(want, tables[0].Strings())
		t.Logf("turned %d quarters: P %.3f R %.3f", q, ratio(tp, nGot), ratio(tp, nWant))
		if r := ratio(tp, nWant); r < 0.9 {
			t.Errorf("turned %d quarters: recall %.3f\n%s", q, r, gridDiff(want, tables[0].Strings()))
		}
		// The page's MediaBox is the turned image's: every cell's box lies
		// within it.
		doc, err := pdf.Open(scanned, nil)
		if err != nil {
			t.Fatal(err)
		}
		pg, err := doc.Page(context.Background(), 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range tables[0].Rows {
			for _, c := range row {
				if b := c.BBox; b != nil && (b.X0 < -1 || b.Y0 < -1 || b.X1 > pg.Width+1 || b.Y1 > pg.Height+1) {
					t.Errorf("turned %d quarters: cell %s box %+v outside the %.0f × %.0f page", q, c.Ref, *b, pg.Width, pg.Height)
				}
			}
		}
		// The table's top left corner, turned with the paper: to the top
		// right after a quarter turn clockwise, the bottom right after a
		// half turn, the bottom left after three quarters.
		b := tables[0].Rows[0][0].BBox
		right, top := (b.X0+b.X1)/2 > pg.Width/2, (b.Y0+b.Y1)/2 > pg.Height/2
		if wantRight, wantTop := q != 3, q == 1; right != wantRight || top != wantTop {
			t.Errorf("turned %d quarters: the first cell is at %+v on a %.0f × %.0f page (right %v, top %v), want right %v, top %v",
				q, *b, pg.Width, pg.Height, right, top, wantRight, wantTop)
		}
	}
}

// Without OCR (disabled, or not installed) a scanned page is reported, not
// read, and the document's other pages still give their tables.
func TestOCRDisabledReportsScannedPages(t *testing.T) {
	needOCR(t) // scan renders with pdftoppm
	src, err := os.ReadFile(filepath.Join(pdfCorpus, "w01-std14-unruled.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	tables, err := File(context.Background(), "scan.pdf", scan(t, src, 100, 60), &Options{DisableOCR: true})
	var pe PageErrors
	if !errors.As(err, &pe) || len(pe.Pages(ErrNeedsOCR)) != 1 || len(tables) != 0 {
		t.Errorf("tables %d, err %v: want page 1 reported as needing OCR", len(tables), err)
	}
}

func TestCleanOCRWord(t *testing.T) {
	for in, want := range map[string]string{".": "", "‘": "", "743,": "743", "32.": "32", "2,161": "2,161",
		"12.5": "12.5", "-": "-", "*": "*", "Nationality": "Nationality", "etc.": "etc.", " 5 ": "5"} {
		if got := cleanOCRWord(in); got != want {
			t.Errorf("cleanOCRWord(%q) = %q, want %q", in, got, want)
		}
	}
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }

func TestParseTesseractTSV(t *testing.T) {
	tsv := "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n" +
		"4\t1\t1\t1\t1\t0\t100\t200\t500\t40\t-1\t\n" +
		"5\t1\t1\t1\t1\t1\t100\t205\t80\t30\t96.5\tTheft\n" +
		"5\t1\t1\t1\t1\t2\t190\t210\t20\t25\t91\t|\n" + // a ruling read as a bar
		"5\t1\t1\t1\t1\t3\t400\t204\t60\t31\t62.25\t4S6\n" +
		"5\t1\t1\t1\t1\t4\t480\t204\t60\t31\t-1\t\n"
	words, err := parseTesseractTSV([]byte(tsv))
	if err != nil {
		t.Fatal(err)
	}
	if len(words) != 2 || words[0].text != "Theft" || words[1].text != "4S6" || words[1].conf != 62.25 {
		t.Fatalf("words %+v", words)
	}
	for _, w := range words {
		if w.top != 200 || w.height != 40 {
			t.Errorf("%q: top %v height %v, want its line's 200 and 40", w.text, w.top, w.height)
		}
	}
	gs := ocrGlyphs(words, 0.24, 0.24, 842) // 300 dpi
	if len(gs) != 4 || !gs[1].Space || !gs[3].Space {
		t.Fatalf("glyphs %+v", gs)
	}
	size := gs[0].Size
	if g := gs[0]; !near(g.X0, 24) || !near(g.X1, 43.2) || !near(g.Y1, 842-200*0.24) || !near(g.BaseY, 842-232*0.24) || !near(size, 40*0.24) {
		t.Errorf("first glyph %+v size %v: not in points from the bottom left", g, size)
	}
	if d := gs[0].BaseY - gs[2].BaseY; d > 0.3*size || d < -0.3*size {
		t.Errorf("words of one line on baselines %.1f and %.1f: too far apart to read as one row", gs[0].BaseY, gs[2].BaseY)
	}
	if _, err := parseTesseractTSV([]byte("Error: no such file\n")); err == nil {
		t.Error("non-TSV output accepted")
	}
}

// estimateSkew finds the slant of lines of ink to a twentieth of a degree,
// and rotateGray with it levels them.
func TestEstimateSkew(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 1200, 1600))
	for i := range g.Pix {
		g.Pix[i] = 255
	}
	// Rows of "text": dashes on lines 40 pixels apart, with gaps.
	for y := 100; y < 1500; y += 40 {
		for x := 100; x < 1100; x++ {
			if (x/30)%4 != 3 {
				for d := range 6 {
					g.Pix[(y+d)*g.Stride+x] = 0
				}
			}
		}
	}
	for _, deg := range []float64{-2.5, -1, -0.3, 0, 0.7, 1.5, 3} {
		skewed := rotateGray(g, -deg*math.Pi/180)
		got := estimateSkew(skewed) * 180 / math.Pi
		if math.Abs(got-deg) > 0.05 {
			t.Errorf("skewed by %.2f°: estimated %.3f°", deg, got)
		}
	}
}

func TestOCRResolution(t *testing.T) {
	for _, c := range []struct{ image, want float64 }{{0, 300}, {200, 200}, {300, 300}, {600, 400}, {100, 200}, {72, 144}} {
		if got := ocrResolution(c.image); got != c.want {
			t.Errorf("ocrResolution(%v) = %v, want %v", c.image, got, c.want)
		}
	}
}
