package classify

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/foidesk/foidesk/internal/lazyre"
)

// DateLayout is the layout of the dates in Result: a calendar date.
const DateLayout = "2006-01-02"

// ErrNoDate is returned by ParseDate when the text holds no date it reads.
var ErrNoDate = errors.New("classify: no date")

const monthRx = `(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)`

// Date forms, UK order. Each pattern consumes one character of context on
// each side (or the text edge) so that "16/06/669", "2014060002719" or
// "dated17th" are read correctly; the date itself is in the groups.
var (
	// 25/06/2014, 25.06.2014, 25-6-14
	numericDateRe = lazyre.New(`(?:^|[^\d/.\-])(\d{1,2})([/.\-])(\d{1,2})([/.\-])(\d{4}|\d{2})(?:[^\d/\-]|\.\D|\.$|$)`)
	// 2014-06-25
	isoDateRe = lazyre.New(`(?:^|[^\d])((?:19|20)\d{2})-(\d{2})-(\d{2})(?:[^\d]|$)`)
	// 13 May 2011, 13th May 2011, 12^th April 2021, 3rd of February 2017,
	// Monday 3 March 2025, 13 May, 2011
	dayMonthRe = lazyre.New(`(?i)(?:^|[^\d])(\d{1,2})\s*\^?(?:st|nd|rd|th)?(?:\s+of)?\s+` + monthRx + `\.?,?\s+((?:19|20)\d{2})(?:[^\d]|$)`)
	// January 28, 2025
	monthDayRe = lazyre.New(`(?i)\b` + monthRx + `\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)\d{2})(?:[^\d]|$)`)
)

type dateMatch struct {
	start, end int // of the date itself
	t          time.Time
}

// ParseDate reads the first date in s, in any of the forms police letters
// use: 25/06/2014 (day first), 2014-06-25, 13 May 2011, 13th May 2011,
// "Monday 3 March 2025", January 28, 2025. Two-digit years are 20YY. The
// result is midnight UTC on that calendar date.
func ParseDate(s string) (time.Time, error) {
	ds := findDates(normaliseText(s), 1)
	if len(ds) == 0 {
		return time.Time{}, fmt.Errorf("%w in %q", ErrNoDate, phrase(s))
	}
	return ds[0].t, nil
}

// findDates returns up to limit dates in text, in order.
func findDates(text string, limit int) []dateMatch {
	var out []dateMatch
	add := func(start, end, y, m, d int) {
		if y < 100 {
			y += 2000
		}
		t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
		if m < 1 || m > 12 || d < 1 || t.Day() != d || y < 1900 || y > 2099 {
			return
		}
		out = append(out, dateMatch{start: start, end: end, t: t})
	}
	for _, g := range numericDateRe.FindAllStringSubmatchIndex(text, limit*4) {
		if text[g[4]:g[5]] != text[g[8]:g[9]] { // separators differ
			continue
		}
		add(g[2], g[11], atoi(text[g[10]:g[11]]), atoi(text[g[6]:g[7]]), atoi(text[g[2]:g[3]]))
	}
	for _, g := range isoDateRe.FindAllStringSubmatchIndex(text, limit*4) {
		add(g[2], g[7], atoi(text[g[2]:g[3]]), atoi(text[g[4]:g[5]]), atoi(text[g[6]:g[7]]))
	}
	for _, g := range dayMonthRe.FindAllStringSubmatchIndex(text, limit*4) {
		add(g[2], g[7], atoi(text[g[6]:g[7]]), month(text[g[4]:g[5]]), atoi(text[g[2]:g[3]]))
	}
	for _, g := range monthDayRe.FindAllStringSubmatchIndex(text, limit*4) {
		add(g[2], g[7], atoi(text[g[6]:g[7]]), month(text[g[2]:g[3]]), atoi(text[g[4]:g[5]]))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].start < out[j].start })
	// Drop overlaps (a pattern can see part of another's date).
	kept := out[:0]
	end := -1
	for _, d := range out {
		if d.start < end {
			continue
		}
		kept = append(kept, d)
		end = d.end
	}
	if len(kept) > limit {
		kept = kept[:limit]
	}
	return kept
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func month(s string) int {
	s = strings.ToLower(s)
	for i, m := range []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"} {
		if strings.HasPrefix(s, m) {
			return i + 1
		}
	}
	return 0
}

var (
	receivedRe = lazyre.New(`(?i)\b(?:date\s+)?received\b`)
	// Receipt statements that are not the force's: "you received", "if you
	// have received this e-mail".
	notForceReceiptRe = lazyre.New(`(?i)\b(?:you|you\s+have|you've|have\s+you)\s*$`)
	datedBeforeRe     = lazyre.New(`(?i)\b(?:dated|of|sent(?:\s+on)?)\s*(?:the\s+)?$`)

	dueTriggerRe = lazyre.New(`(?i)\b(?:` +
		`extend(?:ed|ing)?\s+(?:the\s+)?(?:deadline|date|time|period|response\s+(?:date|time))` +
		`|(?:revised|new|extended)\s+(?:response\s+|due\s+|target\s+)?(?:date|deadline)` +
		`|(?:aim|expect|hope|endeavour|intend|anticipate)\s+to\s+(?:respond|reply|provide\s+(?:you\s+with\s+)?(?:a|the|our|your)\s+(?:full\s+)?response)` +
		`|(?:response|reply)\s+(?:will|should)\s+be\s+(?:sent|provided|issued|with\s+you)` +
		`|(?:respond|reply)\s+(?:to\s+you\s+)?(?:by|on\s+or\s+before|no\s+later\s+than)` +
		`|(?:due|deadline)\s+(?:date\s+)?(?:is|of|for\s+(?:a\s+)?response\s+is)` +
		`)\b`)
)

// receivedDate finds the date the force says it received the request:
// "received by the MPS on 25/06/2014", "received 13 May 2011", "Date
// received: 3 March 2025".
func receivedDate(text string) (string, Evidence, bool) {
	for _, m := range receivedRe.FindAllStringIndex(text, 16) {
		if notForceReceiptRe.MatchString(text[max(0, m[0]-16):m[0]]) {
			continue
		}
		if d, p, ok := dateAfter(text, m[0], m[1], 100); ok {
			return d, Evidence{Rule: "date:received", Source: SourceBody, Phrase: phrase(p),
				Note: "the date the force received the request"}, true
		}
	}
	return "", Evidence{}, false
}

// dueDate finds a response date the letter states.
func dueDate(text string) (string, Evidence, bool) {
	for _, m := range dueTriggerRe.FindAllStringIndex(text, 16) {
		if d, p, ok := dateAfter(text, m[0], m[1], 120); ok {
			return d, Evidence{Rule: "date:due", Source: SourceBody, Phrase: phrase(p),
				Note: "a response date stated in the reply"}, true
		}
	}
	return "", Evidence{}, false
}

// dateAfter finds the first date within span bytes after text[:end], in the
// same sentence, skipping dates introduced by "dated" (the request's own
// date). It returns the date and the phrase from start to the date's end.
func dateAfter(text string, start, end, span int) (string, string, bool) {
	hi := min(sentenceEnd(text, end), end+span, len(text))
	// sentenceEnd stops at a full stop; a date such as 25.06.2014 has none
	// followed by a space, so it is never cut.
	win := text[end:hi]
	for _, d := range findDates(win, 4) {
		if datedBeforeRe.MatchString(win[:d.start]) {
			continue
		}
		return d.t.Format(DateLayout), text[start : end+d.end], true
	}
	return "", "", false
}
