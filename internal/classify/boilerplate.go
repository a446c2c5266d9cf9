package classify

import (
	"strings"

	"github.com/foidesk/foidesk/internal/lazyre"
)

// document is a body split into the text the rules count (kept) and the
// blocks removed from it.
type document struct {
	kept     string
	stripped []stripped
}

// stripped is one removed block.
type stripped struct {
	rule    string // boilerplate rule name
	source  Source // SourceBoilerplate or SourceQuoted
	trigger string // the line that started the block
	text    string
}

// quoted returns the text of the removed quoted blocks.
func (d *document) quoted() string {
	var b strings.Builder
	for _, s := range d.stripped {
		if s.source == SourceQuoted {
			b.WriteString(s.text)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// textReplacer maps typographic variants to the plain forms the rules are
// written for: no-break and other odd spaces, curly quotes, dashes, soft
// hyphens and zero-width characters.
var textReplacer = strings.NewReplacer(
	"\r\n", "\n", "\r", "\n",
	"\u00a0", " ", "\u2007", " ", "\u202f", " ", "\u2009", " ", "\u200a", " ", "\u3000", " ",
	"\u200b", "", "\u200c", "", "\u200d", "", "\ufeff", "", "\u00ad", "",
	"\u2018", "'", "\u2019", "'", "\u201a", "'", "\u2032", "'",
	"\u201c", `"`, "\u201d", `"`, "\u201e", `"`, "\u2033", `"`,
	"\u2013", "-", "\u2014", "-", "\u2012", "-", "\u2212", "-", "\u2010", "-", "\u2011", "-",
	"\t", " ",
)

func normaliseText(s string) string { return textReplacer.Replace(s) }

// A blockRule recognises the first line of a block to remove.
type blockRule struct {
	name   string
	source Source
	re     *lazyre.Regexp // matched against one line
	// extent says how far the block runs.
	extent extent
	// next, when set, must match one of the following lookahead non-blank
	// lines for the rule to apply (an Outlook "From:" line is quoted
	// only when "Sent:" or "To:" follows).
	next *lazyre.Regexp
}

type extent int

const (
	toEnd       extent = iota // everything from the line on
	toParagraph               // up to the next blank line, at most maxBlockLines
	oneLine
)

const (
	maxBlockLines = 12
	lookahead     = 4
)

// blockRules, in the order they are tried on each line. Quoted earlier
// messages and trailers run to the end: police replies are top-posted, and
// the text below a quote header belongs to the earlier message.
var blockRules = []blockRule{
	// Quoted earlier messages.
	{name: "quoted:original-message", source: SourceQuoted, extent: toEnd,
		re: lazyre.New(`(?i)^\s*-{2,}\s*(?:original|forwarded) message\s*-{2,}\s*$`)},
	{name: "quoted:forwarded", source: SourceQuoted, extent: toEnd,
		re: lazyre.New(`(?i)^\s*begin forwarded message:?\s*$`)},
	{name: "quoted:wrote", source: SourceQuoted, extent: toEnd,
		re: lazyre.New(`(?i)^\s*on .{1,200}\bwrote:\s*$`)},
	{name: "quoted:header-block", source: SourceQuoted, extent: toEnd,
		re:   lazyre.New(`(?i)^\s*\*?from:\*?\s+\S`),
		next: lazyre.New(`(?i)^\s*\*?(?:sent|date|to|subject):\*?\s`)},
	{name: "quoted:separator-header", source: SourceQuoted, extent: toEnd,
		re:   lazyre.New(`^\s*_{10,}\s*$`),
		next: lazyre.New(`(?i)^\s*\*?from:\*?\s`)},
	// WhatDoTheyKnow renders collapsed quotes as "show quoted sections"; what
	// follows is the earlier message.
	{name: "quoted:wdtk-show-quoted", source: SourceQuoted, extent: toEnd,
		re: lazyre.New(`(?i)^\s*(?:show|hide) quoted sections\s*$`)},

	// WhatDoTheyKnow trailers.
	{name: "wdtk:visible-links", source: SourceBoilerplate, extent: toEnd,
		re: lazyre.New(`(?i)^\s*visible links\s*$`)},
	{name: "wdtk:references", source: SourceBoilerplate, extent: toEnd,
		re:   lazyre.New(`(?i)^\s*references\s*$`),
		next: lazyre.New(`(?i)^\s*(?:visible links|1\.\s+\S)`)},
	{name: "wdtk:request-address", source: SourceBoilerplate, extent: toEnd,
		re: lazyre.New(`(?i)^\s*please use this email address for all replies to this request`)},
	{name: "wdtk:disclaimer", source: SourceBoilerplate, extent: toEnd,
		re: lazyre.New(`(?i)^\s*disclaimer: this message and any reply that you make will be published`)},

	// Complaint rights (the ACPO model text used by the Met, GMP and others)
	// closes a letter; it speaks of reviews and decisions in general terms.
	{name: "complaint-rights", source: SourceBoilerplate, extent: toEnd,
		re: lazyre.New(`(?i)^\W*(?:complaint rights|your right to complain|are you unhappy with how your request has been handled)\b`)},

	// Review and appeal rights paragraphs.
	{name: "review-rights", source: SourceBoilerplate, extent: toParagraph,
		re: lazyre.New(`(?i)^\W*(?:if|should) you (?:are|remain|feel|still|do|wish)\s+(?:\w+\s+){0,3}(?:dissatisfied|unhappy|not satisfied|aggrieved|complain|appeal|to (?:request|ask for) (?:an )?(?:internal )?review)`)},
	{name: "review-rights", source: SourceBoilerplate, extent: toParagraph,
		re: lazyre.New(`(?i)^\W*you (?:have|also have) the right to (?:require|request|ask|complain|appeal)\b`)},
	{name: "review-rights", source: SourceBoilerplate, extent: toParagraph,
		re: lazyre.New(`(?i)^\W*(?:a\s+|any\s+)?requests?\s+for\s+(?:an?\s+)?(?:internal\s+)?review\s+(?:should|must|can|may)\s+be\s+(?:made|submitted|sent|addressed|received|lodged)\b`)},
	{name: "review-rights", source: SourceBoilerplate, extent: toParagraph,
		re: lazyre.New(`(?i)^\W*(?:information commissioner'?s office\b.*wycliffe house|wycliffe house, water lane)`)},

	// E-mail disclaimers (Kent/Essex joint text, Merseyside, WMP, ...).
	{name: "disclaimer", source: SourceBoilerplate, extent: toParagraph,
		re: lazyre.New(`(?i)^\W*this\s+e-?mail\s+(?:and\s+any\s+|is\s+intended\s+for\s+the\s+addressee|(?:message\s+)?(?:is|may be)\s+(?:confidential|private|privileged|intended))`)},
	{name: "disclaimer", source: SourceBoilerplate, extent: toParagraph,
		re: lazyre.New(`(?i)^\W*this\s+(?:message|communication|footnote)\s+(?:and any|is|may|confirms|contains)\b`)},
	{name: "disclaimer", source: SourceBoilerplate, extent: toParagraph,
		re: lazyre.New(`(?i)^\W*the\s+information\s+(?:contained\s+)?in\s+this\s+(?:e-?mail|message|communication)`)},
	{name: "disclaimer", source: SourceBoilerplate, extent: toParagraph,
		re: lazyre.New(`(?i)^\W*(?:any\s+(?:views|opinions)\s+(?:or\s+opinions\s+)?expressed\s+in\s+this|(?:all\s+)?(?:e-?mail|communications)\s+(?:traffic\s+)?(?:may\s+be|is|are)\s+(?:subject\s+to\s+)?(?:recorded|monitored)|please consider the environment)`)},
	{name: "separator", source: SourceBoilerplate, extent: oneLine,
		re: lazyre.New(`^\s*(?:={5,}|\*{5,}|-{20,})\s*$`)},

	// Protective markings.
	{name: "protective-marking", source: SourceBoilerplate, extent: oneLine,
		re: lazyre.New(`(?i)^\W*(?:classification:\s*)?(?:not protectively marked|official(?:[- ]sensitive)?|unclassified|restricted)\W*$`)},
}

// prepare normalises body and removes boilerplate and quoted text. Removed
// lines are replaced by empty lines so that sentences on either side do not
// run together.
func prepare(body string) document {
	text := reflow(normaliseText(body))
	lines := strings.Split(text, "\n")
	var d document
	kept := make([]string, len(lines))
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if strings.HasPrefix(strings.TrimLeft(line, " "), ">") {
			// Each ">" line is quoted; consecutive ones form one block.
			j := i
			for j < len(lines) && strings.HasPrefix(strings.TrimLeft(lines[j], " "), ">") {
				j++
			}
			d.stripped = append(d.stripped, stripped{rule: "quoted:angle-bracket", source: SourceQuoted,
				trigger: line, text: strings.Join(lines[i:j], "\n")})
			i = j - 1
			continue
		}
		r := matchBlock(lines, i)
		if r == nil {
			kept[i] = line
			continue
		}
		end := i + 1
		switch r.extent {
		case toEnd:
			end = len(lines)
		case toParagraph:
			for end < len(lines) && end-i < maxBlockLines && strings.TrimSpace(lines[end]) != "" {
				end++
			}
		}
		d.stripped = append(d.stripped, stripped{rule: r.name, source: r.source, trigger: line,
			text: strings.Join(lines[i:end], "\n")})
		i = end - 1
	}
	d.kept = strings.Join(kept, "\n")
	return d
}

// matchBlock returns the block rule that starts at lines[i], if any.
func matchBlock(lines []string, i int) *blockRule {
	line := lines[i]
	if strings.TrimSpace(line) == "" || len(line) > 2000 {
		return nil
	}
	for k := range blockRules {
		r := &blockRules[k]
		if !r.re.MatchString(line) {
			continue
		}
		if r.next != nil && !nextMatches(lines, i, r.next) {
			continue
		}
		return r
	}
	return nil
}

func nextMatches(lines []string, i int, re *lazyre.Regexp) bool {
	seen := 0
	for j := i + 1; j < len(lines) && seen < lookahead; j++ {
		if strings.TrimSpace(lines[j]) == "" {
			continue
		}
		seen++
		if re.MatchString(lines[j]) {
			return true
		}
	}
	return false
}

// reflow undoes the line breaks a rendering put inside sentences: a PDF's
// text wrapped at its own width ("... the information you have requested
// is\nnot held"), and words hyphenated across lines ("informa-\ntion").
// A line that does not end a sentence or introduce a list is joined to the
// next when the next starts with a lower-case letter, or when the line
// ends on a word no sentence ends on ("and", "of", "the"); so headings,
// numbered parts and table rows keep their lines, and the rules read the
// same sentence however the letter was laid out.
func reflow(text string) string {
	if !strings.Contains(text, "\n") {
		return text
	}
	lines := strings.Split(text, "\n")
	out := make([]string, 0, len(lines))
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		for i+1 < len(lines) && continues(line, lines[i+1]) {
			i++
			next := strings.TrimLeft(lines[i], " ")
			cur := strings.TrimRight(line, " ")
			if hyphenated(cur) {
				line = cur[:len(cur)-1] + next
			} else {
				line = cur + " " + next
			}
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// continues reports whether next carries on the sentence of line.
func continues(line, next string) bool {
	cur := strings.TrimRight(line, " ")
	n := strings.TrimLeft(next, " ")
	if cur == "" || n == "" || strings.HasPrefix(strings.TrimLeft(cur, " "), ">") {
		return false
	}
	switch cur[len(cur)-1] {
	case '.', ':', ';', '?', '!', '|':
		return false
	}
	if r := n[0]; r >= 'a' && r <= 'z' {
		return true
	}
	// A line ending in a word that cannot end a sentence ("for the period
	// 2015 and\n2016") carries on, whatever the next line starts with.
	w := cur[strings.LastIndexByte(cur, ' ')+1:]
	return danglingWords[strings.ToLower(w)]
}

// danglingWords are words a sentence does not end on.
var danglingWords = map[string]bool{
	"a": true, "an": true, "the": true, "and": true, "or": true, "of": true, "to": true, "for": true,
	"in": true, "on": true, "at": true, "by": true, "with": true, "from": true, "between": true,
	"is": true, "are": true, "was": true, "were": true, "that": true, "than": true, "under": true,
}

// hyphenated reports whether line ends in a word broken by a hyphen
// ("informa-"), not a dash standing alone (" -") or a number range.
func hyphenated(line string) bool {
	n := len(line)
	if n < 3 || line[n-1] != '-' {
		return false
	}
	a, b := line[n-2], line[n-3]
	return a >= 'a' && a <= 'z' && b >= 'a' && b <= 'z'
}
