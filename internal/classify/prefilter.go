package classify

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// A prefilter holds literal words of which every match of a pattern
// contains at least one. Checking for them with strings.Contains on folded
// text is far cheaper than running the pattern, and most rules' words are
// absent from most letters. A nil prefilter always passes.
type prefilter []string

// minKey is the shortest word worth checking; shorter ones occur everywhere.
const minKey = 3

// newPrefilter derives the words from re's syntax tree. It returns nil when
// no set of words is required (the pattern could match without any).
func newPrefilter(re *regexp.Regexp) prefilter {
	t, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return nil
	}
	set, ok := required(t.Simplify())
	if !ok {
		return nil
	}
	return set
}

// required returns words of which every match of t contains one.
func required(t *syntax.Regexp) ([]string, bool) {
	switch t.Op {
	case syntax.OpLiteral:
		s := fold(string(t.Rune))
		if len(s) < minKey {
			return nil, false
		}
		return []string{s}, true
	case syntax.OpCapture, syntax.OpPlus:
		return required(t.Sub[0])
	case syntax.OpRepeat:
		if t.Min >= 1 {
			return required(t.Sub[0])
		}
	case syntax.OpConcat:
		// Any one part's words will do; take the most selective.
		var best []string
		found := false
		for _, s := range t.Sub {
			set, ok := required(s)
			if ok && (!found || shortest(set) > shortest(best)) {
				best, found = set, true
			}
		}
		return best, found
	case syntax.OpAlternate:
		var all []string
		for _, s := range t.Sub {
			set, ok := required(s)
			if !ok {
				return nil, false
			}
			all = append(all, set...)
		}
		return all, true
	}
	return nil, false
}

func shortest(set []string) int {
	n := -1
	for _, s := range set {
		if n < 0 || len(s) < n {
			n = len(s)
		}
	}
	return n
}

// pass reports whether folded (text passed through fold) may match.
func (p prefilter) pass(folded string) bool {
	if p == nil {
		return true
	}
	for _, k := range p {
		if strings.Contains(folded, k) {
			return true
		}
	}
	return false
}

// fold maps text for prefilter checks: ASCII letters to lower case, and the
// two non-ASCII runes that case-fold to ASCII letters (U+017F long s, U+212A
// Kelvin sign) to theirs, so a case-insensitive match always leaves its
// words in the folded text.
func fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		case r == 'ſ':
			return 's'
		case r == '\u212a':
			return 'k'
		}
		return r
	}, s)
}
