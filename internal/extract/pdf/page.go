package pdf

import "math"

// matrix is a PDF transformation matrix [a b c d e f].
type matrix [6]float64

var identity = matrix{1, 0, 0, 1, 0, 0}

// mul returns m × n (apply m, then n).
func (m matrix) mul(n matrix) matrix {
	return matrix{
		m[0]*n[0] + m[1]*n[2],
		m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2],
		m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4],
		m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

// box maps the box with corners (x0, y0) and (x1, y1) by m, a turn or
// scale, and returns it with its corners in order again.
func (m matrix) box(x0, y0, x1, y1 float64) (float64, float64, float64, float64) {
	ax, ay := m.apply(x0, y0)
	bx, by := m.apply(x1, y1)
	return math.Min(ax, bx), math.Min(ay, by), math.Max(ax, bx), math.Max(ay, by)
}

func (m matrix) apply(x, y float64) (float64, float64) {
	return x*m[0] + y*m[2] + m[4], x*m[1] + y*m[3] + m[5]
}

func (m matrix) invert() (matrix, bool) {
	det := m[0]*m[3] - m[1]*m[2]
	if math.Abs(det) < 1e-12 {
		return identity, false
	}
	a, b, c, d := m[3]/det, -m[1]/det, -m[2]/det, m[0]/det
	return matrix{a, b, c, d, -(m[4]*a + m[5]*c), -(m[4]*b + m[5]*d)}, true
}

// scale returns the mean length of the unit vectors under m.
func (m matrix) scale() float64 {
	return (math.Hypot(m[0], m[1]) + math.Hypot(m[2], m[3])) / 2
}

// Glyph is one shown character, in display space: points, origin at the
// bottom-left corner of the page as displayed (after /Rotate and, when
// most text runs sideways, after turning the page so that it reads
// upright).
type Glyph struct {
	Text           string
	X0, Y0, X1, Y1 float64 // bounding box (font ascent to descent)
	BaseY          float64 // baseline
	Size           float64 // font size in display space
	Upright        bool    // reads left to right
	// Dir is the glyph's reading direction in quarter turns from upright:
	// 0 left to right, 1 upwards, 2 upside down, 3 downwards, 4 other.
	Dir   int8
	Space bool // white space
	Bold  bool
	// Cut is set when the clipping path cuts the glyph short at its end
	// in reading order: the text it belongs to runs on, unseen, beyond
	// the clip (a spreadsheet cell too narrow for its text). The box is
	// trimmed to the clip.
	Cut bool
	// Invisible is set for text drawn in rendering mode 3 or 7, which
	// paints nothing: the text layer a scanner's OCR lays over the page
	// image, or text hidden from the reader.
	Invisible bool
}

// Ruling is a horizontal or vertical line segment in display space.
// Horizontal rulings have Y0 == Y1 and X0 < X1; vertical ones X0 == X1 and
// Y0 < Y1.
type Ruling struct {
	X0, Y0, X1, Y1 float64
	Width          float64
}

// Horizontal reports whether r is horizontal.
func (r Ruling) Horizontal() bool { return r.Y0 == r.Y1 }

// Box is an axis-aligned rectangle in display space.
type Box struct{ X0, Y0, X1, Y1 float64 }

// Page is the interpreted content of one page.
type Page struct {
	Number        int
	Width, Height float64 // display size
	Rotate        int     // /Rotate plus any turn applied to make text upright
	Glyphs        []Glyph
	Rulings       []Ruling
	Fills         []Box // filled (non-white) rectangles too large to be rulings
	Images        []Box // placed images
	// ImageDPI is the resolution of the sharpest image on the page, in
	// pixels per inch as placed (0 when unknown): the resolution a
	// scanned page is best read at.
	ImageDPI float64
	Ops      int // content operators executed

	base     matrix // user space → display space
	toUser   matrix
	turn     int // extra quarter turns applied in finish
	dirs     [5]int
	glyphDir []int8
}

func newPage(n int, ref pageRef) *Page {
	x0, y0, x1, y1 := ref.box[0], ref.box[1], ref.box[2], ref.box[3]
	w, h := x1-x0, y1-y0
	p := &Page{Number: n, Rotate: ref.rotate}
	switch ref.rotate {
	case 90:
		p.base = matrix{0, -1, 1, 0, -y0, x1}
		p.Width, p.Height = h, w
	case 180:
		p.base = matrix{-1, 0, 0, -1, x1, y1}
		p.Width, p.Height = w, h
	case 270:
		p.base = matrix{0, 1, -1, 0, y1, -x0}
		p.Width, p.Height = h, w
	default:
		p.base = matrix{1, 0, 0, 1, -x0, -y0}
		p.Width, p.Height = w, h
	}
	return p
}

// quarter-turn transforms of display space: turn k maps a page of size
// (w, h) so that text running in direction k reads upright.
func turnMatrix(k int, w, h float64) matrix {
	switch k {
	case 1: // text runs upwards: rotate clockwise
		return matrix{0, -1, 1, 0, 0, w}
	case 2:
		return matrix{-1, 0, 0, -1, w, h}
	case 3: // text runs downwards: rotate counter-clockwise
		return matrix{0, 1, -1, 0, h, 0}
	}
	return identity
}

// TurnQuarter turns the page by k quarter turns clockwise, as finish does
// for text that runs sideways: for a scanned page whose image reads
// upright only once turned. Positions already on the page turn with it,
// and ToUser still maps back to the PDF's own coordinates.
func (p *Page) TurnQuarter(k int) {
	if k = ((k % 4) + 4) % 4; k == 0 {
		return
	}
	p.turnQuarter(k)
	p.toUser, _ = p.base.invert()
}

// turnQuarter applies turnMatrix(k) to everything on the page.
func (p *Page) turnQuarter(k int) {
	t := turnMatrix(k, p.Width, p.Height)
	for i := range p.Glyphs {
		g := &p.Glyphs[i]
		g.X0, g.Y0, g.X1, g.Y1 = t.box(g.X0, g.Y0, g.X1, g.Y1)
	}
	for i := range p.Rulings {
		r := &p.Rulings[i]
		r.X0, r.Y0, r.X1, r.Y1 = t.box(r.X0, r.Y0, r.X1, r.Y1)
	}
	for _, bs := range []*[]Box{&p.Fills, &p.Images} {
		for i := range *bs {
			b := &(*bs)[i]
			b.X0, b.Y0, b.X1, b.Y1 = t.box(b.X0, b.Y0, b.X1, b.Y1)
		}
	}
	p.base = p.base.mul(t)
	if k%2 == 1 {
		p.Width, p.Height = p.Height, p.Width
	}
	p.turn = (p.turn + k) % 4
	p.Rotate = (p.Rotate + []int{0, 90, 180, 270}[k]) % 360
}

// finish turns the page when most glyphs run sideways, so that callers
// can assume left-to-right text, and computes the inverse transform.
func (p *Page) finish() {
	best := 0
	for k := 1; k < 4; k++ {
		if p.dirs[k] > p.dirs[best] {
			best = k
		}
	}
	if best != 0 && p.dirs[best] > p.dirs[0] {
		p.turnQuarter(best)
		for i := range p.Glyphs {
			g := &p.Glyphs[i]
			g.Upright = int(p.glyphDir[i]) == best
			if g.Dir < 4 {
				g.Dir = (g.Dir - int8(best) + 4) % 4
			}
			g.BaseY = g.Y0 + (g.Y1-g.Y0)*0.25
		}
	}
	p.glyphDir = nil
	p.toUser, _ = p.base.invert()
}

// ToUser maps a display-space box back to the page's default user space
// (the coordinates of the PDF file itself).
func (p *Page) ToUser(x0, y0, x1, y1 float64) (float64, float64, float64, float64) {
	return p.toUser.box(x0, y0, x1, y1)
}

// HasText reports whether the page carries any visible text.
func (p *Page) HasText() bool {
	for _, g := range p.Glyphs {
		if !g.Space && g.Text != "" {
			return true
		}
	}
	return false
}

// ImageCoverage returns the fraction of the page area covered by images
// (overlaps counted once per image).
func (p *Page) ImageCoverage() float64 {
	area := p.Width * p.Height
	if area <= 0 {
		return 0
	}
	s := 0.0
	for _, b := range p.Images {
		w := math.Min(b.X1, p.Width) - math.Max(b.X0, 0)
		h := math.Min(b.Y1, p.Height) - math.Max(b.Y0, 0)
		if w > 0 && h > 0 {
			s += w * h
		}
	}
	return math.Min(1, s/area)
}
