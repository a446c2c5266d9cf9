package normalise

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/foidesk/foidesk/internal/extract"
)

// cellClass is what a cell's text could be.
type cellClass struct {
	empty     bool
	value     bool   // a figure or flag (not blank)
	isPeriod  bool   // reads as a period
	strong    bool   // a figure that cannot be a heading
	total     bool   // names a total (totalOf: package totals' keyed rule)
	totalRest string // what else a total's label says ("Total 2022": "2022")
}

// mapper reads one table into observations. run takes it through its
// phases, each in its own file:
//
//	map_layout.go     the grid, its heading rows and label columns, row kinds
//	map_axes.go       which dimension each heading row and label column holds
//	map_place.go      labels placed as coordinates; the figure columns' places
//	map_constants.go  dimensions no axis holds: operator, titles, sections
//	map_walk.go       every body row's labels, and its figures as observations
//	map_totals.go     stated totals against the figures they cover
//	map_checks.go     figures placed twice, periods against the campaign's
//
// Its state is grouped by what fills it: the schema (fixed), the grid and
// its axes (phases 1 to 3), the output (phases 4 to 6) and per-table memos.
type mapper struct {
	t  *extract.Table
	s  *Schema
	ov Overrides
	schemaDims
	tableGrid
	tableAxes
	mapOutput
	mapMemo
}

// schemaDims is the schema's dimensions as the mapper reads them.
type schemaDims struct {
	pdim string // the period dimension's name
	dims map[string]*dimMatcher
	// order is the schema's dimension order.
	order []string
	// dimNames are the dimensions an observation's Dims holds, sorted.
	dimNames []string
}

// tableGrid is the table as a grid of normalised texts, once ignored,
// hidden and empty rows and columns are dropped (buildGrid), and its
// layout (findLayout, kindRows).
type tableGrid struct {
	rows, cols []int // original positions of the grid's rows and columns
	g          [][]string
	cells      [][]*extract.Cell
	hasMerges  bool

	H, L     int      // heading rows and label columns
	titles   []string // title rows peeled off the top
	rowKinds []int    // rowData, rowNote, ... by grid row
}

// tableAxes is what the headings and labels hold (classifyAxes,
// computeColumns, collectConstants).
type tableAxes struct {
	headAxes   []axis // one per header row
	labelAxes  []axis // one per label column
	colIgnore  map[int]bool
	consts     map[string]constant
	colCoord   []coord
	isAssigned map[string]bool // dimensions read from an axis, once the axes are known
	assignedAt []bool          // the same by position in order
}

// mapOutput is what the mapper reports: observations, totals, decisions
// and review reasons.
type mapOutput struct {
	obs      []Observation
	totals   []pendingTotal
	res      Result
	reviewed map[string]bool
	minConf  float64
	numbers  []float64 // backing store for observations' values
	reasons  []string  // backing store for observations' reasons
}

// mapMemo holds per-table memos of pure readings, by text, and buffers.
type mapMemo struct {
	classes     map[string]cellClass
	captions    map[string]bool
	keys        map[string]string
	measure     *measureMatcher
	distinctBuf []string
	// cellBuf is the cell of a compact table cellAt gave last.
	cellBuf extract.Cell
}

func newMapper(t *extract.Table, s *Schema, o *Options) *mapper {
	// The per-text memos are sized for the table's headings and labels;
	// figures make them grow only when they are many and varied.
	hint := min(t.NumRows()+t.NumCols(), 1<<10)
	m := &mapper{t: t, s: s,
		schemaDims: schemaDims{dims: map[string]*dimMatcher{}},
		tableAxes:  tableAxes{colIgnore: map[int]bool{}, consts: map[string]constant{}},
		mapOutput:  mapOutput{reviewed: map[string]bool{}, minConf: 1},
		mapMemo:    mapMemo{classes: make(map[string]cellClass, hint+64), captions: make(map[string]bool, hint), keys: make(map[string]string, hint)},
	}
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

// namesTotal reports whether a heading or label marks a total: by its
// wording or by the operator's override.
func (m *mapper) namesTotal(text string) bool {
	return m.class(text).total || m.overrideTarget(text) == "total"
}

// ref names an original grid position.
func (m *mapper) ref(r, c int) string {
	if cell := m.cellAt(r, c); cell != nil && cell.Ref != "" {
		return cell.Ref
	}
	return fmt.Sprintf("r%dc%d", r+1, c+1)
}

// cellAt returns the extracted cell at an original grid position, or nil
// outside the grid. A compact table's cell (its text and ref; it has no
// more) is built in m.cellBuf: it is good until the next call.
func (m *mapper) cellAt(r, c int) *extract.Cell {
	t := m.t
	if !t.Compact() {
		if r < 0 || r >= len(t.Rows) || c < 0 || c >= len(t.Rows[r]) {
			return nil
		}
		return &t.Rows[r][c]
	}
	if r < 0 || r >= t.NumRows() || c < 0 || c >= t.NumCols() {
		return nil
	}
	m.cellBuf = extract.Cell{Text: t.Text(r, c), Ref: t.Ref(r, c)}
	return &m.cellBuf
}

// width returns the number of cells of original row r.
func (m *mapper) width(r int) int {
	if m.t.Compact() {
		return m.t.NumCols()
	}
	return len(m.t.Rows[r])
}

// text returns the text of the cell at an original grid position, or ""
// outside the grid.
func (m *mapper) text(r, c int) string { return m.t.Text(r, c) }

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
