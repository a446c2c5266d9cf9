package normalise

// Phase 2, matching dimensions: which dimension each heading row and each
// label column holds.

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

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
// column holds: every row and column proposes candidates, the best are
// taken, one axis per dimension, and each axis's decision is recorded.
func (m *mapper) classifyAxes() {
	m.headAxes = make([]axis, m.H)
	m.labelAxes = make([]axis, m.L)
	var cands []candidate
	headValues := make([][]string, m.H)
	labelValues := make([][]string, m.L)
	for h := 0; h < m.H; h++ {
		headValues[h], cands = m.headCandidates(h, cands)
	}
	for l := 0; l < m.L; l++ {
		labelValues[l], cands = m.labelCandidates(l, cands)
	}
	m.assignAxes(cands)
	m.decideAxes(headValues, labelValues)
}

// headCandidates reads heading row h: its values (not totals, captions or
// what the operator set aside), and a candidate per dimension they read
// as, appended to cands.
func (m *mapper) headCandidates(h int, cands []candidate) ([]string, []candidate) {
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
	for _, name := range m.order {
		if sc := m.score(name, vals.list); sc > 0 {
			cands = append(cands, candidate{head: true, idx: h, dim: name, score: sc})
		}
	}
	return vals.list, cands
}

// labelCandidates reads label column l: the dimension its heading names,
// its values, and a candidate per dimension, appended to cands. A column
// the operator ignores is settled here and has no values.
func (m *mapper) labelCandidates(l int, cands []candidate) ([]string, []candidate) {
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
		return nil, cands
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
	return vals.list, cands
}

// assignAxes gives each dimension to its best candidate scoring at least
// 0.5, named ones first among equals, one axis per dimension.
func (m *mapper) assignAxes(cands []candidate) {
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
}

// decideAxes records every axis's decision; rows and columns with values
// no dimension took are unplaced and lower the table to review.
func (m *mapper) decideAxes(headValues, labelValues [][]string) {
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
