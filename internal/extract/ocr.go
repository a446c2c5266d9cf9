package extract

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/foidesk/foidesk/internal/extract/pdf"
)

// Scanned pages — a page with an image and no text layer, as when a force
// prints its answer and scans it back in — are read by OCR: poppler's
// pdftoppm renders the page, Tesseract reads the words and their boxes, and
// the words are laid on the page as if they were its text, for the same
// table finding as any other page. Tables read so carry MethodOCR, a
// confidence that says how sure Tesseract was, and a reason naming the
// least certain words, so that a person checks them against the scan.
//
// Both programs are found on PATH (Debian: poppler-utils, tesseract-ocr);
// without them a scanned page is reported with ErrNeedsOCR, as before.

const (
	ocrDPI = 300
	// ocrMaxPixels bounds the rendering of one page (about A3 at 300 dpi).
	ocrMaxPixels = 5000 * 7000
	// ocrPageTimeout bounds rendering and reading one page.
	ocrPageTimeout = time.Minute
	// ocrMaxPages is how many scanned pages of one document are read.
	ocrMaxPages = 30
	// ocrDoubtful is the word confidence (0–100) below which a word is
	// named in the table's reasons.
	ocrDoubtful = 80
)

// ocrEngine runs the two programs.
type ocrEngine struct {
	pdftoppm, tesseract string
}

// findOCR returns the engine, or why there is none.
var findOCR = sync.OnceValues(func() (*ocrEngine, error) {
	var e ocrEngine
	var err error
	if e.pdftoppm, err = exec.LookPath("pdftoppm"); err != nil {
		return nil, errors.New("pdftoppm is not installed (Debian: poppler-utils)")
	}
	if e.tesseract, err = exec.LookPath("tesseract"); err != nil {
		return nil, errors.New("tesseract is not installed (Debian: tesseract-ocr)")
	}
	return &e, nil
})

// ocrSession reads the scanned pages of one document, writing the PDF to a
// temporary directory once.
type ocrSession struct {
	engine *ocrEngine
	data   []byte
	dir    string
	pages  int // pages read so far
}

func (s *ocrSession) close() {
	if s != nil && s.dir != "" {
		os.RemoveAll(s.dir)
	}
}

// ocrWordStats summarises how sure Tesseract was of a page's words.
type ocrWordStats struct {
	words    int
	meanConf float64
	doubtful []string // words below ocrDoubtful, as read
}

// read lays the words Tesseract reads on page p (which has none of its
// own) as glyphs, in p's display space.
func (s *ocrSession) read(ctx context.Context, p *pdf.Page) (ocrWordStats, error) {
	if s.pages >= ocrMaxPages {
		return ocrWordStats{}, fmt.Errorf("%w: not read, more than %d scanned pages in one document", ErrNeedsOCR, ocrMaxPages)
	}
	s.pages++
	if s.dir == "" {
		dir, err := os.MkdirTemp("", "foidesk-ocr-")
		if err != nil {
			return ocrWordStats{}, fmt.Errorf("ocr: %w", err)
		}
		s.dir = dir
		if err := os.WriteFile(filepath.Join(dir, "in.pdf"), s.data, 0o600); err != nil {
			return ocrWordStats{}, fmt.Errorf("ocr: %w", err)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, ocrPageTimeout)
	defer cancel()

	dpi := ocrResolution(p.ImageDPI)
	if px := (p.Width / 72 * dpi) * (p.Height / 72 * dpi); px > ocrMaxPixels {
		dpi *= math.Sqrt(ocrMaxPixels / px) // a page so large it would be too many pixels
	}
	prefix := filepath.Join(s.dir, "page"+strconv.Itoa(p.Number))
	render := exec.CommandContext(ctx, s.engine.pdftoppm, "-r", strconv.Itoa(int(dpi)), "-gray", "-png",
		"-f", strconv.Itoa(p.Number), "-l", strconv.Itoa(p.Number), "-singlefile", filepath.Join(s.dir, "in.pdf"), prefix)
	if out, err := render.CombinedOutput(); err != nil {
		return ocrWordStats{}, fmt.Errorf("ocr: render page: %w: %s", ctxErr(ctx, err), firstLine(out))
	}
	img := prefix + ".png"
	defer os.Remove(img)
	f, err := os.Open(img)
	if err != nil {
		return ocrWordStats{}, fmt.Errorf("ocr: %w", err)
	}
	decoded, err := png.Decode(f)
	f.Close()
	if err != nil {
		return ocrWordStats{}, fmt.Errorf("ocr: rendered page unreadable: %v", err)
	}
	gray := toGray(decoded)
	if b := gray.Bounds(); b.Dx() == 0 || b.Dy() == 0 {
		return ocrWordStats{}, errors.New("ocr: rendered page is empty")
	}
	r, err := s.readImage(ctx, gray, dpi, img)
	if err != nil {
		return ocrWordStats{}, err
	}
	// A page scanned sideways or upside down reads as little, and that
	// badly: ask Tesseract which way up it is, and read it turned.
	if r.stats.words < 10 || r.stats.meanConf < 70 {
		if turn, err := s.orientation(ctx, img); err == nil && turn != 0 {
			turned := rotateQuarter(gray, turn)
			if r2, err := s.readImage(ctx, turned, dpi, img); err == nil && r2.stats.meanConf > r.stats.meanConf {
				p.TurnQuarter(turn)
				r = r2
			}
		}
	}
	b := r.gray.Bounds()
	sx, sy := p.Width/float64(b.Dx()), p.Height/float64(b.Dy())
	p.Rulings = append(p.Rulings, pdfRulings(r.rulings, sx, sy, p.Height)...)
	p.Glyphs = ocrGlyphs(r.words, sx, sy, p.Height)
	return r.stats, nil
}

// imageReading is what Tesseract read in one image of a page.
type imageReading struct {
	gray    *image.Gray // the image as read: straightened, before its lines were whitened
	words   []ocrWord
	rulings []pixelRuling
	stats   ocrWordStats
}

// wordStats summarises how sure Tesseract was of words.
func wordStats(words []ocrWord) ocrWordStats {
	st := ocrWordStats{words: len(words)}
	for _, w := range words {
		st.meanConf += w.conf
		if w.conf < ocrDoubtful && len(st.doubtful) < 10 {
			st.doubtful = append(st.doubtful, w.text)
		}
	}
	if len(words) > 0 {
		st.meanConf /= float64(len(words))
	}
	return st
}

// readImage straightens a page image fed askew, finds its grid lines and
// whitens them, writes it to path, and has Tesseract read its words.
func (s *ocrSession) readImage(ctx context.Context, gray *image.Gray, dpi float64, path string) (*imageReading, error) {
	gray, _ = deskew(gray)
	r := &imageReading{gray: gray, rulings: scanRulings(gray, dpi)}
	clean := gray
	if len(r.rulings) > 0 {
		clean = image.NewGray(gray.Bounds())
		copy(clean.Pix, gray.Pix)
		eraseRulings(clean, r.rulings)
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("ocr: %w", err)
	}
	err = (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(f, clean)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("ocr: %w", err)
	}
	// --psm 6: one uniform block of text, which keeps each table row on
	// one line across its columns.
	out, err := s.tesseract(ctx, path, "--psm", "6", "-l", "eng", "tsv")
	if err != nil {
		return nil, err
	}
	words, err := parseTesseractTSV(out)
	if err != nil {
		return nil, fmt.Errorf("ocr: %w", err)
	}
	r.words = splitAtRulings(words, r.rulings)
	r.stats = wordStats(r.words)
	return r, nil
}

// orientation asks Tesseract how many quarter turns clockwise make the
// image at path read upright (0 when it cannot tell).
func (s *ocrSession) orientation(ctx context.Context, path string) (int, error) {
	out, err := s.tesseract(ctx, path, "--psm", "0")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "Rotate:"); ok {
			deg, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || deg%90 != 0 {
				return 0, fmt.Errorf("ocr: orientation %q", line)
			}
			return deg / 90 % 4, nil
		}
	}
	return 0, nil
}

// tesseract runs Tesseract on the image at path, printing to stdout.
func (s *ocrSession) tesseract(ctx context.Context, path string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, s.engine.tesseract, append([]string{path, "stdout"}, args...)...)
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("ocr: tesseract: %w: %s", ctxErr(ctx, err), firstLine(stderr.Bytes()))
	}
	return out, nil
}

// ocrResolution is the resolution to render a scanned page at for reading:
// the scan's own, which Tesseract reads better than a smoothed enlargement
// of it, unless that is too coarse to read at all; 300 dpi when unknown.
func ocrResolution(imageDPI float64) float64 {
	switch {
	case imageDPI >= 150:
		return math.Min(math.Round(imageDPI), 400)
	case imageDPI > 0:
		return math.Min(2*math.Round(imageDPI), ocrDPI)
	}
	return ocrDPI
}

func ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

func firstLine(b []byte) string {
	s, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	return s
}

// ocrWord is a word as Tesseract read it, in pixels from the top left.
type ocrWord struct {
	text                     string
	left, top, width, height float64
	conf                     float64 // 0–100
	line                     [3]int  // block, paragraph, line
}

type ocrLine struct{ top, height float64 }

// parseTesseractTSV reads Tesseract's TSV output: the words (level 5) with
// their boxes, and the lines (level 4) they sit on.
func parseTesseractTSV(b []byte) ([]ocrWord, error) {
	lines := map[[3]int]ocrLine{}
	var words []ocrWord
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	header := true
	for sc.Scan() {
		if header {
			header = false
			if !strings.HasPrefix(sc.Text(), "level\t") {
				return nil, fmt.Errorf("tesseract output is not TSV: %q", firstLine(sc.Bytes()))
			}
			continue
		}
		f := strings.Split(sc.Text(), "\t")
		if len(f) < 12 {
			continue
		}
		var n [10]float64
		ok := true
		for i := range n {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				ok = false
				break
			}
			n[i] = v
		}
		if !ok {
			continue
		}
		key := [3]int{int(n[2]), int(n[3]), int(n[4])}
		switch int(n[0]) {
		case 4:
			lines[key] = ocrLine{top: n[7], height: n[9]}
		case 5:
			text := cleanOCRWord(f[11])
			conf, _ := strconv.ParseFloat(f[10], 64)
			if text == "" || conf < 0 || isRuleText(text) {
				continue
			}
			words = append(words, ocrWord{text: text, left: n[6], top: n[7], width: n[8], height: n[9], conf: conf, line: key})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	// Each word sits on its line's baseline, so that a row of a table
	// reads as one line whatever its letters' shapes.
	for i := range words {
		if l, ok := lines[words[i].line]; ok {
			words[i].top, words[i].height = l.top, l.height
		}
	}
	return words, nil
}

// splitAtRulings splits the words that run across a vertical ruling: with
// the line taken out of the image, Tesseract reads the figures either side
// of it as one word ("*2,215" for "*" and "2,215"). The split falls where
// the line crosses the word, counting characters as equally wide.
func splitAtRulings(words []ocrWord, rulings []pixelRuling) []ocrWord {
	out := make([]ocrWord, 0, len(words))
	for _, w := range words {
		cut := -1.0
		for _, r := range rulings {
			x := float64(r.x0+r.x1+1) / 2
			if r.horizontal || float64(r.y1) < w.top || float64(r.y0) > w.top+w.height ||
				x < w.left+0.1*w.width || x > w.left+0.9*w.width {
				continue
			}
			cut = x
			break
		}
		runes := []rune(w.text)
		n := int(math.Round(float64(len(runes)) * (cut - w.left) / w.width))
		if cut < 0 || n <= 0 || n >= len(runes) {
			out = append(out, w)
			continue
		}
		a, b := w, w
		a.text, a.width = string(runes[:n]), cut-w.left-1
		b.text, b.left, b.width = string(runes[n:]), cut+1, w.left+w.width-cut-1
		out = append(out, splitAtRulings([]ocrWord{a}, rulings)...)
		out = append(out, splitAtRulings([]ocrWord{b}, rulings)...)
	}
	return out
}

// cleanOCRWord drops what scanning adds to a word: specks read as dots
// and commas on their own, and a stray full stop or comma after a figure
// ("743," for 743).
func cleanOCRWord(s string) string {
	s = strings.TrimSpace(s)
	if strings.Trim(s, ".,'`‘’") == "" {
		return ""
	}
	if t := strings.TrimRight(s, ".,"); t != s && t != "" && strings.Trim(t, "0123456789,") == "" {
		return t
	}
	return s
}

// isRuleText reports whether Tesseract's "word" is a drawn line it read as
// characters: the rulings of a scanned grid.
func isRuleText(s string) bool {
	return strings.Trim(s, "|_—–-=[]!Il") == "" && strings.ContainsAny(s, "|_—=[]")
}

// ocrGlyphs turns words into glyphs in display space (points, origin bottom
// left) of a page of height pageH rendered at sx, sy points per pixel: one
// glyph per word, then a space.
func ocrGlyphs(words []ocrWord, sx, sy, pageH float64) []pdf.Glyph {
	if len(words) == 0 {
		return nil
	}
	// One text size for the page: the median line height, which is close
	// to the font size of the body text.
	hs := make([]float64, 0, len(words))
	for _, w := range words {
		hs = append(hs, w.height)
	}
	slices.Sort(hs)
	size := hs[len(hs)/2] * sy
	gs := make([]pdf.Glyph, 0, 2*len(words))
	for _, w := range words {
		x0, x1 := w.left*sx, (w.left+w.width)*sx
		y1, y0 := pageH-w.top*sy, pageH-(w.top+w.height)*sy
		base := y0 + 0.2*(y1-y0) // above the descenders
		gs = append(gs,
			pdf.Glyph{Text: w.text, X0: x0, Y0: y0, X1: x1, Y1: y1, BaseY: base, Size: size, Upright: true},
			pdf.Glyph{Text: " ", X0: x1, Y0: y0, X1: x1, Y1: y1, BaseY: base, Size: size, Upright: true, Space: true})
	}
	return gs
}
