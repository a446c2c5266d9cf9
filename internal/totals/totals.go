// Package totals says which row and column labels name a total ("Total",
// "Grand total", "All offences") and whether a stated total agrees with the
// sum of its parts. The extractor's self-check (package extract) and the
// normaliser's total checks (package normalise) both read totals here.
//
// The two read labels by different rules, kept apart on purpose:
//
//   - Leading (extract) sees raw cell text and no vocabulary: a label is a
//     total when it begins with a total word or "All" ("Total", "Grand
//     total", "Sub-total", "All offences", "Overall", "Sum"), unless it is
//     "All other ...". "Polish total" is not one; "All offences" is.
//   - Keyed (normalise) sees a label's key (folded, abbreviations spelled
//     out, plurals made singular) and knows which "All ..." phrases mean a
//     total: a label is a total when "total", "totals" or "subtotal" is one
//     of its words anywhere ("Polish total", "Total 2022"), or when the
//     whole label is one of WholePhrases ("All offences", "Overall",
//     "Combined"). "All staff" is not one; "Polish total" is.
//
// The sums are compared by two tolerances for the same reason: Shown, for
// figures as printed (rounded to the decimals shown), and Relative, for
// figures already read as numbers.
package totals

import (
	"strings"

	"github.com/foidesk/foidesk/internal/lazyre"
)

var (
	leadingRE    = lazyre.New(`^(?:grand\s+total|sub[\s-]?total|totals?|all|overall(?:\s+total)?|sum)\b`)
	notLeadingRE = lazyre.New(`^all\s+(?:other|others|else)\b`)
)

// Leading reports whether a label names a total by the leading rule:
// "Total", "Grand total", "Totals", "All", "All offences", "Overall". s has
// its white space collapsed to single spaces with none at either end.
func Leading(s string) bool {
	s = strings.ToLower(s)
	return s != "" && len(s) <= 80 && leadingRE.MatchString(s) && !notLeadingRE.MatchString(s)
}

// WholePhrases are labels that name a total when they are the whole label,
// under the keyed rule.
var WholePhrases = []string{
	"all", "overall", "all nationalities", "all nationality", "all offences", "all offence groups", "all crimes",
	"all crime types", "all years", "all countries", "all groups", "all categories", "all periods",
	"all foreign nationals", "all foreign nationalities", "all outcomes", "all community resolutions",
	"all offence types", "all types", "total all", "sum", "combined", "all non uk nationals",
}

// Keyed recognises totals by the keyed rule, in the key form of the
// caller's vocabulary.
type Keyed struct {
	whole map[string]bool
}

// NewKeyed returns the keyed rule for labels put in key form by key, which
// it also applies to WholePhrases.
func NewKeyed(key func(string) string) *Keyed {
	k := &Keyed{whole: make(map[string]bool, len(WholePhrases))}
	for _, s := range WholePhrases {
		k.whole[key(s)] = true
	}
	return k
}

// totalWords are the words that make a label a total wherever they stand.
var totalWords = map[string]bool{"total": true, "totals": true, "subtotal": true}

// Match reports whether a label whose key is k names a total, and whether
// it does so as a whole phrase (then it says nothing else; otherwise Rest
// gives what else it says).
func (r *Keyed) Match(k string) (total, whole bool) {
	if k == "" {
		return false, false
	}
	if r.whole[k] {
		return true, true
	}
	for rest := k; rest != ""; {
		t := rest
		if i := strings.IndexByte(rest, ' '); i >= 0 {
			t, rest = rest[:i], rest[i+1:]
		} else {
			rest = ""
		}
		if totalWords[t] {
			return true, false
		}
	}
	return false, false
}

var reRestStrip = lazyre.New(`\b(?:grand|sub|overall|total|totals|subtotal|for|of|all)\b`)

// Rest is what a total's label says besides the total ("total 2022" →
// "2022", "polish total" → "polish"). folded is the label folded: lower
// case, words separated by single spaces.
func Rest(folded string) string {
	return strings.Join(strings.Fields(reRestStrip.ReplaceAllString(strings.ToLower(folded), " ")), " ")
}

// MayBe is false for texts that surely name no total under either rule:
// every total word has letters, so an ASCII text without letters names none.
func MayBe(text string) bool {
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c >= 0x80 || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			return true
		}
	}
	return false
}
