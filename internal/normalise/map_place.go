package normalise

// Placing labels: what a heading or a row label contributes to a figure's
// coordinates, and the coordinates of every figure column.

import (
	"fmt"
	"strings"
)

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

// place reads one label of an axis into a coordinate. It reports false when
// the label cannot be placed.
func (m *mapper) place(c *coord, dim, text string, where func() string) bool {
	d := m.dims[dim]
	if d.isPeriod() {
		r := d.periodOnce(text)
		if r.err != nil {
			m.review("%s: %q is not a period", where(), text)
			m.decideValue(dim, text, "", 0, r.err.Error())
			return false
		}
		p := &r.p // the table's reading of text, shared and never changed
		c.periods = p
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
			isTotal := t != "" && m.namesTotal(t)
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
