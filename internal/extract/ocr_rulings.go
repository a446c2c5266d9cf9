package extract

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	"github.com/foidesk/foidesk/internal/extract/pdf"
)

// A scanned grid has no drawn lines for the ruled-table finder to use, and
// its lines get in Tesseract's way (read as "|" or "_", or joining the
// words they touch). scanRulings finds them in the rendered page — long,
// thin runs of dark pixels — and returns them as rulings; eraseRulings
// whitens them before the page is read.

const (
	rulingDark     = 200  // gray level below which a pixel is ink (thin lines scan light)
	rulingMinInch  = 0.3  // shortest run taken for a line
	rulingMaxInch  = 0.04 // thickest band taken for a line (thicker is a filled box)
	rulingGapPixel = 2    // gaps in a run up to this many pixels are bridged (scanner noise)
)

// pixelRuling is a line found in the image, in pixels: for a horizontal one
// a band of rows y0..y1 spanning columns x0..x1, for a vertical one the
// converse.
type pixelRuling struct {
	horizontal     bool
	x0, y0, x1, y1 int // inclusive
}

// toGray returns img as 8-bit gray.
func toGray(img image.Image) *image.Gray {
	if g, ok := img.(*image.Gray); ok {
		return g
	}
	g := image.NewGray(img.Bounds())
	draw.Draw(g, g.Bounds(), img, img.Bounds().Min, draw.Src)
	return g
}

// scanRulings finds the horizontal and vertical lines of a page rendered
// at dpi.
func scanRulings(g *image.Gray, dpi float64) []pixelRuling {
	minLen := max(int(rulingMinInch*dpi), 8)
	maxThick := max(int(rulingMaxInch*dpi), 2)
	b := g.Bounds()
	w, h := b.Dx(), b.Dy()
	dark := func(x, y int) bool { return g.Pix[y*g.Stride+x] < rulingDark }
	var out []pixelRuling
	// runs finds the long dark runs along one line of pixels.
	type run struct{ a, b int }
	runs := func(n int, at func(i int) bool) []run {
		var rs []run
		start, gap := -1, 0
		for i := 0; i <= n; i++ {
			if i < n && at(i) {
				if start < 0 {
					start = i
				}
				gap = 0
				continue
			}
			if start >= 0 && i < n && gap < rulingGapPixel {
				gap++
				continue
			}
			if start >= 0 {
				end := i - 1 - gap
				if end-start+1 >= minLen {
					rs = append(rs, run{start, end})
				}
			}
			start, gap = -1, 0
		}
		return rs
	}
	// bands merges the runs of consecutive lines that overlap into one
	// ruling, kept when it is thin enough to be a line.
	bands := func(lines int, along func(l int) []run, horizontal bool) {
		type open struct {
			r        run
			from, to int
		}
		var cur []open
		flush := func(o open) {
			if o.to-o.from+1 > maxThick {
				return
			}
			if horizontal {
				out = append(out, pixelRuling{true, o.r.a, o.from, o.r.b, o.to})
			} else {
				out = append(out, pixelRuling{false, o.from, o.r.a, o.to, o.r.b})
			}
		}
		for l := 0; l <= lines; l++ {
			var rs []run
			if l < lines {
				rs = along(l)
			}
			var next []open
			used := make([]bool, len(rs))
			for _, o := range cur {
				merged := false
				for i, r := range rs {
					if !used[i] && r.a <= o.r.b && r.b >= o.r.a {
						used[i] = true
						merged = true
						next = append(next, open{run{min(o.r.a, r.a), max(o.r.b, r.b)}, o.from, l})
						break
					}
				}
				if !merged {
					flush(o)
				}
			}
			for i, r := range rs {
				if !used[i] {
					next = append(next, open{r, l, l})
				}
			}
			cur = next
		}
	}
	bands(h, func(y int) []run { return runs(w, func(x int) bool { return dark(x, y) }) }, true)
	bands(w, func(x int) []run { return runs(h, func(y int) bool { return dark(x, y) }) }, false)
	return out
}

// eraseRulings whitens the rulings, with a pixel to spare on each side.
func eraseRulings(g *image.Gray, rs []pixelRuling) {
	white := image.NewUniform(color.Gray{Y: 255})
	for _, r := range rs {
		rect := image.Rect(r.x0-1, r.y0-1, r.x1+2, r.y1+2).Intersect(g.Bounds())
		draw.Draw(g, rect, white, image.Point{}, draw.Src)
	}
}

// pdfRulings converts rulings in pixels to display space (points from the
// bottom left) of a page of height pageH, at sx, sy points per pixel.
func pdfRulings(rs []pixelRuling, sx, sy, pageH float64) []pdf.Ruling {
	out := make([]pdf.Ruling, 0, len(rs))
	for _, r := range rs {
		if r.horizontal {
			y := pageH - (float64(r.y0+r.y1+1)/2)*sy
			out = append(out, pdf.Ruling{X0: float64(r.x0) * sx, Y0: y, X1: float64(r.x1+1) * sx, Y1: y,
				Width: float64(r.y1-r.y0+1) * sy})
		} else {
			x := (float64(r.x0+r.x1+1) / 2) * sx
			out = append(out, pdf.Ruling{X0: x, Y0: pageH - float64(r.y1+1)*sy, X1: x, Y1: pageH - float64(r.y0)*sy,
				Width: float64(r.x1-r.x0+1) * sx})
		}
	}
	return out
}

// A page fed askew breaks its grid's lines into steps no run finds, and
// slants its rows. deskew finds the slant of the page's lines of ink and
// turns the image straight, so that positions in it stay those of the page
// to within the turn about its centre.

const (
	skewMaxDegrees = 4    // steeper than this is not a skewed scan
	skewMinDegrees = 0.05 // less is left alone
)

// deskew returns g turned straight, and whether it was turned.
func deskew(g *image.Gray) (*image.Gray, bool) {
	a := estimateSkew(g)
	if math.Abs(a) < skewMinDegrees*math.Pi/180 {
		return g, false
	}
	return rotateGray(g, a), true
}

// estimateSkew returns the angle (radians) the page's lines of ink run at:
// the angle whose projection of the dark pixels across it is sharpest
// (largest sum of squared bin counts), searched coarse then fine.
func estimateSkew(g *image.Gray) float64 {
	b := g.Bounds()
	var xs, ys []float64
	// Every row: sampling every other row would favour the level angle,
	// which alone keeps the samples in every other bin.
	for y := 0; y < b.Dy(); y++ {
		row := g.Pix[y*g.Stride:]
		for x := 0; x < b.Dx(); x += 2 {
			if row[x] < 128 {
				xs, ys = append(xs, float64(x)), append(ys, float64(y))
			}
		}
	}
	if len(xs) < 100 {
		return 0
	}
	h := float64(b.Dx() + b.Dy())
	bins := make([]float64, int(2*h)+2)
	score := func(a float64) float64 {
		clear(bins)
		sin, cos := math.Sin(a), math.Cos(a)
		for i := range xs {
			v := ys[i]*cos - xs[i]*sin + h
			bins[int(v)]++
		}
		s := 0.0
		for _, c := range bins {
			s += c * c
		}
		return s
	}
	// search returns the middle of the angles scoring within a hair of
	// the best: near level, several angles leave every line in the same
	// bins, and the first of them would lean the answer one way.
	search := func(from, to, step float64) float64 {
		var as, scores []float64
		best := -1.0
		for i := 0; from+float64(i)*step <= to+step/2; i++ {
			a := from + float64(i)*step
			sc := score(a)
			as, scores = append(as, a), append(scores, sc)
			best = math.Max(best, sc)
		}
		sum, n := 0.0, 0
		for i, sc := range scores {
			if sc >= best*(1-1e-4) {
				sum, n = sum+as[i], n+1
			}
		}
		return sum / float64(n)
	}
	deg := math.Pi / 180
	coarse := search(-skewMaxDegrees*deg, skewMaxDegrees*deg, 0.25*deg)
	return search(coarse-0.25*deg, coarse+0.25*deg, 0.02*deg)
}

// rotateGray turns g by rad about its centre: each pixel of the result is
// the source pixel at its position turned by rad (nearest), white where
// that falls outside. A line of the source running at rad comes out level.
func rotateGray(g *image.Gray, rad float64) *image.Gray {
	b := g.Bounds()
	out := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	cx, cy := float64(b.Dx())/2, float64(b.Dy())/2
	sin, cos := math.Sin(rad), math.Cos(rad)
	for y := 0; y < b.Dy(); y++ {
		dy := float64(y) - cy
		for x := 0; x < b.Dx(); x++ {
			dx := float64(x) - cx
			sx, sy := int(math.Round(cos*dx-sin*dy+cx)), int(math.Round(sin*dx+cos*dy+cy))
			v := uint8(255)
			if sx >= 0 && sy >= 0 && sx < b.Dx() && sy < b.Dy() {
				v = g.Pix[sy*g.Stride+sx]
			}
			out.Pix[y*out.Stride+x] = v
		}
	}
	return out
}

// rotateQuarter turns g by k quarter turns clockwise, as seen.
func rotateQuarter(g *image.Gray, k int) *image.Gray {
	k = ((k % 4) + 4) % 4
	b := g.Bounds()
	w, h := b.Dx(), b.Dy()
	if k == 0 {
		return g
	}
	ow, oh := w, h
	if k%2 == 1 {
		ow, oh = h, w
	}
	out := image.NewGray(image.Rect(0, 0, ow, oh))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var nx, ny int
			switch k {
			case 1:
				nx, ny = h-1-y, x
			case 2:
				nx, ny = w-1-x, h-1-y
			case 3:
				nx, ny = y, w-1-x
			}
			out.Pix[ny*out.Stride+nx] = g.Pix[y*g.Stride+x]
		}
	}
	return out
}
