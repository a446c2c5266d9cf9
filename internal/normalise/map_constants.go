package normalise

// Phase 3, constants: the value of each dimension no axis holds, from the
// operator, the title rows, the table title or the sheet name, and section
// headings inside the body.

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// constant is a dimension's value for a whole table or section.
type constant struct {
	code   string
	period *ParsedPeriod
	conf   float64
	reason string
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
