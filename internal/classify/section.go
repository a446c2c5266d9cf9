package classify

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/foidesk/foidesk/internal/lazyre"
)

var (
	// "Section 12(1)", "section 21 (1)", "s.40(2)", "s40(2)", "Sections 24".
	sectionRe = lazyre.New(`(?i)\b(sections?\s*|ss?\.\s*|s)(\d{1,2})\b\s*(?:\(\s*(\d{1,2})\s*\))?`)
	// A further number in a list after "Sections": ", 30(3)", "and 31".
	sectionListRe = lazyre.New(`(?i)^\s*(?:,|and|&|or)\s*(\d{1,2})\b\s*(?:\(\s*(\d{1,2})\s*\))?`)
	// "of the Anti-Social Behaviour, Crime and Policing Act 2014": a section
	// of another Act.
	otherActRe = lazyre.New(`(?i)^\s*(?:\(\w{1,4}\)\s*)*(?:of|under)\s+the\s+([^.\n]{0,80}?)\bact\b`)
	foisaRe    = lazyre.New(`(?i)\(scotland\)\s+act\b|\bFOISA\b`)
)

// exemptionSection reports whether n is a section that grounds a refusal
// under the regime: s12 (cost), s14 (vexatious or repeated) and the
// exemptions; under FOISA also s17 (notice that information is not held).
func exemptionSection(n int, scottish bool) bool {
	switch {
	case n == 12 || n == 14:
		return true
	case scottish:
		return n == 17 || (n >= 25 && n <= 41)
	default:
		return n >= 21 && n <= 44
	}
}

// impliedBy maps a rule name to the section its wording relies on.
var impliedBy = func() map[string]string {
	m := map[string]string{}
	for _, r := range bodyRules {
		if r.implies != "" {
			m[r.name] = r.implies
		}
	}
	return m
}()

type section struct {
	n, sub int // sub 0: not stated
}

func (s section) String() string {
	if s.sub > 0 {
		return fmt.Sprintf("s%d(%d)", s.n, s.sub)
	}
	return fmt.Sprintf("s%d", s.n)
}

// citedSections lists the sections text relies on (see Result.Sections),
// with one evidence item for each. Sections implied by counted rules in c
// ("would exceed the 18 hours" implies s12) are added when not cited.
func citedSections(text, force string, c *collector) ([]string, []Evidence) {
	scottish := force == "police-scotland" || foisaRe.MatchString(text)
	found := map[section]string{} // section -> phrase
	var order []section
	add := func(s section, p string) {
		if !exemptionSection(s.n, scottish) {
			return
		}
		if _, ok := found[s]; !ok {
			found[s] = p
			order = append(order, s)
		}
	}
	for _, m := range sectionRe.FindAllStringSubmatchIndex(text, 64) {
		end := m[1]
		if otherAct(text[end:min(len(text), end+120)]) {
			continue
		}
		// "Section 40 does not apply", "no exemption has been applied": a
		// section the letter says it does not rely on.
		if notReliedRe.MatchString(text[sentenceStart(text, m[0]):sentenceEnd(text, end)]) {
			continue
		}
		add(section{n: atoi(text[m[4]:m[5]]), sub: subOf(text, m[6], m[7])}, text[m[0]:m[1]])
		if !strings.HasPrefix(strings.ToLower(text[m[2]:m[3]]), "sections") {
			continue
		}
		for range 8 {
			l := sectionListRe.FindStringSubmatchIndex(text[end:min(len(text), end+40)])
			if l == nil {
				break
			}
			s := section{n: atoi(text[end+l[2] : end+l[3]]), sub: subOf(text[end:], l[4], l[5])}
			add(s, text[m[0]:end+l[1]])
			end += l[1]
		}
	}
	// Implied sections.
	implied := map[int]string{}
	for _, e := range c.list {
		if !e.Source.Counts() || e.Weight == 0 {
			continue
		}
		if sec, ok := impliedBy[e.Rule]; ok {
			n := atoi(strings.TrimPrefix(sec, "s"))
			if scottish && n == 21 {
				n = 25 // information otherwise accessible is s.25 of FOISA
			}
			if _, seen := implied[n]; !seen {
				implied[n] = e.Phrase
			}
		}
	}
	var evs []Evidence
	wasImplied := map[section]bool{}
	nums := make([]int, 0, len(implied))
	for n := range implied {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	for _, n := range nums {
		p := implied[n]
		cited := false
		for s := range found {
			cited = cited || s.n == n
		}
		if !cited {
			s := section{n: n}
			found[s] = p
			wasImplied[s] = true
			order = append(order, s)
			evs = append(evs, Evidence{Rule: "section:implied", Source: SourceBody, Phrase: phrase(p),
				Note: s.String() + " relied on in words, not cited by number"})
		}
	}
	// Drop a bare section when a subsection of it is cited.
	var keep []section
	for _, s := range order {
		if s.sub == 0 {
			dup := false
			for t := range found {
				dup = dup || (t.n == s.n && t.sub > 0)
			}
			if dup {
				continue
			}
		}
		keep = append(keep, s)
	}
	sort.Slice(keep, func(i, j int) bool {
		if keep[i].n != keep[j].n {
			return keep[i].n < keep[j].n
		}
		return keep[i].sub < keep[j].sub
	})
	out := make([]string, 0, len(keep))
	for _, s := range keep {
		out = append(out, s.String())
		if wasImplied[s] {
			continue
		}
		evs = append(evs, Evidence{Rule: "section:" + s.String(), Source: SourceBody, Phrase: phrase(found[s])})
	}
	return out, evs
}

// notReliedRe: a sentence saying a section is not relied on.
var notReliedRe = lazyre.New(`(?i)\b(?:does|do|did|will|would) not (?:apply|engage)\b|\b(?:doesn't|don't|didn't|won't) apply\b|\b(?:is|are|was|were|has|have) not (?:been )?(?:engaged|applied|relied (?:up)?on)\b|\bno exemptions? (?:applies|apply|has been applied|have been applied|is engaged|are engaged)\b`)

func subOf(text string, i, j int) int {
	if i < 0 {
		return 0
	}
	n, _ := strconv.Atoi(text[i:j])
	return n
}

// otherAct reports whether the text after a section number names an Act
// other than FOIA or FOISA, in full or abbreviated ("the FOI Act", "the
// FOI(S) Act").
func otherAct(after string) bool {
	m := otherActRe.FindStringSubmatch(after)
	if m == nil {
		return false
	}
	name := strings.ToLower(strings.TrimSpace(m[1]))
	return name != "" && !strings.Contains(name, "freedom of information") && !foiActRe.MatchString(name)
}

// foiActRe is the name of the Act abbreviated.
var foiActRe = lazyre.New(`^(?:foi|foia|foisa|foi ?\(s\)|foi ?\(scotland\))$`)
