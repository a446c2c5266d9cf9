package classify

import (
	"slices"
	"strconv"
	"strings"

	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/internal/lazyre"
)

// The structure of a letter: which parts of the request it answers and
// which it refuses or says are not held. A letter that refuses or says "not
// held" for one named part of a request ("Q1 response: No information
// held", "for this question the exemption applies", "Qs 2, 3 & 5 ... we
// would not provide these details") and answers another, or refuses only
// one part, is a partial response whatever its wording, and so is an answer
// with one part refused. These are read from the layout of the letter, not
// from a force's phrases: part headings (Q1, Question 2, Part 3, Response 1
// & 2, a numbered item after the request is restated), a statement scoped to
// a part inline ("for question 1 there are currently 2,109"), and whether a
// refusal says it covers the whole request.

// layout is what structure found.
type layout struct {
	// negParts and posParts are the part labels ("1", "2&3") with an
	// answer that refuses or says not held, and with one that gives
	// something.
	negParts, posParts map[string]string // label -> phrase
	// negScoped counts refusals scoped to a part that is not numbered
	// ("for this question", "that part of your request").
	negScoped string
	// whole is a phrase saying the refusal covers the whole request.
	whole string
}

func (l layout) negatives() int {
	n := len(l.negParts)
	if l.negScoped != "" {
		n++
	}
	return n
}

var (
	// partHeadingRe finds a part heading at the start of a line: a label
	// (Q, Question, Qs, Part, Point, Response, Answer) or a bare number
	// with a dot or bracket, then the part numbers.
	partHeadingRe = lazyre.New(`(?im)^[ \t]*(?:(?:q(?:uestions?|s)?|parts?|points?|response|answer)[ \t.]*(\d{1,2}[a-z]?(?:(?:[ \t]*[,&][ \t]*|[ \t]+and[ \t]+|[ \t]*-[ \t]*)\d{1,2}[a-z]?)*)(?:[ \t]+(?:response|answer))?[ \t]*[:.)-]?|(\d{1,2})[.)])[ \t]*`)
	// statuteRe follows a bare number that opens a quoted provision of a
	// statute, not a part of the request: "12.—(4)", "12.-(4)", "1.(1)".
	statuteRe = lazyre.New(`^[ \t]*(?:[—–-][ \t]*)?\(\d`)
	// responseStartRe marks where the answer begins after the request is
	// restated.
	responseStartRe = lazyre.New(ws(`(?im)^[ \t]*(?:in response|(?:our |the )?response|answers?|decision)\b|\b(?:response|answers?) (?:is |are )?(?:set out|provided|given) below\b|\bplease (?:find|see) (?:the |our )?(?:[\w&'-]+ ){0,3}(?:response|answers?) (?:set out )?below\b|\bbelow (?:is|are) your request and our response\b`))
	// negativeRe is wording that refuses or says not held.
	negativeRe = lazyre.New(ws(`(?i)\bnot held\b|\bno (?:recorded )?information (?:is )?held\b|\bdo(?:es)? not hold\b|\bdo(?:es)? not have (?:this|the|that|any|such) (?:information|data)\b|\bexempt(?:ion|ions|ed)?\b|\bwithh(?:o|e)ld(?:ing)?\b|\bneither confirm\b|\bncnd\b|\bnot routinely\b|\bexceed(?:s|ed)? (?:the )?(?:appropriate|cost|18)|\bmanual(?:ly)? search|\bunable to (?:provide|supply|disclose|release)\b|\b(?:would|will|can|could) not (?:be )?(?:provide|disclose|release)d?\b|\bcannot be (?:provided|disclosed|released)\b|\bnot possible to (?:provide|supply|disclose|disaggregate|separate|identify|extract|break (?:this |it )?down)\b|\bnot (?:be )?disclosed\b|\brefus(?:e|ed|al)\b`))
	// questionStartRe: a restated question, not an answer.
	questionStartRe = lazyre.New(`(?i)^(?:please|can you|could you|would you|how many|how much|what|which|who|when|where|why|do you|does|did|have you|has|is there|are there|i would|i wish|i am|provide|list|copies|a copy|details of|any )`)
	// numberRe: a figure that is not a year.
	numberRe = lazyre.New(`(?:^|[^\d/.-])(\d{1,3}(?:,\d{3})+|\d+)(?:[^\d/]|$)`)
	// scopedNegRe: a refusal or not-held statement scoped inline to a
	// numbered part ("for question 2 is not routinely collated").
	scopedNegRe = lazyre.New(ws(`(?i)\b(?:for|in relation to|in respect of|with regards? to|regarding|at|to) (?:questions?|q|parts?|points?|requests?(?: numbers?)?) ?(\d{1,2}[a-z]?)\b([^.\n]{0,140})`))
	// scopedThisRe: scoped to a part without a number ("for this
	// question", "this part of your request", "in relation to your request
	// for emails ..., the following exemption applies").
	scopedThisRe = lazyre.New(ws(`(?i)\b(?:for|to|in relation to|in respect of) (?:this|that|these|those) (?:parts?|questions?|aspects?|elements?)\b|\b(?:this|that|these|those) (?:parts?|questions?|aspects?|elements?) of (?:your|the|this) request\b|\bin relation (?:to )?your request for (?:[^.,\n]{3,100}?),? the following exemptions? appl(?:y|ies)\b|\b(?:in respect of|in relation to|for|regarding) the parts? of (?:your|the) request\b`))
	// redirectRe: the requester is sent to another body for a part.
	redirectRe = lazyre.New(ws(`(?i)\byou (?:may|might) (?:wish|like|want) to (?:submit|send|direct|redirect|address|make|contact|approach|write)\b|\b(?:should|could|would need to) be (?:directed|redirected|addressed|submitted|sent) to\b|\bplease (?:direct|redirect|address|submit|send) (?:this|that|your) (?:part of your )?(?:request|question|enquiry) to\b`))
	// wholeRe: the refusal covers everything asked.
	wholeRe = lazyre.New(ws(`(?i)\bwhole (?:of )?(?:the |your |this )?(?:requested information|request)\b|\bentire(?:ty of)? (?:the |your |this )?request\b|\ball (?:parts|elements|questions) of (?:your|the|this) request\b`))
)

// ws makes each space in expr, outside character classes, match any run
// of white space, so phrases survive line wrapping.
func ws(expr string) string {
	var b strings.Builder
	class := false
	for i := 0; i < len(expr); i++ {
		ch := expr[i]
		switch {
		case ch == '\\' && i+1 < len(expr):
			b.WriteByte(ch)
			i++
			b.WriteByte(expr[i])
			continue
		case ch == '[':
			class = true
		case ch == ']':
			class = false
		case ch == ' ' && !class:
			b.WriteString(`\s+`)
			continue
		}
		b.WriteByte(ch)
	}
	return b.String()
}

// structure reads the layout of text (the counted text of a letter).
func structure(text string) layout {
	l := layout{negParts: map[string]string{}, posParts: map[string]string{}}
	if m := wholeRe.FindString(text); m != "" {
		l.whole = m
	}
	start := -1
	if loc := responseStartRe.FindStringIndex(text); loc != nil {
		start = loc[0]
	}
	heads := partHeadingRe.Regexp().FindAllStringSubmatchIndex(text, 64)
	for i, h := range heads {
		label := ""
		labelled := false
		switch {
		case h[2] >= 0:
			label = text[h[2]:h[3]]
			labelled = true
		case h[4] >= 0:
			label = text[h[4]:h[5]]
		}
		label = normaliseLabel(label)
		if atoi(strings.TrimRight(label, "abcdefghijklmnopqrstuvwxyz")) > 30 {
			continue // a section or a list, not a part of the request
		}
		if !labelled && statuteRe.MatchString(text[h[1]:min(len(text), h[1]+8)]) {
			continue // a statute quoted ("12.—(4) For the purposes of ...")
		}
		end := len(text)
		if i+1 < len(heads) {
			end = heads[i+1][0]
		}
		end = min(end, h[1]+600)
		heading := strings.ToLower(text[h[0]:h[1]])
		block := strings.TrimSpace(text[h[1]:end])
		// A question restated on the heading's line, with text after it, is
		// a question and its answer (qa); a question alone is the request.
		qa := false
		if q := questionEnd(block); q > 0 && q < len(block) {
			block = strings.TrimSpace(block[q:])
			qa = block != ""
			// More of the request after the question ("I would be
			// grateful if ...", "If you can only provide ...") is not its
			// answer.
			if questionStartRe.MatchString(block) || strings.HasPrefix(strings.ToLower(block), "if ") {
				continue
			}
		} else if q > 0 || questionStartRe.MatchString(block) {
			continue
		}
		// A bare number ("3.") is a part only in an answer: after the
		// request is restated, or between a question and the next.
		if !labelled && !qa && (start < 0 || h[0] < start) {
			continue
		}
		if block == "" {
			continue
		}
		first := firstLine(block)
		if negativeRe.MatchString(block) {
			if !qa && start >= 0 && h[0] < start {
				continue // part of the restated request
			}
			l.negParts[label] = phrase(first)
			continue
		}
		// A part the letter sends elsewhere ("you may wish to submit this
		// part of your request to the NPCC") is not answered.
		if redirectRe.MatchString(block) {
			continue
		}
		answerLabel := strings.Contains(heading, "response") || strings.Contains(heading, "answer")
		switch {
		case (qa || start >= 0 && h[0] >= start) && (len(strings.Fields(block)) >= 8 || hasFigure(block) || yesNo(block)):
			l.posParts[label] = phrase(first)
		case answerLabel && len(strings.Fields(block)) >= 4:
			l.posParts[label] = phrase(first)
		case labelled && start >= 0 && h[0] >= start && len(strings.Fields(block)) >= 4:
			l.posParts[label] = phrase(first)
		}
	}
	if len(l.negParts)+len(l.posParts) == 0 {
		l.unnumbered(text)
	}
	for _, m := range scopedNegRe.Regexp().FindAllStringSubmatchIndex(text, 16) {
		label := normaliseLabel(text[m[2]:m[3]])
		rest := text[m[4]:m[5]]
		switch {
		case negativeRe.MatchString(rest):
			l.negParts[label] = phrase(text[m[0]:m[1]])
		case hasFigure(rest):
			l.posParts[label] = phrase(text[m[0]:m[1]])
		}
	}
	for _, loc := range scopedThisRe.Regexp().FindAllStringIndex(text, 8) {
		from, to := sentenceStart(text, loc[0]), sentenceEnd(text, loc[1])
		if negativeRe.MatchString(text[from:to]) {
			l.negScoped = phrase(text[loc[0]:loc[1]])
			break
		}
	}
	return l
}

// answerLineRe opens an answer that carries no part number: "Response:",
// "Answer:" at the start of a line.
var answerLineRe = lazyre.New(`(?im)^[ \t]*(?:response|answer)[ \t]*:[ \t]*`)

// unnumbered reads a letter that repeats each question and answers it
// under "Response:" without numbering either: two answers or more are
// its parts, labelled in order ("r1", "r2"). One "Response:" heading is
// where a letter's answer begins, not a part.
func (l *layout) unnumbered(text string) {
	locs := answerLineRe.Regexp().FindAllStringIndex(text, 32)
	if len(locs) < 2 {
		return
	}
	for i, loc := range locs {
		end := len(text)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		block := strings.TrimSpace(text[loc[1]:min(end, loc[1]+600)])
		label := "r" + strconv.Itoa(i+1)
		switch {
		case block == "":
		case negativeRe.MatchString(block):
			l.negParts[label] = phrase(firstLine(block))
		case redirectRe.MatchString(block):
			// Sent to another body, as in the numbered reader: not answered.
		case len(strings.Fields(block)) >= 4 || hasFigure(block) || yesNo(block):
			l.posParts[label] = phrase(firstLine(block))
		}
	}
}

// evidence reports the layout found, for the record; it does not count.
func (l layout) evidence() (Evidence, bool) {
	var parts []string
	for _, k := range sortedKeys(l.negParts) {
		parts = append(parts, "refused or not held "+k+": "+l.negParts[k])
	}
	if l.negScoped != "" {
		parts = append(parts, "refused: "+l.negScoped)
	}
	for _, k := range sortedKeys(l.posParts) {
		parts = append(parts, "answered "+k+": "+l.posParts[k])
	}
	if l.whole != "" {
		parts = append(parts, "whole request: "+l.whole)
	}
	if len(parts) == 0 {
		return Evidence{}, false
	}
	return Evidence{Rule: "structure:layout", Source: SourceDecision, Phrase: phrase(strings.Join(parts, "; ")),
		Note: "the parts of the request the letter answers and refuses"}, true
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func normaliseLabel(s string) string {
	s = strings.ToLower(s)
	s = strings.NewReplacer(" ", "", "\t", "", "and", "&", ",", "&").Replace(s)
	return s
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// hasFigure reports whether s states a number other than a year.
func hasFigure(s string) bool {
	for _, m := range numberRe.Regexp().FindAllStringSubmatch(s, 16) {
		n := m[1]
		if len(n) == 4 && (strings.HasPrefix(n, "19") || strings.HasPrefix(n, "20")) {
			continue
		}
		return true
	}
	return false
}

// listMarkRe is a list marker before an answer: "-", "•", "a.", "(b)".
var listMarkRe = lazyre.New(`(?i)^[ \t]*(?:[-•*][ \t]*|\(?[a-z][.)][ \t]*)*`)

// yesNo reports whether s, after any list marker, opens with a yes or no.
func yesNo(s string) bool {
	f := strings.ToLower(s[len(listMarkRe.FindString(s)):] + " ")
	return strings.HasPrefix(f, "yes") || strings.HasPrefix(f, "no ") || strings.HasPrefix(f, "no.") || strings.HasPrefix(f, "no,")
}

// coveringRe: a note that goes with the answer rather than being it.
var coveringRe = lazyre.New(ws(`(?i)\b(?:attached|enclosed|attachments?)\b|\bin response to your (?:freedom of information |foi |recent )?request\b`))

// coveringNote recognises a covering note: a message of a few lines whose
// only content is that it answers the request or carries an attachment. The
// answer is elsewhere, so it is a response of low weight, which always
// waits for a person to see the attachment.
func coveringNote(text string) (Evidence, bool) {
	if len(strings.Fields(text)) > 60 {
		return Evidence{}, false
	}
	loc := coveringRe.FindStringIndex(text)
	if loc == nil || notTheAnswer.MatchString(text[loc[1]:min(len(text), loc[1]+120)]) {
		return Evidence{}, false
	}
	return Evidence{Rule: "response:covering-note", Kind: foi.KindResponse, Weight: 40, Source: SourceBody,
		Phrase: phrase(text[loc[0]:loc[1]]), Note: "a short covering note: the answer is in an attachment"}, true
}

// questionEnd returns where a question that opens block ends: after the
// line holding its question mark, when that mark comes within the first
// paragraph and 400 bytes, however the question was wrapped; -1 when block
// does not open with a question.
func questionEnd(block string) int {
	i := strings.IndexByte(block, '?')
	if i < 0 || i > 400 {
		return -1
	}
	if p := strings.Index(block, "\n\n"); p >= 0 && p < i {
		return -1
	}
	j := strings.IndexByte(block[i:], '\n')
	if j < 0 {
		return len(block)
	}
	return i + j + 1
}
