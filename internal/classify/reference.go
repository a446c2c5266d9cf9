package classify

import (
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/foidesk/foidesk/internal/lazyre"
)

// A refPattern is one reference format.
type refPattern struct {
	name string
	re   *lazyre.Regexp
	// guard rejects unlabelled matches that are more likely something else.
	guard refGuard
	// subjectOnly patterns are too loose for a body (Essex bare serials).
	subjectOnly bool
}

type refGuard int

const (
	guardNone  refGuard = iota
	guardDate           // dd/mm/yyyy with a plausible year is a date (Kent's YY/MM/NNNN)
	guardYears          // 2010-11, 2016/17, 2014-2016 are periods (BTP, WMP, Northumbria)
)

func rp(name, pattern string, g refGuard) refPattern {
	return refPattern{name: name, re: lazyre.New(`(?i)` + pattern), guard: g}
}

// Reference formats per force slug, from the forces' letters, subjects and
// disclosure logs (testdata/replies/PATTERNS.md, section 1).
var forcePatterns = map[string][]refPattern{
	"metropolitan": {
		rp("metropolitan", `\b01[/.]FOI[/.]\d{2}[/.]\d{5,6}\b`, guardNone),
		rp("metropolitan-legacy", `\b20\d{4}0\d{6}\b`, guardNone),
	},
	"psni": {
		rp("psni", `\bF(?:OI)?-\d{4}-\d{4,5}\b`, guardNone),
		rp("psni", `\bFOI[/-]\d{4,8}\b`, guardNone),
		rp("psni", `\bF-\d{6}\b`, guardNone),
	},
	"police-scotland": {rp("police-scotland", `\bIM-FOI-\d{4}-\d{3,5}\b`, guardNone)},
	"greater-manchester": {
		rp("greater-manchester", `\bGSA ?/?\d{3,5}/\d{2}\b`, guardNone),
	},
	"kent": {rp("kent", `\b\d{2}/\d{2}/\d{3,4}\b`, guardDate)},
	"essex": {
		rp("essex", `\bFOI ?\d{4,6}\b`, guardNone),
		{name: "essex-subject", re: lazyre.New(`(?i)^(?:(?:re|fw|fwd|aw):\s*)*(\d{4,6})\b`), subjectOnly: true},
	},
	"hampshire": {
		rp("jimu", `\b(?:HQ|CM)/PA/\d{6}/\d{2}\b`, guardNone),
		rp("jimu-legacy", `\bHC/\d{6}/\d{2}\b`, guardNone),
	},
	"thames-valley": {
		rp("jimu", `\b(?:HQ|CM)/PA/\d{6}/\d{2}\b`, guardNone),
		rp("jimu-legacy", `\bHC/\d{6}/\d{2}\b`, guardNone),
	},
	"west-yorkshire": {rp("west-yorkshire", `\bFOI ?\d{6,7}/\d{2}\b`, guardNone)},
	"west-midlands": {
		rp("west-midlands-legacy", `\b\d{3,5}_\d{2}\b`, guardNone),
		rp("west-midlands", `\b(?:\d{3,5}[A-Z]?|\d{1,2}[A-Z])/\d{2}\b`, guardYears),
	},
	"warwickshire": {
		rp("warwickshire", `\bFOI-\d{1,4}-20\d{2}\b`, guardNone),
		rp("warwickshire", `\b\d{3,4}-20\d{2}\b`, guardYears),
	},
	"norfolk":                    {rp("norfolk-suffolk", `\bFOI ?\d{6}/\d{2}\b`, guardNone)},
	"suffolk":                    {rp("norfolk-suffolk", `\bFOI ?\d{6}/\d{2}\b`, guardNone)},
	"nottinghamshire":            {rp("nottinghamshire", `\b\d{6}/\d{2}\b`, guardNone)},
	"durham":                     {rp("durham", `\bDC/FOI ?\d{1,5}/\d{2}\b`, guardNone)},
	"south-wales":                {rp("south-wales", `\bFOI ?\d{3,4}/\d{2}\b`, guardNone)},
	"northumbria":                {rp("northumbria", `\b\d{3,4}/\d{2}\b`, guardYears)},
	"north-yorkshire":            {rp("north-yorkshire", `\b\d{3,4}\.20\d{2}-\d{2}\b`, guardNone)},
	"british-transport-police":   {rp("british-transport-police", `\b\d{3,4}-\d{2}\b`, guardYears)},
	"civil-nuclear-constabulary": {rp("civil-nuclear-constabulary", `\bFOI ?\d{4}-\d{3}\b`, guardNone)},
}

// distinctive formats identify a force reference whoever sent it.
var distinctive = []refPattern{
	rp("metropolitan", `\b01[/.]FOI[/.]\d{2}[/.]\d{5,6}\b`, guardNone),
	rp("psni", `\bF(?:OI)?-\d{4}-\d{4,5}\b`, guardNone),
	rp("psni", `\bFOI/\d{4,8}\b`, guardNone),
	rp("police-scotland", `\bIM-FOI-\d{4}-\d{3,5}\b`, guardNone),
	rp("greater-manchester", `\bGSA ?/?\d{3,5}/\d{2}\b`, guardNone),
	rp("jimu", `\b(?:HQ|CM)/PA/\d{6}/\d{2}\b`, guardNone),
	rp("jimu-legacy", `\bHC/\d{6}/\d{2}\b`, guardNone),
	rp("durham", `\bDC/FOI ?\d{1,5}/\d{2}\b`, guardNone),
	rp("foi-serial-year", `\bFOI ?\d{6,7}/\d{2}\b`, guardNone),
	rp("warwickshire", `\bFOI-\d{1,4}-20\d{2}\b`, guardNone),
	// Across forces, a number written after "FOI", "RFI" or "EIR" is the
	// force's reference: "FOI 2009-038", "FOI2025/01135", "FOI 531-25",
	// "RFI2011000175", "FOI/4538", "FOI/EIR 25/26-392"; four digits only
	// when they cannot be a year.
	rp("foi-prefix", `\b(?:FOI/EIR|FOI|RFI|EIR)[ /_-]?(?:\d{2,7}[/-]\d{2,6}(?:-\d{1,6})?|\d{5,}|(?:1[0-8]|2[1-9]|[3-9]\d)\d{2})\b`, guardNone),
}

// ForceSlugs lists the force slugs with reference formats of their own; any
// other slug gets the generic labels and the distinctive formats only.
func ForceSlugs() []string {
	out := make([]string, 0, len(forcePatterns))
	for k := range forcePatterns {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// refLabelRe finds the labels forces put before their reference. Group 1
// catches the requester's own reference ("Your ref:"), which is skipped,
// unless the label says the reference was given ("Your reference number
// for the request is"): a requester's own reference is labelled, not
// announced. "Your" before a label that names the request and not a
// reference ("Your information request - F19/10046/SJ") is kept.
// Acknowledgements announce the reference they give ("has been allocated
// reference 124-16").
// A bare "Ref" or "Reference" counts only with a colon, or after the
// request it numbers ("your FOI request, reference 201718/304", "under
// reference F2021.08.4687"), or in brackets with the reference alone
// ("(ref 1585)"). A request's label may open a bracket that holds the
// reference alone ("your FOI enquiry (22736)"); see labelled. Welsh
// bodies write the label in both languages ("Our ref / Ein cyf:").
var refLabelRe = lazyre.New(`(?i)(your\s+|requester'?s\s+)?(?:\b(?:(?:` +
	`(?:allocated|assigned|given|issued\s+with)\s+(?:the\s+|a\s+)?(?:(?:unique|case|request)\s+)?ref(?:erence)?(?:\s+(?:no|number))?(?:\s+of)?` +
	`|ref(?:erence)?(?:\s+(?:no|number))?\s+(?:(?:for|of)\s+(?:the|this|your)\s+(?:request|enquiry|application)\s+)?is` +
	`|` +
	`our\s+ref(?:erence)?(?:\s+(?:no|number|num))?(?:\s*/\s*ein\s+cyf(?:eirnod)?|\s+is)?` +
	`|request\s+for\s+information(?:,?\s+ref(?:erence)?\.?(?:\s+(?:no|number))?)?` +
	`|(?:please\s+quote|quoting)\s+(?:our\s+|the\s+|this\s+|your\s+)?ref(?:erence)?(?:\s+(?:no|number))?` +
	`|(?:(?:freedom\s+of\s+)?information|right\s+to\s+know|foia?|(?:foi\s*/\s*)?eir)\s+(?:request|enquiry)(?:,?\s+\(?ref(?:erence)?)?(?:\s+(?:no|number))?` +
	`|(?:foia?|request|case|(?:foi\s*/\s*)?eir)\s+ref(?:erence)?(?:\s+(?:no|number))?` +
	`|(?:request|case|reference|ref\.?)\s+(?:no|number|num)` +
	`|(?:foia?|eir|foi/eir)\s+(?:no|number|num|id)|(?:request|case)\s+id` +
	`|(?:logged|recorded|registered)\s+under\s+(?:the\s+)?(?:above\s+|following\s+|below\s+)?reference(?:\s+(?:no|number))?` +
	`|under\s+reference(?:\s+(?:no|number))?|request,?[ \t]+\(?reference(?:\s+(?:no|number))?` +
	`)\b\.?[ \t]*(?:[:#]|[–—-][ \t])?|ref(?:erence)?\b\.?[ \t]*:)|\(ref(?:erence)?\.?[ \t]+)[ \t]*(?:[/|][ \t]+|\()?(?:\n[ \t]*){0,2}`)

// refTokenRe reads the reference that follows a label.
// Prefixes of letters may be chained ("TL/ICU/DC/FOI/72/10"), be up to six
// letters long ("HWHCT-340") and be spaced from what follows ("HWHCT-
// 228"), or spaced before a separator that opens the number ("FOI
// -18/1890941"); up to eight letters may run into the number
// ("IGTFOISA9553");
// a hyphen between numbers may be spaced ("398 - 24", "89- 26",
// Cleveland).
var refTokenRe = lazyre.New(`(?i)^(?:[A-Z]{1,6}[/.\-_][ \t]?|FOI(?:A|SA)?\s|(?-i:[A-Z]{3,6})\s){0,5}(?:[A-Z]{1,6}[ \t][/\-][ \t]?\d|[A-Z]{0,8}\d)[0-9A-Z]*(?:[/._\-][0-9A-Z]+|[ \t]?-[ \t]?\d+\b){0,4}`)

// essexLoggedRe introduces the list of references a split request was
// logged under; the references follow one a line.
var (
	essexLoggedRe = lazyre.New(`(?i)\blogged\s+under\s+the\s+(?:following\s+|below\s+)?references?(?:\s+shown\s+below)?\s*:`)
	serialLineRe  = lazyre.New(`(?i)^\s*(?:FOI\s*)?(\d{4,6})\b\s*\S`)
)

// Scores of reference candidates.
const (
	refLogged      = 95 // "logged under the references shown below:"
	refLabelForce  = 100
	refLabel       = 80
	refSubjectLab  = 70
	refSubjectPat  = 75
	refBodyPat     = 60
	refDistinctSub = 55
	refDistinct    = 50
	refOtherForce  = 40 // distinctive format of another force than the hint
	refFileName    = 35 // a letter's file name ("FOI 1068-16 Response.pdf")
	refQuotedCut   = 40 // subtracted for text in a quoted earlier message
)

type refCandidate struct {
	value  string
	score  int
	pos    int
	rule   string
	source Source
	phrase string
}

func (c refCandidate) evidence() Evidence {
	return Evidence{Rule: "ref:" + c.rule, Source: c.source, Phrase: phrase(c.phrase),
		Note: "force reference " + c.value}
}

// Reference finds the force's own reference for a request in a reply's
// subject and body. forceSlug selects the force's formats and may be empty.
// Labelled references ("Our ref:", "Reference No:", "Request Number:", "FOI
// Ref:") come first, then the force's formats in the subject and body, then
// formats distinctive of any force; the requester's "Your ref" and dates
// that look like Kent's YY/MM/NNNN are skipped. The body is scanned up to
// DefaultMaxScan bytes.
func Reference(forceSlug, subject, body string) (ref string, evidence Evidence, ok bool) {
	body, _ = clip(body, DefaultMaxScan)
	subject, _ = clip(subject, maxSubject)
	refs := findReferences(forceSlug, normaliseText(subject), prepare(body))
	if len(refs) == 0 {
		return "", Evidence{}, false
	}
	return refs[0].value, refs[0].evidence(), true
}

// findReferences returns the best-scoring distinct references, best first.
// letters are the texts of letters read with the body, whose first lines
// may head them with a reference as the body's may.
func findReferences(force, subject string, doc document, letters ...string) []refCandidate {
	force = strings.ToLower(strings.TrimSpace(force))
	var all []refCandidate
	all = append(all, labelled(force, doc.kept, SourceBody, 0)...)
	all = append(all, labelled(force, subject, SourceSubject, 0)...)
	all = append(all, subjectLead(subject)...)
	all = append(all, bodyLead(doc.kept)...)
	for _, l := range letters {
		for _, c := range bodyLead(l) {
			c.pos = len(doc.kept) // after the body's own
			all = append(all, c)
		}
	}
	all = append(all, logged(doc.kept, SourceBody, 0)...)
	all = append(all, patterned(force, subject, SourceSubject, 0)...)
	all = append(all, patterned(force, doc.kept, SourceBody, 0)...)
	if q := doc.quoted(); q != "" {
		all = append(all, labelled(force, q, SourceQuoted, refQuotedCut)...)
		all = append(all, logged(q, SourceQuoted, refQuotedCut)...)
		all = append(all, patterned(force, q, SourceQuoted, refQuotedCut)...)
	}
	return rank(all)
}

// rank keeps the best-scoring distinct candidates, best first.
func rank(all []refCandidate) []refCandidate {
	if len(all) == 0 {
		return nil
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].score > all[j].score })
	top := all[0].score
	var out []refCandidate
	seen := map[string]bool{}
	for _, c := range all {
		if c.score < top {
			break
		}
		k := NormaliseReference(c.value)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, c)
	}
	// Among equals, keep the letter's order; the subject's comes first.
	sort.SliceStable(out, func(i, j int) bool {
		if (out[i].source == SourceSubject) != (out[j].source == SourceSubject) {
			return out[i].source == SourceSubject
		}
		return out[i].pos < out[j].pos
	})
	return out
}

// fileNameRefRe is a request number in an attachment's file name after an
// FOI label: "FOI 1068 16 Response", "FOIA_2023_0412", "Ref 294-25 letter".
var fileNameRefRe = lazyre.New(`(?i)(?:^|[^a-z])(?:foi(?:sa|a)?|ref(?:erence)?|request|case)(?:[ ._-]*(?:no|number|response|request|ref))?[ ._#-]*(\d{2,8}(?:[ ._/-]\d{2,8}){0,2})\b`)

// fromFileNames finds references in the file names of a reply's letters:
// many forces name the decision letter after the request. They score
// below anything the text says, so a name is only used when the subject
// and the letters themselves carry no reference.
func fromFileNames(force string, names []string) []refCandidate {
	var out []refCandidate
	for i, name := range names {
		base := strings.TrimSuffix(name, filepath.Ext(name))
		if len(base) > 200 {
			continue
		}
		// Dates in a name (a letter's date, not the request's number) are
		// blanked before any format is tried.
		text := fileNameDateRe.ReplaceAllString(strings.ReplaceAll(base, "_", " "), " ")
		for _, c := range patterned(force, text, SourceLetter, 0) {
			if isYear(c.value) {
				continue
			}
			// The force's own format first, then a labelled number, then
			// another force's format.
			score := refFileName - 1
			if matchesForce(force, c.value) {
				score = refFileName + 1
			}
			c.score, c.rule, c.pos, c.phrase = score, "file-name:"+c.rule, i, name
			out = append(out, c)
		}
		m := fileNameRefRe.FindStringSubmatchIndex(text)
		if m == nil {
			continue
		}
		v := text[m[2]:m[3]]
		if !plausibleRef(v) || isYear(v) || isYears(strings.NewReplacer(" ", "-", ".", "-").Replace(v)) {
			continue
		}
		out = append(out, refCandidate{value: v, score: refFileName, pos: i, rule: "file-name",
			source: SourceLetter, phrase: name})
	}
	return out
}

// subjectLeadRe is a subject that opens with the request's number: "FOI
// 4538 / January 2023 / Incident Data", "FOI4719 / October 2024", "FOI
// 2023 150 - Maternity services", "Response A1345264", "20140242 – NDA
// response 2" (a number alone, of six digits or more, before a dash).
var subjectLeadRe = lazyre.New(`(?i)^(?:(?:re|fw|fwd|aw):\s*)*(?:((?:FOI(?:A|SA)?|EIR)[ /_-]*\d[\dA-Z]*(?:[/._-][\dA-Z]+|[ ]\d+\b)*)|(?:response|reply|request|ref(?:erence)?)[ ]*[:#-]?[ ]*([A-Z]{0,3}\d{3,}[\dA-Z]*(?:[/._-][\dA-Z]+)*)|(\d{6,12})[ ]+[–—-])(?:\s|$)`)

// subjectCodeRe is a case code anywhere in a subject (or a letter's
// heading line, see bodyLead): one to three capitals and five to eight
// digits, "... in the last 3 years - (R016568)", or a word of capitals
// spaced from them, "Complaint in respect of ATISN 16332" (a document
// exchange address, "DX 12345", is not one).
var subjectCodeRe = lazyre.New(`(?:^|[\s(\[])([A-Z]{1,3}\d{5,8}|[A-Z]{2,6} \d{5,8})(?:$|[\s)\],.;])`)

// subjectLead finds a reference that opens the subject, or else a case
// code elsewhere in it, which scores as a reference the letter shows
// without a label.
func subjectLead(subject string) []refCandidate {
	m := subjectLeadRe.FindStringSubmatchIndex(subject)
	if m == nil {
		if m := subjectCodeRe.FindStringSubmatchIndex(subject); m != nil && !strings.HasPrefix(subject[m[2]:], "DX ") {
			return []refCandidate{{value: subject[m[2]:m[3]], score: refDistinct, pos: m[2], rule: "subject-code",
				source: SourceSubject, phrase: subject[m[2]:m[3]]}}
		}
		return nil
	}
	a, b := m[2], m[3]
	for i := 4; a < 0; i += 2 {
		a, b = m[i], m[i+1]
	}
	v := subject[a:b]
	if !plausibleRef(v) || isYear(strings.TrimLeft(v, "FOIASERfoiaser /_-")) {
		return nil
	}
	return []refCandidate{{value: v, score: refSubjectLab, pos: a, rule: "subject-lead", source: SourceSubject,
		phrase: subject[m[0]:m[1]]}}
}

// bodyLead finds a reference that opens one of the first lines of a
// letter, as a heading: "FOI 4024 2023/24", "EIR/202500446856 · FOI/EIR",
// or that is a line on its own among the first eight: "ATISN 16387" (a
// document exchange address, "DX 12345", is not one).
func bodyLead(text string) []refCandidate {
	var out []refCandidate
	pos, seen := 0, 0
	for line := range strings.Lines(text) {
		start := pos
		pos += len(line)
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if seen++; seen > 8 {
			break
		}
		if seen <= 3 { // a heading opens the letter
			for _, c := range subjectLead(line) {
				c.score, c.pos, c.rule, c.source = refDistinct, start+c.pos, "heading", SourceBody
				out = append(out, c)
			}
		}
		if loneRefRe.MatchString(line) && plausibleRef(line) && !strings.HasPrefix(line, "DX") {
			out = append(out, refCandidate{value: line, score: refDistinct, pos: start, rule: "heading", source: SourceBody, phrase: line})
		}
	}
	return out
}

// spacedRefRe is a reference whose numbers are spaced: an optional prefix
// of words that open with a capital ("GSA FoI 18/19 391"), then numbers
// joined by separators or spaces, or by a colon before a serial ("NGFOI
// 09/10: 221").
var spacedRefRe = lazyre.New(`^(?:[A-Z][A-Za-z]{0,5}[ \t]?[/.\-_]?[ \t]?){0,3}\d+(?:[ \t]*[/.\-_][ \t]*\d+|:?[ \t]+\d+){1,3}$`)

// loneRefRe is a line that is a reference alone: capitals, then a number.
var loneRefRe = lazyre.New(`^(?:[A-Z]{2,6}/){0,3}[A-Z]{2,6}[ /_-]?\d{3,}[\dA-Z]*(?:[/._-][\dA-Z]+)*$`)

// labelled finds references after a label in text.
func labelled(force, text string, src Source, cut int) []refCandidate {
	var out []refCandidate
	for _, m := range refLabelRe.FindAllStringSubmatchIndex(text, 16) {
		label, start := text[m[0]:m[1]], m[1]
		// "Your ref:" is the requester's own reference; "Your information
		// request - F19/10046/SJ" names the requester's request by the
		// body's number for it.
		if m[2] >= 0 && strings.Contains(strings.ToLower(label), "ref") && !announced(label) {
			continue
		}
		// A reference may be set off from its label by a dash that
		// touches it ("REF NO\n-FOIS5762", "REF NO -FOIS5762"); no
		// reference opens with one (refTokenRe), so it is skipped.
		start += len(text[start:]) - len(strings.TrimLeft(text[start:], "-–—"))
		// A label in brackets ("(ref 1585)", "FOI enquiry (22736)")
		// holds the reference alone: the bracket closes after it.
		bracketed := strings.HasPrefix(label, "(") || strings.HasSuffix(strings.TrimRight(label, " \t"), "(")
		after := text[start:min(len(text), start+64)]
		raw := strings.TrimRight(refTokenRe.FindString(after), "./-_")
		// A reference whose parts are spaced ("Our Ref: FOI 19 31", "Ref:
		// FOI 21-22 08 |") is the whole rest of its line, when that is
		// numbers alone after the prefix.
		if rest, _, _ := strings.Cut(after, "\n"); raw != "" && len(rest) > len(raw) {
			if rest = strings.TrimRight(rest, " \t|."); strings.HasPrefix(rest, raw) && spacedRefRe.MatchString(rest) &&
				!slices.ContainsFunc(strings.Fields(rest[len(raw):]), isDate) {
				raw = rest
			}
		}
		end := start + len(raw)
		// A reference wrapped across lines ("FOI\n000148/21") is one
		// reference: white space inside it is one space.
		tok := strings.Join(strings.Fields(raw), " ")
		if !plausibleRef(tok) {
			continue
		}
		if force != "kent" && isDate(tok) {
			continue
		}
		if bracketed && (isYear(tok) || isYears(tok) || !strings.HasPrefix(strings.TrimLeft(text[end:], " \t"), ")")) {
			continue
		}
		if citesOther(text, start, end) {
			continue
		}
		score, rule := refLabel, "label"
		if src == SourceSubject {
			score = refSubjectLab
		}
		if matchesForce(force, tok) {
			score, rule = refLabelForce, "label:"+force
		}
		out = append(out, refCandidate{value: tok, score: score - cut, pos: m[0], rule: rule, source: src,
			phrase: text[m[0]:end]})
	}
	return out
}

// announced reports whether a label says a reference is given ("your
// reference number is"), not whose it is, or names the reference of the
// requester's request ("your information request (reference 64545569)",
// "your FOI request, reference 201718/304"), which the authority gave.
func announced(label string) bool {
	l := strings.ToLower(strings.TrimRight(label, " \t\n:"))
	return strings.HasSuffix(l, " is") || requestRefRe.MatchString(l)
}

// requestRefRe is a label that names the reference of a request.
var requestRefRe = lazyre.New(`(?:request|enquiry)(?:\s+for\s+information)?,?\s+(?:\(|ref)`)

// logged reads a list of references under "logged under the references
// shown below:".
func logged(text string, src Source, cut int) []refCandidate {
	loc := essexLoggedRe.FindStringIndex(text)
	if loc == nil {
		return nil
	}
	var out []refCandidate
	pos := loc[1]
	lines := strings.SplitAfter(text[pos:min(len(text), pos+2000)], "\n")
	for _, line := range lines[min(1, len(lines)):] {
		if strings.TrimSpace(line) == "" {
			pos += len(line)
			continue
		}
		m := serialLineRe.FindStringSubmatchIndex(line)
		if m == nil {
			break
		}
		out = append(out, refCandidate{value: line[m[2]:m[3]], score: refLogged - cut, pos: pos + m[2],
			rule: "logged-list", source: src, phrase: strings.TrimSpace(line)})
		pos += len(line)
	}
	return out
}

// patterned finds unlabelled references in the force's formats, and in
// formats distinctive of any force.
func patterned(force, text string, src Source, cut int) []refCandidate {
	var out []refCandidate
	try := func(p refPattern, score int) {
		if p.subjectOnly {
			if src != SourceSubject {
				return
			}
			if m := p.re.FindStringSubmatchIndex(text); m != nil {
				v := text[m[2]:m[3]]
				if !isYear(v) {
					out = append(out, refCandidate{value: v, score: score - cut, pos: m[2], rule: p.name,
						source: src, phrase: text[m[0]:m[1]]})
				}
			}
			return
		}
		for _, m := range p.re.FindAllStringIndex(text, 8) {
			v := text[m[0]:m[1]]
			if rejectUnlabelled(p.guard, v) || yourRefBefore(text, m[0]) || citesOther(text, m[0], m[1]) {
				continue
			}
			out = append(out, refCandidate{value: v, score: score - cut, pos: m[0], rule: p.name, source: src,
				phrase: v})
			return
		}
	}
	own, dist := refBodyPat, refDistinct
	if src == SourceSubject {
		own, dist = refSubjectPat, refDistinctSub
	}
	for _, p := range forcePatterns[force] {
		try(p, own)
	}
	for _, p := range distinctive {
		if force != "" && !slices.ContainsFunc(forcePatterns[force], func(q refPattern) bool { return q.name == p.name }) {
			try(p, refOtherForce)
			continue
		}
		try(p, dist)
	}
	return out
}

func matchesForce(force, tok string) bool {
	for _, p := range forcePatterns[force] {
		if p.subjectOnly {
			continue
		}
		if loc := p.re.FindStringIndex(tok); loc != nil && loc[0] == 0 && loc[1] == len(tok) {
			return true
		}
	}
	return false
}

// A number followed by "refers" ("your previous submission, 232/20
// refers") or introduced as another request's ("aggregated with your
// previous request FOIA 1265/19") names another request, not this one.
var (
	refersAfterRe = lazyre.New(`(?i)^[\s)]{0,3}refers?\b`)
	otherReqRe    = lazyre.New(`(?i)\b(?:previous|earlier|prior|separate|related|other|original)\s+(?:foia?\s+)?(?:requests?|submissions?|applications?|responses?|cases?)(?:\s+(?:ref(?:erence)?|no|number))?[\s:,.-]*(?:foia?\s*)?$`)
)

func citesOther(text string, start, end int) bool {
	return refersAfterRe.MatchString(text[end:min(len(text), end+12)]) ||
		otherReqRe.MatchString(text[max(0, start-80):start])
}

// plausibleRef: at least three digits, at most 40 bytes.
func plausibleRef(tok string) bool {
	if tok == "" || len(tok) > 40 {
		return false
	}
	n := 0
	for _, r := range tok {
		if unicode.IsDigit(r) {
			n++
		}
	}
	return n >= 3
}

var (
	dateShapeRe = lazyre.New(`^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$`)
	// fileNameDateRe: a date in a file name: 2023-05-12, 2023 05 12,
	// 12.05.2023, 12-5-23, 20230512, 12052023; a year and a four-digit
	// serial ("2023 0412") is taken for a number, not a date.
	fileNameDateRe = lazyre.New(`\b(?:(?:19|20)\d{2}[-. ](?:0?[1-9]|1[0-2])[-. ](?:0?[1-9]|[12]\d|3[01])|(?:0?[1-9]|[12]\d|3[01])[-.](?:0?[1-9]|1[0-2])[-.](?:(?:19|20)\d{2}|\d{2})|(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])|(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])(?:19|20)\d{2})\b`)
	yearsRe        = lazyre.New(`^((?:19|20)\d{2})[/\-_](\d{2}|(?:19|20)\d{2})$`)
)

// isDate reports whether tok is a dd/mm/yyyy date with a plausible year.
func isDate(tok string) bool {
	m := dateShapeRe.FindStringSubmatch(tok)
	if m == nil {
		return false
	}
	d, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	y, _ := strconv.Atoi(m[3])
	return d >= 1 && d <= 31 && mo >= 1 && mo <= 12 && y >= 1990 && y <= 2099
}

// isYears reports whether tok is a period such as 2010-11, 2016/17 or
// 2014-2016.
func isYears(tok string) bool {
	m := yearsRe.FindStringSubmatch(tok)
	if m == nil {
		return false
	}
	a, _ := strconv.Atoi(m[1])
	b, _ := strconv.Atoi(m[2])
	if len(m[2]) == 2 {
		return b == (a+1)%100 || b == a%100
	}
	return b >= a && b-a <= 30
}

func isYear(tok string) bool {
	y, err := strconv.Atoi(tok)
	return err == nil && len(tok) == 4 && y >= 1990 && y <= 2099
}

func rejectUnlabelled(g refGuard, v string) bool {
	switch g {
	case guardDate:
		return isDate(v)
	case guardYears:
		return isYears(v)
	}
	return false
}

// yourRefBefore reports whether the requester's "Your ref" label precedes
// position i on the same line.
func yourRefBefore(text string, i int) bool {
	start := strings.LastIndexByte(text[:i], '\n') + 1
	if i-start > 80 {
		start = i - 80
	}
	l := strings.ToLower(text[start:i])
	return strings.Contains(l, "your ref")
}

// NormaliseReference returns a comparison key for a force reference: the
// runs of letters and of digits, in order, upper-cased, leading zeros
// dropped from numbers, joined by "/". So the Met's "01.FOI.23.029569" and
// "01/FOI/23/029569", "GSA4850/11" and "GSA/4850/11", "HQ/PA/002769/19" and
// the attachment name's "HQ PA 2769 19" compare equal, and so do "FOI
// 951/18" and "951/18": a leading FOI, FOIA, FOISA or REF before a number
// is dropped. It is a key, not a display form.
func NormaliseReference(s string) string {
	var parts []string
	var cur []rune
	kind := 0 // 1 letters, 2 digits
	flush := func() {
		if len(cur) == 0 {
			return
		}
		p := string(cur)
		if kind == 2 {
			p = strings.TrimLeft(p, "0")
			if p == "" {
				p = "0"
			}
		}
		parts = append(parts, p)
		cur = cur[:0]
	}
	for _, r := range s {
		k := 0
		switch {
		case unicode.IsDigit(r):
			k = 2
		case unicode.IsLetter(r):
			k = 1
			r = unicode.ToUpper(r)
		}
		if k != kind {
			flush()
			kind = k
		}
		if k != 0 {
			cur = append(cur, r)
		}
	}
	flush()
	// "FOI 951/18" and "951/18" are the same request: a leading word that
	// only says what the number is names no series of its own.
	if len(parts) > 1 && slices.Contains([]string{"FOI", "FOIA", "FOISA", "REF"}, parts[0]) && unicode.IsDigit(rune(parts[1][0])) {
		parts = parts[1:]
	}
	return strings.Join(parts, "/")
}
