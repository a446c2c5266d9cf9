package pdf

import (
	"context"
	"fmt"
	"math"
	"unicode"

	lpdf "github.com/ledongthuc/pdf"
)

type gstate struct {
	ctm         matrix
	font        *font
	fontSize    float64
	tc, tw, tl  float64
	th          float64 // horizontal scaling, 1 = 100%
	rise        float64
	lineWidth   float64
	fillWhite   bool
	strokeWhite bool
	clip        Box
	clipped     bool
	render      int // text rendering mode (Tr)
}

type pt struct{ x, y float64 }

type subpath struct {
	pts    []pt
	curve  []bool // curve[i]: segment ending at pts[i] is a curve
	closed bool
}

type interp struct {
	doc   *Document
	page  *Page
	ctx   context.Context
	gs    gstate
	stack []gstate
	tm    matrix
	tlm   matrix
	res   lpdf.Value

	path        []subpath
	pendingClip bool
	lastGlyph   int // index in page.Glyphs of the text object's last visible glyph, or -1
	dec         []decoded
	ops         []operand
}

var defaultFont = &font{name: "Helvetica", std: "Helvetica", scale: 1, ascent: 750, descent: -250, codeLen: 1, enc: stdEnc}

// run interprets one content stream with the given resources and initial CTM.
func (in *interp) run(data []byte, res lpdf.Value, ctm matrix, depth int) error {
	if depth > in.doc.lim.MaxFormDepth {
		return fmt.Errorf("%w: Form XObjects nested deeper than %d", ErrLimit, in.doc.lim.MaxFormDepth)
	}
	savedRes := in.res
	in.res = res
	defer func() { in.res = savedRes }()
	if depth == 0 {
		in.gs = gstate{ctm: ctm, th: 1, lineWidth: 1}
		in.tm, in.tlm = identity, identity
	}
	l := &lexer{b: data}
	page := in.page
	for {
		v, ok := l.next()
		if !ok {
			return nil
		}
		if v.k != kOp {
			if len(in.ops) < 256 {
				in.ops = append(in.ops, v)
			}
			continue
		}
		page.Ops++
		if page.Ops > in.doc.lim.MaxOps {
			return fmt.Errorf("%w: more than %d content operators on page %d", ErrLimit, in.doc.lim.MaxOps, page.Number)
		}
		if page.Ops&4095 == 0 && in.ctx != nil {
			if err := in.ctx.Err(); err != nil {
				return err
			}
		}
		if err := in.do(v.str, in.ops, l, depth); err != nil {
			return err
		}
		in.ops = in.ops[:0]
		if len(page.Glyphs) > in.doc.lim.MaxGlyphs {
			return fmt.Errorf("%w: more than %d glyphs on page %d", ErrLimit, in.doc.lim.MaxGlyphs, page.Number)
		}
	}
}

func nums(args []operand, n int) ([]float64, bool) {
	if len(args) < n {
		return nil, false
	}
	out := make([]float64, n)
	for i, a := range args[len(args)-n:] {
		if a.k != kNum {
			return nil, false
		}
		out[i] = a.num
	}
	return out, true
}

func lastNum(args []operand) (float64, bool) {
	if len(args) == 0 || args[len(args)-1].k != kNum {
		return 0, false
	}
	return args[len(args)-1].num, true
}

func isWhiteColour(args []operand) bool {
	var vals []float64
	for _, a := range args {
		if a.k == kNum {
			vals = append(vals, a.num)
		}
	}
	switch len(vals) {
	case 1:
		return vals[0] > 0.97
	case 3:
		return vals[0] > 0.97 && vals[1] > 0.97 && vals[2] > 0.97
	case 4:
		return vals[0] < 0.03 && vals[1] < 0.03 && vals[2] < 0.03 && vals[3] < 0.03
	}
	return false
}

func (in *interp) do(op string, args []operand, l *lexer, depth int) error {
	gs := &in.gs
	switch op {
	// Graphics state.
	case "q":
		if len(in.stack) < 256 {
			in.stack = append(in.stack, *gs)
		}
	case "Q":
		if n := len(in.stack); n > 0 {
			*gs = in.stack[n-1]
			in.stack = in.stack[:n-1]
		}
	case "cm":
		if m, ok := nums(args, 6); ok {
			gs.ctm = matrix(m).mul(gs.ctm)
		}
	case "w":
		if w, ok := lastNum(args); ok {
			gs.lineWidth = w
		}
	case "g", "rg", "k", "sc", "scn":
		gs.fillWhite = isWhiteColour(args)
	case "G", "RG", "K", "SC", "SCN":
		gs.strokeWhite = isWhiteColour(args)
	case "cs":
		gs.fillWhite = false
	case "CS":
		gs.strokeWhite = false

	// Paths.
	case "m":
		if p, ok := nums(args, 2); ok {
			x, y := gs.ctm.apply(p[0], p[1])
			in.path = append(in.path, subpath{pts: []pt{{x, y}}, curve: []bool{false}})
		}
	case "l":
		if p, ok := nums(args, 2); ok {
			in.lineTo(p[0], p[1], false)
		}
	case "c":
		if p, ok := nums(args, 6); ok {
			in.lineTo(p[4], p[5], true)
		}
	case "v", "y":
		if p, ok := nums(args, 4); ok {
			in.lineTo(p[2], p[3], true)
		}
	case "h":
		if n := len(in.path); n > 0 {
			in.path[n-1].closed = true
		}
	case "re":
		if p, ok := nums(args, 4); ok {
			x, y, w, h := p[0], p[1], p[2], p[3]
			sp := subpath{closed: true, curve: []bool{false, false, false, false}}
			for _, c := range [4][2]float64{{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}} {
				dx, dy := gs.ctm.apply(c[0], c[1])
				sp.pts = append(sp.pts, pt{dx, dy})
			}
			in.path = append(in.path, sp)
		}
	case "S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "n":
		stroke := op == "S" || op == "s" || op == "B" || op == "B*" || op == "b" || op == "b*"
		fill := op == "f" || op == "F" || op == "f*" || op == "B" || op == "B*" || op == "b" || op == "b*"
		if op == "s" || op == "b" || op == "b*" {
			if n := len(in.path); n > 0 {
				in.path[n-1].closed = true
			}
		}
		in.paint(stroke, fill)
	case "W", "W*":
		in.pendingClip = true

	// Text objects and state.
	case "BT":
		in.tm, in.tlm = identity, identity
		in.lastGlyph = -1
	case "ET":
	case "Tf":
		if len(args) >= 2 && args[len(args)-2].k == kName {
			gs.font = in.loadFont(args[len(args)-2].str)
			gs.fontSize = args[len(args)-1].num
		}
	case "Tc":
		if v, ok := lastNum(args); ok {
			gs.tc = v
		}
	case "Tw":
		if v, ok := lastNum(args); ok {
			gs.tw = v
		}
	case "Tz":
		if v, ok := lastNum(args); ok {
			gs.th = v / 100
		}
	case "TL":
		if v, ok := lastNum(args); ok {
			gs.tl = v
		}
	case "Ts":
		if v, ok := lastNum(args); ok {
			gs.rise = v
		}
	case "Tr":
		if v, ok := lastNum(args); ok {
			gs.render = int(v)
		}
	case "Td":
		if p, ok := nums(args, 2); ok {
			in.td(p[0], p[1])
		}
	case "TD":
		if p, ok := nums(args, 2); ok {
			gs.tl = -p[1]
			in.td(p[0], p[1])
		}
	case "Tm":
		if m, ok := nums(args, 6); ok {
			in.tm, in.tlm = matrix(m), matrix(m)
		}
	case "T*":
		in.td(0, -gs.tl)
	case "Tj":
		if len(args) > 0 && args[len(args)-1].k == kString {
			in.show(args[len(args)-1].str)
		}
	case "'":
		in.td(0, -gs.tl)
		if len(args) > 0 && args[len(args)-1].k == kString {
			in.show(args[len(args)-1].str)
		}
	case "\"":
		if len(args) >= 3 {
			gs.tw, gs.tc = args[len(args)-3].num, args[len(args)-2].num
		}
		in.td(0, -gs.tl)
		if len(args) > 0 && args[len(args)-1].k == kString {
			in.show(args[len(args)-1].str)
		}
	case "TJ":
		if len(args) > 0 && args[len(args)-1].k == kArray {
			for _, a := range args[len(args)-1].arr {
				switch a.k {
				case kString:
					in.show(a.str)
				case kNum:
					tx := -a.num / 1000 * gs.fontSize * gs.th
					in.tm = matrix{1, 0, 0, 1, tx, 0}.mul(in.tm)
				}
			}
		}

	// XObjects and inline images.
	case "Do":
		if len(args) > 0 && args[len(args)-1].k == kName {
			return in.xobject(args[len(args)-1].str, depth)
		}
	case "ID":
		l.skipInlineImage()
		in.addImage(0, 0)
	}
	return nil
}

func (in *interp) lineTo(x, y float64, curve bool) {
	dx, dy := in.gs.ctm.apply(x, y)
	n := len(in.path)
	if n == 0 {
		in.path = append(in.path, subpath{pts: []pt{{dx, dy}}, curve: []bool{false}})
		return
	}
	sp := &in.path[n-1]
	if len(sp.pts) < 1<<14 {
		sp.pts = append(sp.pts, pt{dx, dy})
		sp.curve = append(sp.curve, curve)
	}
}

func (in *interp) td(tx, ty float64) {
	in.tlm = matrix{1, 0, 0, 1, tx, ty}.mul(in.tlm)
	in.tm = in.tlm
}

const (
	axisTol   = 0.6 // points: a segment is horizontal/vertical within this
	thinLimit = 2.6 // points: filled rectangles thinner than this are rulings
)

// paint turns the current path into rulings and fills, then applies any
// pending clip.
func (in *interp) paint(stroke, fill bool) {
	gs := &in.gs
	page := in.page
	if stroke && !gs.strokeWhite {
		lw := gs.lineWidth * gs.ctm.scale()
		if lw <= 0 {
			lw = 0.1
		}
		for _, sp := range in.path {
			n := len(sp.pts)
			for i := 1; i <= n; i++ {
				if i == n && (!sp.closed || n < 3) {
					break
				}
				a, b := sp.pts[i-1], sp.pts[i%n]
				if i < n && sp.curve[i] {
					continue
				}
				in.addSegment(a, b, lw)
			}
		}
	}
	if fill && !gs.fillWhite {
		for _, sp := range in.path {
			box, ok := axisPolygon(sp)
			if !ok {
				continue
			}
			w, h := box.X1-box.X0, box.Y1-box.Y0
			switch {
			case w <= 0.01 && h <= 0.01:
			case h <= thinLimit && w > h:
				y := (box.Y0 + box.Y1) / 2
				page.Rulings = append(page.Rulings, Ruling{box.X0, y, box.X1, y, math.Max(h, 0.1)})
			case w <= thinLimit && h > w:
				x := (box.X0 + box.X1) / 2
				page.Rulings = append(page.Rulings, Ruling{x, box.Y0, x, box.Y1, math.Max(w, 0.1)})
			default:
				if len(page.Fills) < 1<<16 {
					page.Fills = append(page.Fills, box)
				}
			}
		}
	}
	if in.pendingClip {
		in.pendingClip = false
		if b, ok := pathBox(in.path); ok {
			if gs.clipped {
				b = Box{math.Max(b.X0, gs.clip.X0), math.Max(b.Y0, gs.clip.Y0), math.Min(b.X1, gs.clip.X1), math.Min(b.Y1, gs.clip.Y1)}
			}
			gs.clip, gs.clipped = b, true
		}
	}
	in.path = in.path[:0]
	if len(page.Rulings) > 1<<18 {
		page.Rulings = page.Rulings[:1<<18]
	}
}

func (in *interp) addSegment(a, b pt, lw float64) {
	dx, dy := math.Abs(b.x-a.x), math.Abs(b.y-a.y)
	switch {
	case dx < 0.01 && dy < 0.01:
	case dy <= axisTol && dx > dy:
		y := (a.y + b.y) / 2
		in.page.Rulings = append(in.page.Rulings, Ruling{math.Min(a.x, b.x), y, math.Max(a.x, b.x), y, lw})
	case dx <= axisTol && dy > dx:
		x := (a.x + b.x) / 2
		in.page.Rulings = append(in.page.Rulings, Ruling{x, math.Min(a.y, b.y), x, math.Max(a.y, b.y), lw})
	}
}

// axisPolygon returns the box of a closed subpath whose straight segments
// are all horizontal or vertical (a rectangle drawn with re or m/l/h).
func axisPolygon(sp subpath) (Box, bool) {
	n := len(sp.pts)
	if n < 3 {
		return Box{}, false
	}
	for i := 1; i <= n; i++ {
		if i < n && sp.curve[i] {
			return Box{}, false
		}
		a, b := sp.pts[i-1], sp.pts[i%n]
		if math.Abs(a.x-b.x) > axisTol && math.Abs(a.y-b.y) > axisTol {
			return Box{}, false
		}
	}
	return pathBox([]subpath{sp})
}

func pathBox(path []subpath) (Box, bool) {
	b := Box{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, sp := range path {
		for _, p := range sp.pts {
			b.X0, b.Y0 = math.Min(b.X0, p.x), math.Min(b.Y0, p.y)
			b.X1, b.Y1 = math.Max(b.X1, p.x), math.Max(b.Y1, p.y)
		}
	}
	return b, b.X0 <= b.X1
}

func (in *interp) loadFont(name string) *font {
	fv := in.res.Key("Font").Key(name)
	if fv.Kind() != lpdf.Dict {
		return defaultFont
	}
	key := fontKey{id: objID(fv), name: name, base: fv.Key("BaseFont").Name()}
	if f, ok := in.doc.fonts[key]; ok {
		return f
	}
	f := in.doc.loadFont(fv)
	if len(in.doc.fonts) < 4096 {
		in.doc.fonts[key] = f
	}
	return f
}

// show renders a string with the current font: one Glyph per code.
func (in *interp) show(s string) {
	gs := &in.gs
	f := gs.font
	if f == nil {
		f = defaultFont
	}
	in.dec = f.decode(s, in.dec[:0])
	fs, th := gs.fontSize, gs.th
	for _, d := range in.dec {
		if d.text != "" {
			trm := matrix{fs * th, 0, 0, fs, 0, gs.rise}.mul(in.tm).mul(gs.ctm)
			in.emit(f, d, trm)
		}
		tx := (d.width/1000*fs + gs.tc) * th
		if d.space {
			tx += gs.tw * th
		}
		in.tm = matrix{1, 0, 0, 1, tx, 0}.mul(in.tm)
	}
}

func (in *interp) emit(f *font, d decoded, trm matrix) {
	w := d.width / 1000
	asc, desc := f.ascent/1000, f.descent/1000
	var xs, ys [4]float64
	for i, c := range [4][2]float64{{0, desc}, {w, desc}, {w, asc}, {0, asc}} {
		xs[i], ys[i] = trm.apply(c[0], c[1])
	}
	g := Glyph{
		Text: d.text,
		X0:   math.Min(math.Min(xs[0], xs[1]), math.Min(xs[2], xs[3])),
		X1:   math.Max(math.Max(xs[0], xs[1]), math.Max(xs[2], xs[3])),
		Y0:   math.Min(math.Min(ys[0], ys[1]), math.Min(ys[2], ys[3])),
		Y1:   math.Max(math.Max(ys[0], ys[1]), math.Max(ys[2], ys[3])),
		Size: math.Hypot(trm[2], trm[3]),
		Bold: f.bold,
		// Modes 3 and 7 neither fill nor stroke the glyphs.
		Invisible: in.gs.render == 3 || in.gs.render == 7,
	}
	_, g.BaseY = trm.apply(0, 0)
	if g.Size < 0.5 || g.Size > 500 || math.IsNaN(g.X0+g.Y0+g.X1+g.Y1) {
		return
	}
	cx, cy := (g.X0+g.X1)/2, (g.Y0+g.Y1)/2
	page := in.page
	if cx < -2 || cy < -2 || cx > page.Width+2 || cy > page.Height+2 {
		return
	}
	gs := &in.gs
	tol := math.Min(1, 0.1*g.Size)
	if gs.clipped && (cx < gs.clip.X0-tol || cx > gs.clip.X1+tol || cy < gs.clip.Y0-tol || cy > gs.clip.Y1+tol) {
		// Text running on past the right edge of the clip: the glyph
		// shown last before it ends what can be seen.
		if cx > gs.clip.X1+tol && cy >= gs.clip.Y0 && cy <= gs.clip.Y1 && trm[0] > 0 && math.Abs(trm[1]) < trm[0]*0.1 &&
			in.lastGlyph >= 0 && in.lastGlyph < len(page.Glyphs) {
			if last := &page.Glyphs[in.lastGlyph]; math.Abs(last.BaseY-g.BaseY) < 0.1*g.Size && last.X0 < g.X0 {
				last.Cut = true
			}
		}
		return
	}
	g.Space = isSpace(d.text)
	dir := 4
	bx, by := trm[0], trm[1]
	switch {
	case bx > 0 && math.Abs(by) < bx*0.1:
		dir = 0
	case by > 0 && math.Abs(bx) < by*0.1:
		dir = 1
	case bx < 0 && math.Abs(by) < -bx*0.1:
		dir = 2
	case by < 0 && math.Abs(bx) < -by*0.1:
		dir = 3
	}
	if gs.clipped && !g.Space {
		cutEnd(&g, gs.clip, dir)
	}
	g.Upright = dir == 0
	g.Dir = int8(dir)
	if !g.Space {
		page.dirs[dir]++
	}
	if !g.Space {
		in.lastGlyph = len(page.Glyphs)
	}
	page.Glyphs = append(page.Glyphs, g)
	page.glyphDir = append(page.glyphDir, int8(dir))
}

// cutEnd trims a glyph that the clip cuts short at the end of its
// reading direction and marks it Cut. Text that fits its clip (a cell
// with padding) stops short of the edge; text that reaches past it, by
// however little, was cut there, and producers leave out the glyphs
// beyond.
func cutEnd(g *Glyph, clip Box, dir int) {
	const tol = 0
	switch dir {
	case 0:
		if g.X1 > clip.X1+tol {
			g.X1, g.Cut = math.Max(clip.X1, g.X0+0.01), true
		}
	case 1:
		if g.Y1 > clip.Y1+tol {
			g.Y1, g.Cut = math.Max(clip.Y1, g.Y0+0.01), true
		}
	case 2:
		if g.X0 < clip.X0-tol {
			g.X0, g.Cut = math.Min(clip.X0, g.X1-0.01), true
		}
	case 3:
		if g.Y0 < clip.Y0-tol {
			g.Y0, g.Cut = math.Min(clip.Y0, g.Y1-0.01), true
		}
	}
}

func isSpace(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) && r != 0 {
			return false
		}
	}
	return true
}

// addImage records an image placed by the current matrix; w and h are its
// size in pixels when known.
func (in *interp) addImage(w, h int64) {
	m := in.gs.ctm
	var b Box
	b.X0, b.Y0, b.X1, b.Y1 = math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, c := range [4][2]float64{{0, 0}, {1, 0}, {1, 1}, {0, 1}} {
		x, y := m.apply(c[0], c[1])
		b.X0, b.Y0 = math.Min(b.X0, x), math.Min(b.Y0, y)
		b.X1, b.Y1 = math.Max(b.X1, x), math.Max(b.Y1, y)
	}
	if len(in.page.Images) < 1<<12 {
		in.page.Images = append(in.page.Images, b)
	}
	// Resolution from pixels per area, whichever way the image is turned.
	if area := math.Abs(m[0]*m[3]-m[1]*m[2]) / (72 * 72); w > 0 && h > 0 && area > 0 {
		in.page.ImageDPI = math.Max(in.page.ImageDPI, math.Sqrt(float64(w)*float64(h)/area))
	}
}

func (in *interp) xobject(name string, depth int) error {
	xo := in.res.Key("XObject").Key(name)
	switch xo.Key("Subtype").Name() {
	case "Image":
		in.addImage(xo.Key("Width").Int64(), xo.Key("Height").Int64())
	case "Form":
		if depth+1 > in.doc.lim.MaxFormDepth {
			return fmt.Errorf("%w: Form XObjects nested deeper than %d", ErrLimit, in.doc.lim.MaxFormDepth)
		}
		data, err := in.doc.streamBytes(xo)
		if err != nil {
			return nil // an unreadable form is skipped, the page goes on
		}
		m := identity
		if mv := xo.Key("Matrix"); mv.Len() == 6 {
			for i := range 6 {
				m[i] = num(mv.Index(i))
			}
		}
		res := xo.Key("Resources")
		if res.Kind() != lpdf.Dict {
			res = in.res
		}
		saved, savedTm, savedTlm := in.gs, in.tm, in.tlm
		savedStack := len(in.stack)
		savedPath := in.path
		in.path = nil
		in.gs.ctm = m.mul(in.gs.ctm)
		if bb := xo.Key("BBox"); bb.Len() == 4 {
			// The form's bounding box clips what it draws.
			x0, y0, x1, y1 := in.gs.ctm.box(num(bb.Index(0)), num(bb.Index(1)), num(bb.Index(2)), num(bb.Index(3)))
			b := Box{x0, y0, x1, y1}
			if x1-x0 < 1 || y1-y0 < 1 {
				b = Box{math.Inf(-1), math.Inf(-1), math.Inf(1), math.Inf(1)} // a box of no size: taken as none
			}
			if in.gs.clipped {
				c := in.gs.clip
				b = Box{math.Max(b.X0, c.X0), math.Max(b.Y0, c.Y0), math.Min(b.X1, c.X1), math.Min(b.Y1, c.Y1)}
			}
			in.gs.clip, in.gs.clipped = b, true
		}
		in.ops = in.ops[:0]
		err = in.run(data, res, in.gs.ctm, depth+1)
		in.gs, in.tm, in.tlm = saved, savedTm, savedTlm
		if len(in.stack) > savedStack {
			in.stack = in.stack[:savedStack]
		}
		in.path = savedPath
		return err
	}
	return nil
}
