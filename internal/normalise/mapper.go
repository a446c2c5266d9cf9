package normalise

import (
	"errors"
	"fmt"
	"hash/maphash"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/foidesk/foidesk/internal/extract"
)

// cellClass is what a cell's text could be.
type cellClass struct {
	empty     bool
	value     bool // a figure or flag (not blank)
	isPeriod  bool // reads as a period
	strong    bool // a figure that cannot be a heading
	total     bool
	totalRest string
}

// axisKind says what a header row or label column holds.
type axisKind int

const (
	axisNone     axisKind = iota // nothing beyond captions and totals
	axisDim                      // the values of one dimension
	axisUnplaced                 // values of no dimension we can tell
	axisIgnored                  // dropped by the operator
)

type axis struct {
	kind   axisKind
	dim    string
	conf   float64
	reason string
}

// coord is what a row or a column contributes to a cell's place.
type coord struct {
	codes    []dimCode
	periods  *ParsedPeriod
	totalled map[string]bool
	conf     float64
	reasons  []string
	bad      bool // cannot be placed
}

// newCoord is an empty coordinate; its maps are made on first use, as most
// rows and columns place one or two dimensions.
func newCoord() coord {
	return coord{conf: 1}
}

// dimCode is a dimension's code.
type dimCode struct{ dim, code string }

func (c *coord) setCode(dim, code string) {
	for i := range c.codes {
		if c.codes[i].dim == dim {
			c.codes[i].code = code
			return
		}
	}
	c.codes = append(c.codes, dimCode{dim, code})
}

func (c *coord) code(dim string) (string, bool) {
	for _, dc := range c.codes {
		if dc.dim == dim {
			return dc.code, true
		}
	}
	return "", false
}

func (c *coord) setTotalled(dim string) {
	if c.totalled == nil {
		c.totalled = make(map[string]bool, 2)
	}
	c.totalled[dim] = true
}

func (c *coord) lower(conf float64, reason string) {
	c.conf = min(c.conf, conf)
	if conf < 1 {
		c.reasons = addUnique(c.reasons, reason)
	}
}

// lowerMatch lowers the coordinate by a vocabulary match, spelling out the
// reason only when it is kept.
func (c *coord) lowerMatch(text string, mt Match) {
	if mt.Confidence < 1 {
		c.lower(mt.Confidence, fmt.Sprintf("%q: %s", text, mt.Reason))
		return
	}
	c.lower(mt.Confidence, "")
}

// constant is a dimension's value for a whole table or section.
type constant struct {
	code   string
	period *ParsedPeriod
	conf   float64
	reason string
}

// Kinds of body row.
const (
	rowData   = iota
	rowNote   // a note inside or below the table
	rowRepeat // the heading again, after a page break
	rowSingle // one text and no figures: a section heading or a label with blank figures
)

type pendingTotal struct {
	obs      Observation
	totalled map[string]bool
}

type mapper struct {
	t    *extract.Table
	s    *Schema
	ov   Overrides
	pdim string
	dims map[string]*dimMatcher
	// order is the schema's dimension order.
	order []string

	rows, cols []int // original positions of the grid's rows and columns
	g          [][]string
	cells      [][]*extract.Cell
	classes    map[string]cellClass
	hasMerges  bool

	H, L      int
	titles    []string
	headAxes  []axis // one per header row
	labelAxes []axis // one per label column
	colIgnore map[int]bool
	consts    map[string]constant
	colCoord  []coord

	rowKinds []int
	captions map[string]bool
	obs      []Observation
	totals   []pendingTotal
	res      Result
	reviewed map[string]bool
	minConf  float64

	// Per-table memos of pure readings, by text.
	keys        map[string]string
	measure     *measureMatcher
	isAssigned  map[string]bool // dimensions read from an axis, once the axes are known
	assignedAt  []bool          // the same by position in order
	dimNames    []string        // the dimensions an observation's Dims holds, sorted
	numbers     []float64       // backing store for observations' values
	reasons     []string        // backing store for observations' reasons
	distinctBuf []string
}

func newMapper(t *extract.Table, s *Schema, o *Options) *mapper {
	// The per-text memos are sized for the table's headings and labels;
	// figures make them grow only when they are many and varied.
	hint := min(t.NumRows()+t.NumCols(), 1<<14)
	m := &mapper{t: t, s: s, dims: map[string]*dimMatcher{}, classes: make(map[string]cellClass, hint+64),
		colIgnore: map[int]bool{}, captions: make(map[string]bool, hint), consts: map[string]constant{}, reviewed: map[string]bool{}, minConf: 1,
		keys: make(map[string]string, hint)}
	if o.Overrides != nil {
		m.ov = *o.Overrides
	}
	for _, d := range s.Dimensions {
		dm := newDimMatcher(d, m.ov.Values[d.Name])
		dm.keys = m.keys
		dm.decided = make(map[string]bool, hint)
		if d.Kind != DimPeriod {
			dm.cache = make(map[string]Match, hint)
		}
		m.dims[d.Name] = dm
		m.order = append(m.order, d.Name)
		if d.Kind == DimPeriod {
			m.pdim = d.Name
		} else {
			m.dimNames = append(m.dimNames, d.Name)
		}
	}
	slices.Sort(m.dimNames)
	return m
}

// key is key(text), remembered for the table.
func (m *mapper) key(text string) string {
	if k, ok := m.keys[text]; ok {
		return k
	}
	k := key(text)
	m.keys[text] = k
	return k
}

// measureHeader reports whether a heading names the measure.
func (m *mapper) measureHeader(text string) bool {
	if m.measure == nil {
		m.measure = newMeasureMatcher(m.s.Measure)
	}
	return m.measure.matchKey(m.key(text))
}

func (m *mapper) review(format string, a ...any) {
	r := fmt.Sprintf(format, a...)
	if !m.reviewed[r] {
		m.reviewed[r] = true
		m.res.ReviewReasons = append(m.res.ReviewReasons, r)
	}
}

func (m *mapper) decide(d Decision) {
	m.res.Decisions = append(m.res.Decisions, d)
}

// lowerTable records a table-wide doubt (an axis or constant).
func (m *mapper) lowerTable(c float64) { m.minConf = min(m.minConf, c) }

func (m *mapper) class(text string) cellClass {
	if len(text) != 4 && len(text) <= maxValueText && allDigits(text) {
		// A plain count: a figure, and neither a period (only four digits
		// can be a year) nor a total.
		return cellClass{value: true, strong: true}
	}
	if c, ok := m.classes[text]; ok {
		return c
	}
	c := cellClass{empty: text == ""}
	if !c.empty {
		c.value = isFigure(text)
		_, c.isPeriod = m.dims[m.pdim].readPeriod(text)
		c.strong = c.value && !c.isPeriod
		if mayBeTotal(text) {
			c.total, c.totalRest = totalOfKey(text, m.key(text))
		}
		if c.total && c.value {
			c.total = false
		}
	}
	m.classes[text] = c
	return c
}

// ref names an original grid position.
func (m *mapper) ref(r, c int) string {
	if cell := m.cellAt(r, c); cell != nil && cell.Ref != "" {
		return cell.Ref
	}
	return fmt.Sprintf("r%dc%d", r+1, c+1)
}

func (m *mapper) cellAt(r, c int) *extract.Cell {
	if r < 0 || r >= len(m.t.Rows) || c < 0 || c >= len(m.t.Rows[r]) {
		return nil
	}
	return &m.t.Rows[r][c]
}

func (m *mapper) rowName(gr int) string { return fmt.Sprintf("row %d", m.rows[gr]+1) }
func (m *mapper) colLabel(gc int) string {
	return "column " + colName(m.cols[gc])
}

func (m *mapper) run() {
	m.buildGrid()
	if len(m.g) == 0 {
		m.review("the table has no text")
		return
	}
	m.peelTitleRows()
	m.peelNotes()
	if !m.findLayout() {
		return
	}
	m.fillHeaders()
	m.kindRows()
	m.classifyAxes()
	// The axes are settled: which dimensions they hold is asked per figure.
	assigned := map[string]bool{}
	for _, name := range m.order {
		assigned[name] = m.assigned(name)
		m.assignedAt = append(m.assignedAt, assigned[name])
	}
	m.isAssigned = assigned
	m.computeColumns()
	m.collectConstants()
	m.walk()
	m.checkTotals()
	m.checkDuplicates()
	m.checkPeriods()
}

// buildGrid drops ignored, hidden and empty rows and columns.
func (m *mapper) buildGrid() {
	t := m.t
	ignR := map[int]bool{}
	for _, r := range m.ov.IgnoreRows {
		ignR[r] = true
		m.decide(Decision{Kind: "skip", Subject: fmt.Sprintf("row %d", r+1), Confidence: 1, Reason: "operator override: ignore row"})
	}
	ignC := map[int]bool{}
	for _, c := range m.ov.IgnoreCols {
		ignC[c] = true
		m.decide(Decision{Kind: "skip", Subject: "column " + colName(c), Confidence: 1, Reason: "operator override: ignore column"})
	}
	nr, nc := t.NumRows(), t.NumCols()
	hiddenCol := make([]bool, nc)
	for c := 0; c < nc; c++ {
		n, h := 0, 0
		for r := 0; r < nr; r++ {
			if c < len(t.Rows[r]) {
				n++
				if t.Rows[r][c].Hidden {
					h++
				}
			}
		}
		hiddenCol[c] = n > 0 && h == n
	}
	var keepR []int
	for r := 0; r < nr; r++ {
		if ignR[r] {
			continue
		}
		row := t.Rows[r]
		hidden, empty := len(row) > 0, true
		for c, cell := range row {
			if ignC[c] || hiddenCol[c] {
				continue
			}
			if !cell.Hidden {
				hidden = false
			}
			if normaliseSpace(cell.Text) != "" {
				empty = false
			}
		}
		if empty {
			continue
		}
		if hidden {
			m.decide(Decision{Kind: "skip", Subject: fmt.Sprintf("row %d", r+1), Confidence: 1, Reason: "hidden in the source"})
			m.review("row %d is hidden in the source and was left out; check it holds no figures", r+1)
			continue
		}
		keepR = append(keepR, r)
	}
	var keepC []int
	for c := 0; c < nc; c++ {
		if ignC[c] {
			continue
		}
		empty := true
		for _, r := range keepR {
			if c < len(t.Rows[r]) && normaliseSpace(t.Rows[r][c].Text) != "" {
				empty = false
				break
			}
		}
		if empty {
			continue
		}
		if hiddenCol[c] {
			m.decide(Decision{Kind: "skip", Subject: "column " + colName(c), Confidence: 1, Reason: "hidden in the source"})
			m.review("column %s is hidden in the source and was left out; check it holds no figures", colName(c))
			continue
		}
		keepC = append(keepC, c)
	}
	m.rows, m.cols = keepR, keepC
	// One block for all rows' texts and one for their cells.
	allTexts := make([]string, len(keepR)*len(keepC))
	allCells := make([]*extract.Cell, len(keepR)*len(keepC))
	for i, r := range keepR {
		texts := allTexts[i*len(keepC) : (i+1)*len(keepC) : (i+1)*len(keepC)]
		cells := allCells[i*len(keepC) : (i+1)*len(keepC) : (i+1)*len(keepC)]
		for j, c := range keepC {
			if c < len(t.Rows[r]) {
				cell := &t.Rows[r][c]
				texts[j] = normaliseSpace(cell.Text)
				cells[j] = cell
				if cell.RowSpan > 1 || cell.ColSpan > 1 || cell.Covered {
					m.hasMerges = true
				}
			}
		}
		m.g = append(m.g, texts)
		m.cells = append(m.cells, cells)
	}
}

func (m *mapper) dropRow(i int) {
	m.g = slices.Delete(m.g, i, i+1)
	m.cells = slices.Delete(m.cells, i, i+1)
	m.rows = slices.Delete(m.rows, i, i+1)
}

// distinct returns the distinct non-empty texts of a grid row from column
// from on, and whether any is a strong figure. The slice is only good until
// the next call.
func (m *mapper) distinct(r, from int) ([]string, bool) {
	out := m.distinctBuf[:0]
	strong := false
	for c := from; c < len(m.g[r]); c++ {
		t := m.g[r][c]
		if t == "" {
			continue
		}
		if m.class(t).strong {
			strong = true
		}
		out = addUnique(out, t)
	}
	m.distinctBuf = out
	return out, strong
}

// peelTitleRows moves leading rows that hold a single text (a title, or a
// heading spanning the whole table) out of the grid.
func (m *mapper) peelTitleRows() {
	for len(m.g) > 2 {
		ts, strong := m.distinct(0, 0)
		if len(ts) != 1 || strong {
			return
		}
		m.titles = append(m.titles, ts[0])
		m.decide(Decision{Kind: "skip", Subject: m.rowName(0), Text: ts[0], Confidence: 1, Reason: "title row: one text across the table"})
		m.dropRow(0)
	}
}

// recognised reports whether a text names a value of some dimension, a
// period or a total.
func (m *mapper) recognised(text string) bool {
	cl := m.class(text)
	if cl.isPeriod || cl.total {
		return true
	}
	for _, name := range m.order {
		if name == m.pdim {
			continue
		}
		if mt := m.dims[name].match(text); mt.OK() && mt.Confidence >= 0.7 {
			return true
		}
	}
	return false
}

// peelNotes drops trailing rows of one text that is not a label.
func (m *mapper) peelNotes() {
	for len(m.g) > 1 {
		last := len(m.g) - 1
		ts, strong := m.distinct(last, 0)
		if len(ts) != 1 || strong || (m.recognised(ts[0]) && !isNoteText(ts[0])) {
			return
		}
		m.decide(Decision{Kind: "skip", Subject: m.rowName(last), Text: ts[0], Confidence: 1, Reason: "note below the table"})
		m.dropRow(last)
	}
}

func (m *mapper) isHeading(text string) bool {
	if text == "" {
		return false
	}
	if _, ok := m.ov.Headers[text]; ok {
		return true
	}
	return m.measureHeader(text) || m.namesDimension(text)
}

// findLayout decides which leading rows are headings (H) and which leading
// columns are labels (L).
func (m *mapper) findLayout() bool {
	nr, nc := len(m.g), len(m.g[0])
	first := -1
	for r := 0; r < nr && first < 0; r++ {
		for c := 0; c < nc; c++ {
			if m.class(m.g[r][c]).strong {
				first = r
				break
			}
		}
	}
	if first < 0 {
		m.review("no figures found in the table")
		return false
	}
	L := 0
	for c := 0; c < nc; c++ {
		strong, label := 0, 0
		for r := first; r < nr; r++ {
			cl := m.class(m.g[r][c])
			switch {
			case cl.empty:
			case cl.strong:
				strong++
			default:
				label++
			}
		}
		if label <= strong {
			break
		}
		L = c + 1
	}
	if L >= nc {
		m.review("every column holds labels; no column of figures was found")
		return false
	}
	H := -1
	for r := 0; r < nr && H < 0; r++ {
		for c := L; c < nc; c++ {
			if m.class(m.g[r][c]).strong {
				H = r
				break
			}
		}
	}
	if H < 0 {
		m.review("no figures found right of the label columns")
		return false
	}
	// Rows just above the first figures that have labels but nothing over
	// the figure columns are body rows with blank figures.
	for H > 0 {
		r := H - 1
		over, _ := m.distinct(r, L)
		labels := false
		heading := false
		for c := 0; c < L; c++ {
			if t := m.g[r][c]; t != "" {
				labels = true
				heading = heading || m.isHeading(t)
			}
		}
		if len(over) > 0 || !labels || heading {
			break
		}
		H--
	}
	m.H, m.L = H, L
	reason := fmt.Sprintf("%d heading row(s) and %d label column(s)", H, L)
	if m.t.HeaderRows > 0 && m.t.HeaderRows != H+len(m.titles) {
		reason += fmt.Sprintf(" (the extractor suggested %d heading rows)", m.t.HeaderRows)
	}
	m.decide(Decision{Kind: "layout", Subject: "table", Confidence: 1, Reason: reason})
	return true
}

// fillHeaders repeats an upper heading over the blank cells to its right
// when the source had no merge information (a two-level heading written as
// "2022,,,2023,,").
func (m *mapper) fillHeaders() {
	if m.hasMerges {
		return
	}
	for h := 0; h < m.H-1; h++ {
		for c := m.L + 1; c < len(m.g[h]); c++ {
			if m.g[h][c] == "" && m.g[h][c-1] != "" && !m.class(m.g[h][c-1]).total {
				m.g[h][c] = m.g[h][c-1]
			}
		}
	}
}

// kindRows sorts the body rows into data, notes, repeated headings and
// single-text rows.
func (m *mapper) kindRows() {
	m.rowKinds = make([]int, len(m.g))
	for r := m.H; r < len(m.g); r++ {
		// A row with a strong figure is data unless it repeats the
		// heading, whatever its other texts: it is read only that far.
		first, many, strong := "", false, false
		for _, t := range m.g[r] {
			if t == "" {
				continue
			}
			if first == "" {
				first = t
			} else if t != first {
				many = true
			}
			if m.class(t).strong {
				strong = true
				break
			}
		}
		if strong {
			if m.sameAsHeading(r) {
				m.rowKinds[r] = rowRepeat
			}
			continue
		}
		// No figure: first is the row's first text, many tells whether it
		// has others.
		switch {
		case first == "":
			m.rowKinds[r] = rowNote
		case isNoteText(first) && !m.recognised(first):
			m.rowKinds[r] = rowNote
		case m.sameAsHeading(r):
			m.rowKinds[r] = rowRepeat
		case !many:
			m.rowKinds[r] = rowSingle
		}
	}
}

// headerFor reports how sure we are that a heading names dimension dim.
func (m *mapper) headerFor(dim, text string) (headName, bool) {
	if target, ok := m.ov.Headers[text]; ok {
		if target == dim {
			return headName{conf: 1, reason: "operator override"}, true
		}
		return headName{}, false
	}
	for t, target := range m.ov.Headers {
		if m.key(t) == m.key(text) {
			if target == dim {
				return headName{conf: 1, reason: "operator override"}, true
			}
			return headName{}, false
		}
	}
	heads := m.dims[dim].heads
	k := m.key(text)
	if h, ok := heads[k]; ok {
		return h, true
	}
	// "Nationality (as recorded)", "Offence Group (Home Office)"
	if i := indexOpenBracket(text); i > 0 {
		if h, ok := heads[m.key(text[:i])]; ok {
			h.conf = min(h.conf, 0.95)
			h.reason = strings.TrimPrefix(h.reason+"; bracketed words ignored", "; ")
			return h, true
		}
	}
	return headName{}, false
}

// namesDimension reports whether headerFor finds a dimension for a
// heading.
func (m *mapper) namesDimension(text string) bool {
	if len(m.ov.Headers) == 0 {
		// headerFor without overrides: a dimension's heading, whole or
		// before a bracket.
		k := m.key(text)
		bk, bracket := "", false
		if i := indexOpenBracket(text); i > 0 {
			bk, bracket = m.key(text[:i]), true
		}
		for _, name := range m.order {
			heads := m.dims[name].heads
			if _, ok := heads[k]; ok {
				return true
			}
			if _, ok := heads[bk]; ok && bracket {
				return true
			}
		}
		return false
	}
	for _, name := range m.order {
		if _, ok := m.headerFor(name, text); ok {
			return true
		}
	}
	return false
}

// overrideTarget is the operator's reading of a heading, if any.
func (m *mapper) overrideTarget(text string) string {
	if len(m.ov.Headers) == 0 {
		return ""
	}
	if t, ok := m.ov.Headers[text]; ok {
		return t
	}
	k := m.key(text)
	for t, target := range m.ov.Headers {
		if m.key(t) == k {
			return target
		}
	}
	return ""
}

// isCaption reports whether a heading names a dimension or the measure
// rather than giving a value.
func (m *mapper) isCaption(text string) bool {
	if v, ok := m.captions[text]; ok {
		return v
	}
	v := m.isCaptionUncached(text)
	m.captions[text] = v
	return v
}

func (m *mapper) isCaptionUncached(text string) bool {
	switch m.overrideTarget(text) {
	case "":
	case "ignore", "total":
		return false
	default:
		return true
	}
	return m.measureHeader(text) || m.namesDimension(text)
}

// score is how many of the texts read as values of dimension dim, as a
// fraction.
func (m *mapper) score(dim string, texts []string) float64 {
	if len(texts) == 0 {
		return 0
	}
	d := m.dims[dim]
	n := 0.0
	for _, t := range texts {
		if d.isPeriod() {
			if p, ok := d.readPeriod(t); ok && p.Confidence >= 0.5 {
				n++
			}
			continue
		}
		if mt := d.match(t); mt.OK() && mt.Confidence >= 0.5 {
			n++
		} else if mt.Ambiguous() {
			n += 0.5
		}
	}
	return n / float64(len(texts))
}

type candidate struct {
	head  bool // header row (else label column)
	idx   int
	dim   string
	score float64
	named bool
	why   string
}

// classifyAxes decides which dimension each heading row and each label
// column holds.
func (m *mapper) classifyAxes() {
	m.headAxes = make([]axis, m.H)
	m.labelAxes = make([]axis, m.L)
	var cands []candidate
	headValues := make([][]string, m.H)
	labelValues := make([][]string, m.L)
	for h := 0; h < m.H; h++ {
		var vals distinctTexts
		for c := m.L; c < len(m.g[h]); c++ {
			t := m.g[h][c]
			if t == "" {
				continue
			}
			switch m.overrideTarget(t) {
			case "ignore":
				m.colIgnore[c] = true
				continue
			case "total", "measure":
				continue
			}
			if m.class(t).total || m.isCaption(t) {
				continue
			}
			vals.add(t)
		}
		headValues[h] = vals.list
		for _, name := range m.order {
			if sc := m.score(name, vals.list); sc > 0 {
				cands = append(cands, candidate{head: true, idx: h, dim: name, score: sc})
			}
		}
	}
	for l := 0; l < m.L; l++ {
		named, namedConf, namedWhy, ignored := "", 0.0, "", false
		for h := 0; h < m.H; h++ {
			t := m.g[h][l]
			if t == "" {
				continue
			}
			if m.overrideTarget(t) == "ignore" {
				ignored = true
			}
			for _, name := range m.order {
				if hn, ok := m.headerFor(name, t); ok && hn.conf > namedConf {
					named, namedConf, namedWhy = name, hn.conf, hn.reason
				}
			}
		}
		if ignored {
			m.labelAxes[l] = axis{kind: axisIgnored}
			m.decide(Decision{Kind: "axis", Subject: m.colLabel(l), Confidence: 1, Reason: "operator override: ignore"})
			continue
		}
		var vals distinctTexts
		for r := m.H; r < len(m.g); r++ {
			t := m.g[r][l]
			k := m.rowKinds[r]
			if t == "" || (k != rowData && (k != rowSingle || l == m.L-1)) || m.class(t).total || m.isCaption(t) {
				continue
			}
			vals.add(t)
		}
		labelValues[l] = vals.list
		for _, name := range m.order {
			sc := m.score(name, vals.list)
			c := candidate{idx: l, dim: name, score: sc}
			switch {
			case named == name:
				c.named = true
				c.score = max(sc, 0.6) * namedConf
				c.why = namedWhy
				if sc >= 0.5 {
					c.score = max(c.score, 0.9*namedConf)
				}
			case named != "":
				c.score = sc * 0.9
				c.why = fmt.Sprintf("the heading says %s", named)
			}
			if c.score > 0 {
				cands = append(cands, c)
			}
		}
	}
	slices.SortStableFunc(cands, func(a, b candidate) int {
		switch {
		case a.score != b.score:
			if a.score > b.score {
				return -1
			}
			return 1
		case a.named != b.named:
			if a.named {
				return -1
			}
			return 1
		}
		return 0
	})
	usedDim := map[string]bool{}
	for _, c := range cands {
		if c.score < 0.5 || usedDim[c.dim] {
			continue
		}
		var ax *axis
		if c.head {
			ax = &m.headAxes[c.idx]
		} else {
			ax = &m.labelAxes[c.idx]
		}
		if ax.kind != axisNone {
			continue
		}
		*ax = axis{kind: axisDim, dim: c.dim, conf: math.Min(1, c.score), reason: c.why}
		usedDim[c.dim] = true
	}
	for h := 0; h < m.H; h++ {
		ax := &m.headAxes[h]
		subj := fmt.Sprintf("heading %s", m.rowName(h))
		switch {
		case ax.kind == axisDim:
			m.axisDecision(subj, ax, headValues[h])
		case len(headValues[h]) > 0:
			ax.kind = axisUnplaced
			m.decide(Decision{Kind: "axis", Subject: subj, Text: strings.Join(headValues[h], " | "), Confidence: 0, Reason: "no dimension of the dataset matches these headings"})
			m.review("%s: cannot tell which dimension the headings %s are", subj, quoteList(headValues[h], 4))
			m.lowerTable(0)
		default:
			m.decide(Decision{Kind: "axis", Subject: subj, Confidence: 1, Reason: "captions only (dimension names, measure, totals)"})
		}
	}
	for l := 0; l < m.L; l++ {
		ax := &m.labelAxes[l]
		subj := m.colLabel(l)
		switch {
		case ax.kind == axisIgnored:
		case ax.kind == axisDim:
			m.axisDecision(subj, ax, labelValues[l])
		case len(labelValues[l]) > 0:
			ax.kind = axisUnplaced
			m.decide(Decision{Kind: "axis", Subject: subj, Text: strings.Join(labelValues[l], " | "), Confidence: 0, Reason: "no dimension of the dataset matches these labels"})
			m.review("%s: cannot tell which dimension the labels %s are", subj, quoteList(labelValues[l], 4))
			m.lowerTable(0)
		}
	}
}

// distinctTexts gathers distinct non-empty texts in their first order.
type distinctTexts struct {
	list []string
	seen map[string]bool // made once the list is long
}

func (d *distinctTexts) add(s string) {
	if s == "" {
		return
	}
	if d.seen == nil {
		if !slices.Contains(d.list, s) {
			d.list = append(d.list, s)
		}
		if len(d.list) >= 16 {
			d.seen = make(map[string]bool, 64)
			for _, x := range d.list {
				d.seen[x] = true
			}
		}
		return
	}
	if !d.seen[s] {
		d.seen[s] = true
		d.list = append(d.list, s)
	}
}

func (m *mapper) axisDecision(subj string, ax *axis, vals []string) {
	reason := fmt.Sprintf("%.0f%% of its %d distinct texts read as %s", 100*m.score(ax.dim, vals), len(vals), ax.dim)
	if ax.reason != "" {
		reason += "; " + ax.reason
	}
	m.decide(Decision{Kind: "axis", Subject: subj, Dimension: ax.dim, Confidence: ax.conf, Reason: reason})
	m.lowerTable(ax.conf)
	if ax.conf < m.s.ReviewThreshold {
		m.review("%s read as %s with confidence %.2f", subj, ax.dim, ax.conf)
	}
}

func quoteList(ss []string, n int) string {
	var qs []string
	for i, s := range ss {
		if i == n {
			qs = append(qs, fmt.Sprintf("and %d more", len(ss)-n))
			break
		}
		qs = append(qs, fmt.Sprintf("%q", s))
	}
	return strings.Join(qs, ", ")
}

// place reads one label of an axis into a coordinate. It reports false when
// the label cannot be placed.
func (m *mapper) place(c *coord, dim, text string, where func() string) bool {
	d := m.dims[dim]
	if d.isPeriod() {
		p, err := d.period(text)
		if err != nil {
			m.review("%s: %q is not a period", where(), text)
			m.decideValue(dim, text, "", 0, err.Error())
			return false
		}
		c.periods = &p
		c.lower(p.Confidence, p.Reason)
		m.decideValue(dim, text, p.Period.Label, p.Confidence, p.Reason)
		return true
	}
	mt := d.match(text)
	if !mt.OK() {
		if mt.Ambiguous() {
			m.review("%s: %q is ambiguous for %s (%s)", where(), text, dim, strings.Join(mt.Candidates, " or "))
		} else {
			m.review("%s: %q is not a known %s", where(), text, dim)
		}
		m.decideValue(dim, text, "", 0, mt.Reason)
		return false
	}
	c.setCode(dim, mt.Code)
	c.lowerMatch(text, mt)
	m.decideValue(dim, text, mt.Code, mt.Confidence, mt.Reason)
	return true
}

// decideValue records a value decision once per dimension and text.
func (m *mapper) decideValue(dim, text, code string, conf float64, reason string) {
	done := m.dims[dim].decided
	if done[text] {
		return
	}
	done[text] = true
	if reason == "" {
		reason = "exact"
	}
	m.decide(Decision{Kind: "value", Subject: "label", Text: text, Dimension: dim, Code: code, Confidence: conf, Reason: reason})
}

// computeColumns places every figure column by its headings.
func (m *mapper) computeColumns() {
	nc := len(m.g[0])
	m.colCoord = make([]coord, nc)
	for c := m.L; c < nc; c++ {
		cc := newCoord()
		totalFrom := -1
		for h := 0; h < m.H; h++ {
			ax := m.headAxes[h]
			t := m.g[h][c]
			if t != "" && m.overrideTarget(t) == "ignore" {
				cc.bad = true
				break
			}
			isTotal := t != "" && (m.class(t).total || m.overrideTarget(t) == "total")
			if isTotal && totalFrom < 0 {
				totalFrom = h
			}
			if ax.kind != axisDim {
				continue
			}
			where := func() string { return fmt.Sprintf("%s heading", m.colLabel(c)) }
			switch {
			case isTotal:
				rest := m.class(t).totalRest
				if rest != "" && m.quietPlace(&cc, ax.dim, rest) {
					continue
				}
				cc.setTotalled(ax.dim)
			case t == "" && totalFrom >= 0:
				cc.setTotalled(ax.dim)
			case t == "":
				m.review("%s has no %s heading", m.colLabel(c), ax.dim)
				cc.bad = true
			default:
				if !m.place(&cc, ax.dim, t, where) {
					cc.bad = true
				}
			}
			cc.lower(ax.conf, "")
		}
		m.colCoord[c] = cc
	}
}

// quietPlace places a text if it reads cleanly, without reporting.
func (m *mapper) quietPlace(c *coord, dim, text string) bool {
	d := m.dims[dim]
	if d.isPeriod() {
		p, ok := d.readPeriod(text)
		if !ok {
			return false
		}
		c.periods = &p
		c.lower(p.Confidence, p.Reason)
		return true
	}
	mt := d.match(text)
	if !mt.OK() {
		return false
	}
	c.setCode(dim, mt.Code)
	c.lowerMatch(text, mt)
	return true
}

// assigned reports whether a dimension is read from an axis.
func (m *mapper) assigned(dim string) bool {
	if m.isAssigned != nil {
		return m.isAssigned[dim]
	}
	for _, a := range m.headAxes {
		if a.kind == axisDim && a.dim == dim {
			return true
		}
	}
	for _, a := range m.labelAxes {
		if a.kind == axisDim && a.dim == dim {
			return true
		}
	}
	return false
}

var reNamedValue = `(?i)\b(?:%s)\s*[:=\-–]\s*([^,;()\n]+)`

// collectConstants finds the value of every dimension no axis holds: from
// the operator, the title rows, the table title, then the sheet name.
func (m *mapper) collectConstants() {
	type source struct {
		name, text string
		conf       float64
	}
	var sources []source
	for _, t := range m.titles {
		sources = append(sources, source{"title row", t, 0.95})
	}
	if m.t.Title != "" {
		sources = append(sources, source{"title", m.t.Title, 0.9})
	}
	if m.t.Source.Sheet != "" {
		sources = append(sources, source{"sheet name", m.t.Source.Sheet, 0.9})
	}
	for _, name := range m.order {
		if m.assigned(name) {
			continue
		}
		d := m.dims[name]
		if v, ok := m.ov.Constants[name]; ok {
			c := constant{conf: 1, reason: "operator override"}
			if d.isPeriod() {
				p, _ := ParsePeriod(v)
				c.period = &p
			} else {
				c.code = v
			}
			m.consts[name] = c
			m.decide(Decision{Kind: "constant", Subject: "operator", Text: v, Dimension: name, Code: v, Confidence: 1, Reason: c.reason})
			continue
		}
		for _, src := range sources {
			c, ok, amb := m.constantIn(d, src.text)
			if amb != "" {
				m.review("%s names several values of %s (%s); none was applied", src.name, name, amb)
				m.decide(Decision{Kind: "constant", Subject: src.name, Text: src.text, Dimension: name, Confidence: 0, Reason: "several values: " + amb})
				break
			}
			if !ok {
				continue
			}
			c.conf *= src.conf
			c.reason = fmt.Sprintf("from the %s: %s", src.name, c.reason)
			m.consts[name] = c
			code := c.code
			if c.period != nil {
				code = c.period.Period.Label
			}
			m.decide(Decision{Kind: "constant", Subject: src.name, Text: src.text, Dimension: name, Code: code, Confidence: c.conf, Reason: c.reason})
			m.lowerTable(c.conf)
			break
		}
		if _, ok := m.consts[name]; !ok {
			if d.isPeriod() {
				m.decide(Decision{Kind: "constant", Subject: "table", Dimension: name, Confidence: 0, Reason: "no period in the headings, labels, title or sheet name"})
			} else {
				m.decide(Decision{Kind: "constant", Subject: "table", Dimension: name, Code: AllCode, Confidence: 1, Reason: "the table has no breakdown by " + name + "; figures cover all its values"})
			}
		}
	}
}

// constantIn looks for one value of d in running text. amb lists the
// values when there are several.
func (m *mapper) constantIn(d *dimMatcher, text string) (c constant, ok bool, amb string) {
	if d.isPeriod() {
		ps := findPeriods(text)
		switch len(ps) {
		case 0:
			return c, false, ""
		case 1:
			p := ps[0]
			return constant{period: &p, conf: p.Confidence, reason: fmt.Sprintf("names %s", p.Period.Label)}, true, ""
		}
		var ls []string
		for _, p := range ps {
			ls = append(ls, p.Period.Label)
		}
		return c, false, strings.Join(ls, ", ")
	}
	// Whole text ("Polish" as a sheet name), then "Nationality: Polish",
	// then the value named inside running text.
	if mt := d.match(text); mt.OK() && mt.Confidence >= 0.9 {
		return constant{code: mt.Code, conf: mt.Confidence, reason: fmt.Sprintf("%q is %s", text, mt.Reason)}, true, ""
	}
	var heads []string
	for h := range d.heads {
		heads = append(heads, strings.ReplaceAll(h, " ", `\s+`))
	}
	slices.Sort(heads)
	if len(heads) > 0 {
		re := regexpCache(fmt.Sprintf(reNamedValue, strings.Join(heads, "|")))
		if sm := re.FindStringSubmatch(text); sm != nil {
			if mt := d.match(strings.TrimSpace(sm[1])); mt.OK() {
				return constant{code: mt.Code, conf: mt.Confidence, reason: fmt.Sprintf("%q is %s", sm[0], mt.Reason)}, true, ""
			}
		}
	}
	fs := d.findIn(text)
	var codes []string
	for _, f := range fs {
		codes = addUnique(codes, f.code)
	}
	switch len(codes) {
	case 0:
		return c, false, ""
	case 1:
		return constant{code: codes[0], conf: 1, reason: fmt.Sprintf("names %q (%s)", fs[0].spelling, d.label(codes[0]))}, true, ""
	}
	slices.Sort(codes)
	return c, false, strings.Join(codes, ", ")
}

// findPeriods returns the distinct periods named in running text, longest
// readings first, without overlaps.
func findPeriods(text string) []ParsedPeriod {
	words := strings.Fields(text)
	if len(words) > 80 {
		words = words[:80]
	}
	trim := func(s string) string { return strings.Trim(s, ",;:.\"'“”") }
	used := make([]bool, len(words))
	var out []ParsedPeriod
	hasYear := func(s string) bool {
		n := 0
		for _, r := range s {
			if r >= '0' && r <= '9' {
				n++
				if n >= 2 {
					return true
				}
			} else {
				n = 0
			}
		}
		return false
	}
	for n := min(8, len(words)); n >= 1; n-- {
		for i := 0; i+n <= len(words); i++ {
			if slices.Contains(used[i:i+n], true) {
				continue
			}
			s := trim(strings.Join(words[i:i+n], " "))
			if !hasYear(s) {
				continue
			}
			if i > 0 {
				prev := strings.ToLower(trim(words[i-1]))
				if prev == "foi" || prev == "ref" || prev == "reference" || prev == "no" || prev == "number" {
					continue
				}
			}
			p, err := ParsePeriod(s)
			if errors.Is(err, errNotASpan) {
				// A date ("extracted 14 February 2025"): its month is no period.
				for j := i; j < i+n; j++ {
					used[j] = true
				}
				continue
			}
			if err != nil {
				continue
			}
			for j := i; j < i+n; j++ {
				used[j] = true
			}
			dup := false
			for _, q := range out {
				if q.Period.Equal(p.Period) {
					dup = true
				}
			}
			if !dup {
				out = append(out, p)
			}
		}
	}
	return out
}

// sectionRow handles a body row holding one text: a section heading for a
// dimension no axis holds ("Polish" above its offences). It reports
// whether the row was consumed.
func (m *mapper) sectionRow(r int, text string, section map[string]constant) bool {
	best, bestConf := "", 0.0
	var bestC constant
	for _, name := range m.order {
		if m.assigned(name) {
			continue
		}
		d := m.dims[name]
		if d.isPeriod() {
			if p, ok := d.readPeriod(text); ok && p.Confidence > bestConf {
				pp := p
				best, bestConf, bestC = name, p.Confidence, constant{period: &pp, conf: p.Confidence, reason: fmt.Sprintf("section heading %q", text)}
			}
			continue
		}
		if mt := d.match(text); mt.OK() && mt.Confidence > bestConf {
			best, bestConf, bestC = name, mt.Confidence, constant{code: mt.Code, conf: mt.Confidence, reason: fmt.Sprintf("section heading %q: %s", text, mt.Reason)}
		}
	}
	if best != "" {
		section[best] = bestC
		code := bestC.code
		if bestC.period != nil {
			code = bestC.period.Period.Label
		}
		m.decide(Decision{Kind: "constant", Subject: m.rowName(r), Text: text, Dimension: best, Code: code, Confidence: bestC.conf, Reason: bestC.reason})
		return true
	}
	if m.recognised(text) {
		return false // a label with blank figures
	}
	m.decide(Decision{Kind: "skip", Subject: m.rowName(r), Text: text, Confidence: 1, Reason: "a note or heading inside the table"})
	if !isNoteText(text) {
		m.review("%s: %q was skipped as a note; check it is not a heading", m.rowName(r), text)
	}
	return true
}

// sameAsHeading reports whether a body row repeats the last heading row
// (a table continued on a new page).
func (m *mapper) sameAsHeading(r int) bool {
	if m.H == 0 {
		return false
	}
	h := m.H - 1
	any := false
	for c := m.L; c < len(m.g[r]); c++ {
		if m.g[r][c] != m.g[h][c] {
			return false
		}
		if m.g[r][c] != "" {
			any = true
		}
	}
	return any
}

// walk places every figure of the body.
func (m *mapper) walk() {
	nc := len(m.g[0])
	last := make([]string, m.L)
	labelBuf := make([]string, m.L)
	codesBuf := make([]dimCode, 0, len(m.order))
	section := map[string]constant{}
	fallback, hasFallback := make([]constant, len(m.order)), make([]bool, len(m.order))
	skip := make([]bool, nc) // columns whose figures are not placed
	cols, totalCols := 0, 0
	for c := m.L; c < nc; c++ {
		cc := &m.colCoord[c]
		skip[c] = cc.bad || m.colIgnore[c]
		switch {
		case skip[c]:
		case len(cc.totalled) == 0:
			cols++
		default:
			totalCols++
		}
	}
	if m.obs == nil {
		// Room for a figure in every body cell of the columns that are
		// neither dropped nor totals.
		m.obs = make([]Observation, 0, (len(m.g)-m.H)*cols)
	}
	// Room for a value decision per row label and a total decision per
	// cell of a total column.
	m.res.Decisions = slices.Grow(m.res.Decisions, (len(m.g)-m.H)*(m.L+totalCols)+16)
	for r := m.H; r < len(m.g); r++ {
		row := m.g[r]
		switch m.rowKinds[r] {
		case rowNote:
			if ts, _ := m.distinct(r, 0); len(ts) > 0 {
				m.decide(Decision{Kind: "skip", Subject: m.rowName(r), Text: ts[0], Confidence: 1, Reason: "note row"})
			}
			continue
		case rowRepeat:
			m.decide(Decision{Kind: "skip", Subject: m.rowName(r), Confidence: 1, Reason: "repeats the heading row"})
			continue
		case rowSingle:
			ts, _ := m.distinct(r, 0)
			if m.sectionRow(r, ts[0], section) {
				continue
			}
			// A label alone in a grouping column ("Polish" above its
			// offences): it heads the rows below.
			if l := slices.Index(row[:m.L], ts[0]); l >= 0 && l < m.L-1 && m.labelAxes[l].kind == axisDim {
				if last[l] != ts[0] {
					clear(last[l+1:])
				}
				last[l] = ts[0]
				m.decide(Decision{Kind: "skip", Subject: m.rowName(r), Text: ts[0], Confidence: 1, Reason: "group heading for the rows below"})
				continue
			}
		}
		if ot := m.overrideTarget(firstNonEmpty(row[:m.L])); ot == "ignore" {
			m.decide(Decision{Kind: "skip", Subject: m.rowName(r), Confidence: 1, Reason: "operator override: ignore"})
			continue
		}
		// Labels, filled down in grouping columns.
		labels := labelBuf
		totalAt := -1
		for l := 0; l < m.L; l++ {
			t := row[l]
			if totalAt < 0 && t != "" && (m.class(t).total || m.overrideTarget(t) == "total") {
				totalAt = l
			}
			if t == "" && l < m.L-1 && totalAt < 0 {
				t = last[l]
			}
			labels[l] = t
		}
		if totalAt < 0 {
			for l := 0; l < m.L; l++ {
				if row[l] != "" {
					if last[l] != row[l] {
						clear(last[l+1:])
					}
					last[l] = row[l]
				}
			}
		}
		rc := newCoord()
		rc.codes = codesBuf[:0] // a row's codes are read only while its figures are placed
		for l := 0; l < m.L && !rc.bad; l++ {
			ax := m.labelAxes[l]
			if ax.kind != axisDim {
				continue
			}
			t := labels[l]
			where := func() string { return fmt.Sprintf("%s, %s", m.rowName(r), m.colLabel(l)) }
			switch {
			case totalAt >= 0 && l == totalAt:
				rest := m.class(t).totalRest
				if rest == "" || !m.quietPlace(&rc, ax.dim, rest) {
					rc.setTotalled(ax.dim)
				}
			case totalAt >= 0 && l > totalAt && t == "":
				rc.setTotalled(ax.dim)
			case t == "":
				m.review("%s has no %s label", m.rowName(r), ax.dim)
				rc.bad = true
			default:
				if !m.place(&rc, ax.dim, t, where) {
					rc.bad = true
				}
			}
			rc.lower(ax.conf, "")
		}
		if rc.bad {
			continue
		}
		// What the section or the table gives each dimension no axis holds.
		for i, name := range m.order {
			fallback[i], hasFallback[i] = constant{}, false
			if m.assigned(name) {
				continue
			}
			if s, ok := section[name]; ok {
				fallback[i], hasFallback[i] = s, true
			} else if s, ok := m.consts[name]; ok {
				fallback[i], hasFallback[i] = s, true
			}
		}
		for c := m.L; c < nc; c++ {
			cc := &m.colCoord[c]
			if skip[c] {
				continue
			}
			m.emit(r, c, &rc, cc, fallback, hasFallback)
		}
	}
}

func firstNonEmpty(ss []string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// emit turns one figure cell into an observation or a pending total.
//
// Every observation owns what it points to: its Dims map is its own, and
// its Value points to a float64 of its own (a slot of an array the table's
// observations share, so that a figure costs no allocation of its own), so
// a caller may change one observation without touching another.
//
// fallback and hasFallback give, by position in the schema's order, the
// section's or the table's value of each dimension no axis holds.
func (m *mapper) emit(r, c int, rc, cc *coord, fallback []constant, hasFallback []bool) {
	or, oc := m.rows[r], m.cols[c]
	cell := m.cells[r][c]
	var v figure
	var err error
	if cell == nil {
		v = figure{flag: FlagBlank, conf: 1, reason: "empty cell"}
	} else {
		v, err = readCell(cell)
	}
	var ref string
	if cell != nil && cell.Ref != "" {
		ref = cell.Ref // cell is the extracted cell at (or, oc)
	} else {
		ref = m.ref(or, oc)
	}
	if err != nil {
		m.review("cell %s: %q is not a figure", ref, cell.Text)
		return
	}
	// The observation is written once, into its place, when it is known.
	conf := 1.0
	var reasonBuf [8]string
	reasons := reasonBuf[:0]
	if v.conf < 1 {
		conf = min(conf, v.conf)
		reasons = addUnique(reasons, v.reason)
	}
	conf = min(conf, rc.conf)
	for _, rs := range rc.reasons {
		reasons = addUnique(reasons, rs)
	}
	conf = min(conf, cc.conf)
	for _, rs := range cc.reasons {
		reasons = addUnique(reasons, rs)
	}
	// The dimensions a total sums over. The row's or the column's own set
	// serves when the other adds none: these sets are not changed once
	// the row is read, and a pending total only reads its set.
	var totalled map[string]bool
	switch {
	case len(rc.totalled) == 0 && len(cc.totalled) == 0:
	case len(cc.totalled) == 0:
		totalled = rc.totalled
	case len(rc.totalled) == 0:
		totalled = cc.totalled
	default:
		totalled = make(map[string]bool, len(rc.totalled)+len(cc.totalled))
		for k := range rc.totalled {
			totalled[k] = true
		}
		for k := range cc.totalled {
			totalled[k] = true
		}
	}
	period := &zeroPeriod // stays zero when the period is summed over
	dims := make(map[string]string, len(m.dimNames))
	for i, name := range m.order {
		if totalled != nil && totalled[name] {
			if name != m.pdim {
				dims[name] = AllCode
			}
			continue
		}
		var k constant
		found := false
		if name == m.pdim {
			switch {
			case rc.periods != nil:
				k, found = constant{period: rc.periods, conf: 1}, true
			case cc.periods != nil:
				k, found = constant{period: cc.periods, conf: 1}, true
			}
		} else if code, ok := rc.code(name); ok {
			k, found = constant{code: code, conf: 1}, true
		} else if code, ok := cc.code(name); ok {
			k, found = constant{code: code, conf: 1}, true
		}
		if !found && hasFallback[i] {
			k, found = fallback[i], true
			if k.conf < 1 {
				conf = min(conf, k.conf)
				reasons = addUnique(reasons, k.reason)
			}
		}
		if name == m.pdim {
			if !found {
				m.review("no period could be found for the figures (not in headings, labels, title or sheet name)")
				return
			}
			period = &k.period.Period
			continue
		}
		if !found {
			if m.assignedAt[i] {
				return // the axis failed for this cell; already reported
			}
			k.code = AllCode
		}
		dims[name] = k.code
	}
	var value *float64
	if v.hasNum {
		value = m.number(v.num)
	}
	page := 0
	if cell != nil {
		page = cell.Page
	}
	if totalled != nil {
		if m.totals == nil {
			m.totals = make([]pendingTotal, 0, len(m.g))
		}
		m.totals = append(m.totals, pendingTotal{totalled: totalled, obs: Observation{Period: *period, Dims: dims, Value: value,
			Flag: v.flag, Raw: v.raw, Row: or, Col: oc, Ref: ref, Page: page, Confidence: conf, Reasons: m.keepReasons(reasons)}})
		return
	}
	m.obs = append(m.obs, Observation{Period: *period, Dims: dims, Value: value,
		Flag: v.flag, Raw: v.raw, Row: or, Col: oc, Ref: ref, Page: page, Confidence: conf, Reasons: m.keepReasons(reasons)})
}

// keepReasons copies an observation's reasons into a block shared by the
// table's observations, as a slice whose capacity is its length: an append
// to one observation's reasons makes a new array and cannot reach into
// another's. No reasons give nil.
func (m *mapper) keepReasons(rs []string) []string {
	if len(rs) == 0 {
		return nil
	}
	if cap(m.reasons)-len(m.reasons) < len(rs) {
		m.reasons = make([]string, 0, max(len(rs), min(2*cap(m.reasons)+16, cap(m.obs))))
	}
	n := len(m.reasons)
	m.reasons = append(m.reasons, rs...)
	return m.reasons[n : n+len(rs) : n+len(rs)]
}

var zeroPeriod Period

// number returns a pointer to a float64 holding f, a slot of a block of
// the table's figures; a full block is left as it is and a new one begun,
// so earlier pointers stay valid.
func (m *mapper) number(f float64) *float64 {
	if len(m.numbers) == cap(m.numbers) {
		m.numbers = make([]float64, 0, max(64, cap(m.obs)))
	}
	m.numbers = append(m.numbers, f)
	return &m.numbers[len(m.numbers)-1]
}

// checkTotals compares every stated total with the figures it covers. A
// total that covers nothing in the table is a figure in its own right.
func (m *mapper) checkTotals() {
	// Index the figures by their coordinates on the dimensions a total
	// does not sum over, once per set of summed dimensions.
	// An index is a map from projection to a chain of positions in m.obs,
	// in ascending order: first and last of each chain, and next of each
	// position (-1 ends a chain).
	type chain struct{ first, last int32 }
	type index struct {
		chains map[string]int32
		heads  []chain
		next   []int32
		// What a projection holds: the period unless it is summed, and
		// the codes of these dimensions, in the schema's order.
		period bool
		names  []string
	}
	indexes := map[string]*index{}
	var buf []byte
	project := func(o *Observation, idx *index) []byte {
		b := buf[:0]
		if idx.period {
			b = append(b, o.Period.Kind...)
			b = appendDate(b, o.Period.Start)
			b = appendDate(b, o.Period.End)
		}
		for _, name := range idx.names {
			b = append(b, '|')
			b = append(b, o.Dims[name]...)
		}
		buf = b
		return b
	}
	var partsBuf []int // positions in m.obs
	if len(m.totals) > 0 && m.res.Totals == nil {
		m.res.Totals = make([]TotalCheck, 0, len(m.totals))
	}
	for _, pt := range m.totals {
		t := pt.obs
		sig := totalSig(pt.totalled)
		idx, ok := indexes[sig]
		if !ok {
			idx = &index{chains: make(map[string]int32, len(m.g)), next: make([]int32, len(m.obs)), period: !pt.totalled[m.pdim]}
			for _, name := range m.order {
				if name != m.pdim && !pt.totalled[name] {
					idx.names = append(idx.names, name)
				}
			}
			for i := range m.obs {
				idx.next[i] = -1
				k := project(&m.obs[i], idx)
				if c, ok := idx.chains[string(k)]; ok {
					idx.next[idx.heads[c].last] = int32(i)
					idx.heads[c].last = int32(i)
					continue
				}
				idx.chains[string(k)] = int32(len(idx.heads))
				idx.heads = append(idx.heads, chain{int32(i), int32(i)})
			}
			indexes[sig] = idx
		}
		parts := partsBuf[:0]
		if c, ok := idx.chains[string(project(&t, idx))]; ok {
			for i := idx.heads[c].first; i >= 0; i = idx.next[i] {
				parts = append(parts, int(i))
			}
		}
		parts = m.withoutNested(parts, pt.totalled)
		partsBuf = parts
		if len(parts) == 0 {
			if pt.totalled[m.pdim] {
				m.review("total at %s covers no figures and has no period", t.Ref)
				continue
			}
			t.Reasons = addUnique(t.Reasons, "a total with no parts in the table, kept as a figure for all values of "+strings.Join(sortedKeys(pt.totalled), ", "))
			m.obs = append(m.obs, t)
			continue
		}
		tc := TotalCheck{Ref: t.Ref, Row: t.Row, Col: t.Col, Raw: t.Raw, Period: t.Period, Dims: t.Dims, Stated: t.Value, Flag: t.Flag, Parts: len(parts)}
		for _, i := range parts {
			if p := &m.obs[i]; p.Value == nil {
				tc.Unknown++
			} else {
				tc.Sum += *p.Value
			}
		}
		decided := "" // the total decision's reason, when made with the check's
		switch {
		case t.Value == nil:
			tc.OK = true
			tc.Reason = "the total is " + t.Flag + "; not checked"
		case tc.Unknown == 0:
			tc.OK = almostEqual(*t.Value, tc.Sum)
			// The decision's reason is the check's with a prefix: one
			// string holds both.
			b := append(buf[:0], totalPrefix+"stated "...)
			b = appendNum(b, *t.Value)
			b = append(b, ", sum of "...)
			b = strconv.AppendInt(b, int64(tc.Parts), 10)
			b = append(b, " figures "...)
			b = appendNum(b, tc.Sum)
			buf = b
			decided = string(b)
			tc.Reason = decided[len(totalPrefix):]
		default:
			tc.OK = *t.Value >= tc.Sum-1e-9
			tc.Reason = fmt.Sprintf("stated %s, sum of the %d known figures %s (%d suppressed or blank)", fmtNum(*t.Value), tc.Parts-tc.Unknown, fmtNum(tc.Sum), tc.Unknown)
		}
		if !tc.OK {
			m.review("total at %s does not match its parts: %s", t.Ref, tc.Reason)
		}
		m.res.Totals = append(m.res.Totals, tc)
		if decided == "" {
			decided = totalPrefix + tc.Reason
		}
		m.decide(Decision{Kind: "total", Subject: "cell " + t.Ref, Text: t.Raw, Confidence: 1, Reason: decided})
	}
}

// totalSig is the summed dimensions' names, sorted and joined by commas.
func totalSig(totalled map[string]bool) string {
	if len(totalled) == 1 {
		for k := range totalled {
			return k
		}
	}
	return strings.Join(sortedKeys(totalled), ",")
}

// withoutNested drops parts whose code, on a summed dimension, sits under
// another part's code ("Rape" under "Sexual offences"), so that sub-groups
// are not counted twice.
// Parts are positions in m.obs.
func (m *mapper) withoutNested(parts []int, totalled map[string]bool) []int {
	for name := range totalled {
		d := m.dims[name]
		if d == nil || d.base == nil {
			continue
		}
		present := map[string]bool{}
		for _, i := range parts {
			present[m.obs[i].Dims[name]] = true
		}
		parts = slicesFilter(parts, func(i int) bool {
			for c := d.parent(m.obs[i].Dims[name]); c != ""; c = d.parent(c) {
				if present[c] {
					return false
				}
			}
			return true
		})
	}
	return parts
}

// totalPrefix begins the reason of a total's decision.
const totalPrefix = "a total, not loaded: "

// appendNum appends fmtNum(f).
func appendNum(b []byte, f float64) []byte {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.AppendInt(b, int64(f), 10)
	}
	return append(b, fmtNum(f)...)
}

func fmtNum(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatInt(int64(f), 10)
	}
	return fmt.Sprintf("%g", f)
}

// checkDuplicates reports figures placed at the same coordinates.
//
// Observations are indexed by a hash of their ObservationKey; a hash met
// again is a duplicate only when the keys are equal, and keys that merely
// share a hash with another are compared in full.
func (m *mapper) checkDuplicates() {
	seed := maphash.MakeSeed()
	hash := obsKeyHash
	first := make(map[uint64]int32, len(m.obs)) // hash → the first observation with it
	var others map[string]string                // key → first ref, for keys whose hash another key had first
	var buf, buf2 []byte
	for i := range m.obs {
		o := &m.obs[i]
		buf = m.appendObservationKey(buf[:0], o)
		h := hash(seed, buf)
		j, ok := first[h]
		if !ok {
			first[h] = int32(i)
			continue
		}
		if buf2 = m.appendObservationKey(buf2[:0], &m.obs[j]); string(buf2) == string(buf) {
			m.review("cells %s and %s are placed at the same period and codes; a breakdown the dataset lacks?", m.obs[j].Ref, o.Ref)
			continue
		}
		if others == nil {
			others = map[string]string{}
		}
		if ref, ok := others[string(buf)]; ok {
			m.review("cells %s and %s are placed at the same period and codes; a breakdown the dataset lacks?", ref, o.Ref)
			continue
		}
		others[string(buf)] = o.Ref
	}
}

// obsKeyHash hashes observation keys (a variable so that tests can make
// every key collide).
var obsKeyHash = maphash.Bytes

// appendObservationKey appends ObservationKey(*o) to b, without sorting
// the dimension names for every observation when they are the table's.
func (m *mapper) appendObservationKey(b []byte, o *Observation) []byte {
	names := m.dimNames
	if len(o.Dims) != len(names) {
		return append(b, ObservationKey(*o)...)
	}
	start := len(b)
	b = append(b, o.Period.Kind...)
	b = append(b, '|')
	b = appendDate(b, o.Period.Start)
	b = append(b, '|')
	b = appendDate(b, o.Period.End)
	for _, k := range names {
		v, ok := o.Dims[k]
		if !ok {
			return append(b[:start], ObservationKey(*o)...)
		}
		b = append(b, '|')
		b = append(b, k...)
		b = append(b, '=')
		b = append(b, v...)
	}
	return b
}

// appendDate appends t.Format(time.DateOnly) to b.
func appendDate(b []byte, t time.Time) []byte {
	y, mo, d := t.Date()
	if y < 1000 || y > 9999 {
		return t.AppendFormat(b, time.DateOnly)
	}
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+int(mo)/10), byte('0'+int(mo)%10), '-', byte('0'+d/10), byte('0'+d%10))
}

// checkPeriods compares the figures' periods with what the campaign asks.
func (m *mapper) checkPeriods() {
	span := m.s.Periods
	if span == nil {
		return
	}
	seen := map[string]bool{}
	for _, o := range m.obs {
		p := o.Period
		if seen[p.Label] {
			continue
		}
		seen[p.Label] = true
		switch {
		case span.Kind == "calendar" && p.Kind == KindFinancialYear:
			m.review("figures are for financial years (%s) but the campaign asks for calendar years", p.Label)
		case span.Kind == "financial" && p.Kind == KindCalendarYear:
			m.review("figures are for calendar years (%s) but the campaign asks for financial years", p.Label)
		case p.Kind == KindPartial:
			m.decide(Decision{Kind: "value", Subject: "period", Text: p.Label, Dimension: m.pdim, Code: p.Label, Confidence: 1, Reason: "a partial period: figures so far, not a full year"})
		}
		if !span.Contains(p) {
			m.decide(Decision{Kind: "value", Subject: "period", Text: p.Label, Dimension: m.pdim, Code: p.Label, Confidence: 1, Reason: "outside the span the campaign asks about; kept"})
		}
	}
}

// finish computes the table's confidence and whether it needs review.
func (m *mapper) finish() *Result {
	res := m.res
	res.Observations = m.obs
	if res.Observations == nil {
		res.Observations = []Observation{}
	}
	conf := m.minConf
	lowest := ""
	for _, o := range m.obs {
		if o.Confidence < conf {
			conf = o.Confidence
			lowest = fmt.Sprintf("cell %s: %s", o.Ref, strings.Join(o.Reasons, "; "))
		}
	}
	if len(m.obs) == 0 {
		conf = 0
		m.review("no figures could be placed")
		res.ReviewReasons = m.res.ReviewReasons
	}
	res.Confidence = math.Round(conf*1000) / 1000
	if res.Confidence < m.s.ReviewThreshold && len(m.obs) > 0 {
		r := fmt.Sprintf("confidence %.2f is below the review threshold %.2f", res.Confidence, m.s.ReviewThreshold)
		if lowest != "" {
			r += " (lowest: " + lowest + ")"
		}
		res.ReviewReasons = append(res.ReviewReasons, r)
	}
	res.NeedsReview = len(res.ReviewReasons) > 0
	return &res
}
