package normalise

import (
	"slices"
	"strings"
	"unicode"

	"github.com/foidesk/foidesk/internal/extract"
	"golang.org/x/text/unicode/norm"
)

// normaliseSpace is extract.NormaliseSpace without its allocations for the
// common text that is already normal: no tab, newline, no-break space or
// other separator it collapses, no leading, trailing or doubled space.
func normaliseSpace(s string) string {
	prevSpace := true
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ':
			if prevSpace {
				return extract.NormaliseSpace(s)
			}
			prevSpace = true
		case '\t', '\n', '\r', '\f', '\v', 0xa0:
			// 0xa0 is the last byte of a no-break space; a text holding
			// it (in that rune or another) takes the general path.
			return extract.NormaliseSpace(s)
		default:
			prevSpace = false
		}
	}
	if prevSpace && len(s) > 0 {
		return extract.NormaliseSpace(s)
	}
	return s
}

// foldLetters replaces letters that do not decompose into a base letter and
// a combining mark.
var foldLetters = map[rune]string{
	'ø': "o", 'Ø': "o", 'ß': "ss", 'æ': "ae", 'Æ': "ae", 'œ': "oe", 'Œ': "oe",
	'ł': "l", 'Ł': "l", 'đ': "d", 'Đ': "d", 'ı': "i", 'þ': "th", 'ð': "d",
}

// tokenSynonyms rewrites whole tokens so that common abbreviations compare
// equal to the words they stand for.
var tokenSynonyms = map[string]string{
	"st":    "saint",
	"ste":   "sainte",
	"excl":  "excluding",
	"exc":   "excluding",
	"incl":  "including",
	"inc":   "including",
	"isl":   "island",
	"is":    "island",
	"isles": "island",
	"isle":  "island",
	"rep":   "republic",
	"dem":   "democratic",
}

// fold lower-cases s, strips accents, deletes apostrophes and full stops
// (so "U.K." is "uk" and "People's" is "peoples") and turns every other
// non-alphanumeric rune into a space. The result has single spaces and no
// leading or trailing space.
func fold(s string) string {
	if isASCII(s) {
		return foldASCII(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	space := true // suppress leading spaces
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if f, ok := foldLetters[r]; ok {
			b.WriteString(f)
			space = false
			continue
		}
		switch {
		case r == '\'' || r == '’' || r == '‘' || r == '`' || r == '.' || r == 'ʼ':
			continue
		case r == '&':
			if !space {
				b.WriteByte(' ')
			}
			b.WriteString("and ")
			space = true
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
			space = false
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	return strings.TrimRight(b.String(), " ")
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// foldASCII is fold for ASCII text, which has no accents to strip and no
// letters to spell out; it returns s itself when s is already folded.
func foldASCII(s string) string {
	folded := true
	space := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			space = false
		case c == ' ' && !space && i+1 < len(s):
			space = true
		default:
			folded = false
		}
		if !folded {
			break
		}
	}
	if folded {
		return s
	}
	var stack [64]byte
	b := stack[:0]
	space = true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\'' || c == '`' || c == '.':
			continue
		case c == '&':
			if !space {
				b = append(b, ' ')
			}
			b = append(b, "and "...)
			space = true
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			b = append(b, c)
			space = false
		case c >= 'A' && c <= 'Z':
			b = append(b, c+('a'-'A'))
			space = false
		default:
			if !space {
				b = append(b, ' ')
				space = true
			}
		}
	}
	for len(b) > 0 && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	return string(b)
}

// indexOpenBracket is strings.IndexAny(s, "(["): both are ASCII, and no
// byte of another rune's UTF-8 equals them.
func indexOpenBracket(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == '(' || s[i] == '[' {
			return i
		}
	}
	return -1
}

// singular returns an English plural token's singular by simple suffix
// rules. It is applied alike to vocabulary spellings and to inputs, so it
// only needs to be consistent, not correct.
func singular(t string) string {
	if len(t) <= 3 {
		return t
	}
	switch {
	case strings.HasSuffix(t, "ies"):
		return t[:len(t)-3] + "y"
	case strings.HasSuffix(t, "ss"), strings.HasSuffix(t, "us"), strings.HasSuffix(t, "is"):
		return t
	case strings.HasSuffix(t, "s"):
		return t[:len(t)-1]
	}
	return t
}

// tokens splits a folded string into canonical tokens.
func tokens(folded string) []string {
	if folded == "" {
		return nil
	}
	ts := strings.Split(folded, " ")
	for i, t := range ts {
		if s, ok := tokenSynonyms[t]; ok {
			t = s
		}
		ts[i] = singular(t)
	}
	return ts
}

// key is the exact-comparison form of s: folded, abbreviations expanded,
// plurals made singular.
func key(s string) string {
	f := fold(s)
	if keptWhole(f) {
		return f
	}
	return strings.Join(tokens(f), " ")
}

// keptWhole reports whether tokens leaves every token of a folded string
// as it is (no abbreviation, no plural), so that its key is itself.
func keptWhole(folded string) bool {
	for len(folded) > 0 {
		t := folded
		if i := strings.IndexByte(folded, ' '); i >= 0 {
			t, folded = folded[:i], folded[i+1:]
		} else {
			folded = ""
		}
		if _, ok := tokenSynonyms[t]; ok || singular(t) != t {
			return false
		}
	}
	return true
}

// stopWords are dropped from token-set keys.
var stopWords = map[string]bool{"of": true, "the": true, "and": true, "a": true, "an": true, "for": true, "in": true}

// tokenSetKey is the order-insensitive form of a key: its distinct tokens
// other than stop words, sorted.
func tokenSetKey(k string) string {
	if k == "" {
		return ""
	}
	if strings.IndexByte(k, ' ') < 0 {
		if stopWords[k] {
			return ""
		}
		return k
	}
	ts := strings.Split(k, " ")
	out := ts[:0:0]
	for _, t := range ts {
		if !stopWords[t] {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	out = slices.Compact(out)
	return strings.Join(out, " ")
}

// withoutNoise drops the given noise tokens from a key, returning "" when
// nothing else is left.
func withoutNoise(k string, noise map[string]bool) string {
	if len(noise) == 0 || k == "" {
		return k
	}
	if strings.IndexByte(k, ' ') < 0 {
		if noise[k] {
			return ""
		}
		return k
	}
	anyNoise := false
	for i, start := 0, 0; i <= len(k); i++ {
		if i == len(k) || k[i] == ' ' {
			if noise[k[start:i]] {
				anyNoise = true
				break
			}
			start = i + 1
		}
	}
	if !anyNoise {
		return k // splitting and joining again gives k
	}
	ts := strings.Split(k, " ")
	out := ts[:0:0]
	for _, t := range ts {
		if !noise[t] {
			out = append(out, t)
		}
	}
	return strings.Join(out, " ")
}

// appendTokenSetKey appends tokenSetKey(k) to b, sorting the tokens on the
// stack, so that a lookup by it allocates nothing.
func appendTokenSetKey(b []byte, k string) []byte {
	if k == "" {
		return b
	}
	var stack [16]string
	ts := stack[:0]
	for i, start := 0, 0; i <= len(k); i++ {
		if i == len(k) || k[i] == ' ' {
			if t := k[start:i]; !stopWords[t] {
				ts = append(ts, t)
			}
			start = i + 1
		}
	}
	slices.Sort(ts)
	ts = slices.Compact(ts)
	for i, t := range ts {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, t...)
	}
	return b
}

// editDistance is the optimal-string-alignment distance between a and b
// (insertions, deletions, substitutions and adjacent transpositions), or
// max+1 when it exceeds max.
func editDistance(a, b []rune, max int) int {
	return editDistanceIn(a, b, max, nil)
}

// editDistanceIn is editDistance working in buf when it has room for three
// rows of len(b)+1.
func editDistanceIn(a, b []rune, max int, buf []int) int {
	la, lb := len(a), len(b)
	if d := la - lb; d > max || -d > max {
		return max + 1
	}
	// Three rolling rows are enough for transpositions.
	n := lb + 1
	if cap(buf) < 3*n {
		buf = make([]int, 3*n)
	}
	buf = buf[:3*n]
	clear(buf)
	prev2, prev, cur := buf[:n:n], buf[n:2*n:2*n], buf[2*n:3*n:3*n]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= la; i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= lb; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > max {
			return max + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	if prev[lb] > max {
		return max + 1
	}
	return prev[lb]
}
