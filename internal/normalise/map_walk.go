package normalise

// Phase 4, reading the figures: every body row's labels are placed, and
// each of its figures becomes an observation or a pending total.

import (
	"fmt"
	"slices"

	"github.com/foidesk/foidesk/internal/extract"
)

// walk places every figure of the body, row by row: rows that hold no
// figures are set aside, the labels of the others are placed, and each of
// their figures is emitted.
func (m *mapper) walk() {
	nc := len(m.g[0])
	last := make([]string, m.L)
	labelBuf := make([]string, m.L)
	codesBuf := make([]dimCode, 0, len(m.order))
	section := map[string]constant{}
	fallback, hasFallback := make([]constant, len(m.order)), make([]bool, len(m.order))
	skip := make([]bool, nc) // columns whose figures are not placed
	m.figureColumns(skip)
	for r := m.H; r < len(m.g); r++ {
		row := m.g[r]
		if m.setAside(r, section, last) {
			continue
		}
		if ot := m.overrideTarget(firstNonEmpty(row[:m.L])); ot == "ignore" {
			m.decide(Decision{Kind: "skip", Subject: m.rowName(r), Confidence: 1, Reason: "operator override: ignore"})
			continue
		}
		labels, totalAt := m.rowLabels(row, labelBuf, last)
		rc := newCoord()
		rc.codes = codesBuf[:0] // a row's codes are read only while its figures are placed
		if m.placeRow(r, &rc, labels, totalAt); rc.bad {
			continue
		}
		m.fallbacks(section, fallback, hasFallback)
		for c := m.L; c < nc; c++ {
			cc := &m.colCoord[c]
			if skip[c] {
				continue
			}
			m.emit(r, c, &rc, cc, fallback, hasFallback)
		}
	}
}

// figureColumns sets skip[c] for each column c whose figures are not
// placed (a column that could not be placed or that the operator
// ignores), and makes room for the observations and decisions to come.
func (m *mapper) figureColumns(skip []bool) {
	nc := len(m.g[0])
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
	// cell of a total column, up to a few thousand: value decisions are
	// one per distinct label, and a long table repeats its labels, so
	// that room for every row (104 bytes a decision) would mostly stay
	// empty; past it the slice grows as it fills.
	m.res.Decisions = slices.Grow(m.res.Decisions, min((len(m.g)-m.H)*(m.L+totalCols), 1<<12)+16)
}

// setAside reports whether body row r holds no figures to place: a note, a
// repeated heading, a section heading (recorded in section) or a group
// heading (recorded in last, the labels filled down).
func (m *mapper) setAside(r int, section map[string]constant, last []string) bool {
	row := m.g[r]
	switch m.rowKinds[r] {
	case rowNote:
		if ts, _ := m.distinct(r, 0); len(ts) > 0 {
			m.decide(Decision{Kind: "skip", Subject: m.rowName(r), Text: ts[0], Confidence: 1, Reason: "note row"})
		}
		return true
	case rowRepeat:
		m.decide(Decision{Kind: "skip", Subject: m.rowName(r), Confidence: 1, Reason: "repeats the heading row"})
		return true
	case rowSingle:
		ts, _ := m.distinct(r, 0)
		if m.sectionRow(r, ts[0], section) {
			return true
		}
		// A label alone in a grouping column ("Polish" above its
		// offences): it heads the rows below.
		if l := slices.Index(row[:m.L], ts[0]); l >= 0 && l < m.L-1 && m.labelAxes[l].kind == axisDim {
			if last[l] != ts[0] {
				clear(last[l+1:])
			}
			last[l] = ts[0]
			m.decide(Decision{Kind: "skip", Subject: m.rowName(r), Text: ts[0], Confidence: 1, Reason: "group heading for the rows below"})
			return true
		}
	}
	return false
}

// rowLabels is a row's labels, in labels, filled down in grouping columns
// from last, and the first label column naming a total (-1 for none). A
// row that is no total updates last.
func (m *mapper) rowLabels(row, labels, last []string) ([]string, int) {
	totalAt := -1
	for l := 0; l < m.L; l++ {
		t := row[l]
		if totalAt < 0 && t != "" && m.namesTotal(t) {
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
	return labels, totalAt
}

// placeRow places row r's labels into rc, on the label columns' axes; from
// totalAt on, the row sums over the axes' dimensions. rc.bad tells that
// the row cannot be placed.
func (m *mapper) placeRow(r int, rc *coord, labels []string, totalAt int) {
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
			if rest == "" || !m.quietPlace(rc, ax.dim, rest) {
				rc.setTotalled(ax.dim)
			}
		case totalAt >= 0 && l > totalAt && t == "":
			rc.setTotalled(ax.dim)
		case t == "":
			m.review("%s has no %s label", m.rowName(r), ax.dim)
			rc.bad = true
		default:
			if !m.place(rc, ax.dim, t, where) {
				rc.bad = true
			}
		}
		rc.lower(ax.conf, "")
	}
}

// fallbacks sets, by position in the schema's order, what the section or
// the table gives each dimension no axis holds.
func (m *mapper) fallbacks(section map[string]constant, fallback []constant, hasFallback []bool) {
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
	var cell *extract.Cell
	if m.t.Compact() {
		cell = m.cellAt(or, oc) // fillGrid kept no cells
	} else {
		cell = m.cells[r][c]
	}
	v, ref, err := m.readFigure(cell, or, oc)
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
	totalled := totalledBy(rc, cc)
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

// readFigure reads the figure of the grid cell at original position (or,
// oc), and the reference that names it; no cell reads as blank.
func (m *mapper) readFigure(cell *extract.Cell, or, oc int) (v figure, ref string, err error) {
	if cell == nil {
		v = figure{flag: FlagBlank, conf: 1, reason: "empty cell"}
	} else {
		v, err = readCell(cell)
	}
	if cell != nil && cell.Ref != "" {
		ref = cell.Ref // cell is the extracted cell at (or, oc)
	} else {
		ref = m.ref(or, oc)
	}
	return v, ref, err
}

// totalledBy is the dimensions a figure at row rc and column cc sums
// over, nil for none. The row's or the column's own set serves when the
// other adds none: these sets are not changed once the row is read, and a
// pending total only reads its set.
func totalledBy(rc, cc *coord) map[string]bool {
	switch {
	case len(rc.totalled) == 0 && len(cc.totalled) == 0:
		return nil
	case len(cc.totalled) == 0:
		return rc.totalled
	case len(rc.totalled) == 0:
		return cc.totalled
	}
	totalled := make(map[string]bool, len(rc.totalled)+len(cc.totalled))
	for k := range rc.totalled {
		totalled[k] = true
	}
	for k := range cc.totalled {
		totalled[k] = true
	}
	return totalled
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
