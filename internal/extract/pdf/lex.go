package pdf

import (
	"strconv"
)

// kind is the type of a content-stream token or operand.
type kind uint8

const (
	kNull kind = iota
	kNum
	kBool
	kString
	kName
	kArray
	kDict
	kOp // operator keyword
)

// operand is one value of a content stream (or of a CMap program).
type operand struct {
	k   kind
	num float64
	str string // string bytes, name without slash, or operator
	arr []operand
	dic map[string]operand
}

// maxNesting bounds array and dictionary nesting inside content streams.
const maxNesting = 64

// lexer tokenises a content stream or a CMap. It never panics: malformed
// bytes are skipped.
type lexer struct {
	b   []byte
	pos int
}

func isWhite(c byte) bool {
	switch c {
	case 0, '\t', '\n', '\f', '\r', ' ':
		return true
	}
	return false
}

func isDelimiter(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

// skipSpace skips white space and comments.
func (l *lexer) skipSpace() {
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		if isWhite(c) {
			l.pos++
			continue
		}
		if c == '%' {
			for l.pos < len(l.b) && l.b[l.pos] != '\n' && l.b[l.pos] != '\r' {
				l.pos++
			}
			continue
		}
		break
	}
}

// next returns the next operand or operator; ok is false at the end.
func (l *lexer) next() (operand, bool) {
	return l.nextDepth(0)
}

func (l *lexer) nextDepth(depth int) (operand, bool) {
	for {
		l.skipSpace()
		if l.pos >= len(l.b) {
			return operand{}, false
		}
		c := l.b[l.pos]
		switch {
		case c == '/':
			l.pos++
			return operand{k: kName, str: l.readRegular(true)}, true
		case c == '(':
			l.pos++
			return operand{k: kString, str: l.readLiteral()}, true
		case c == '<':
			if l.pos+1 < len(l.b) && l.b[l.pos+1] == '<' {
				l.pos += 2
				return l.readDict(depth + 1), true
			}
			l.pos++
			return operand{k: kString, str: l.readHex()}, true
		case c == '[':
			l.pos++
			return l.readArray(depth + 1), true
		case c == ']' || c == '>' || c == ')' || c == '{' || c == '}':
			// Stray delimiter: return it as an operator so callers can
			// close arrays/dicts; otherwise it is ignored.
			l.pos++
			if c == '>' && l.pos < len(l.b) && l.b[l.pos] == '>' {
				l.pos++
				return operand{k: kOp, str: ">>"}, true
			}
			return operand{k: kOp, str: string(c)}, true
		default:
			word := l.readRegular(false)
			if word == "" {
				l.pos++ // unknown byte
				continue
			}
			if n, ok := parseNumber(word); ok {
				return operand{k: kNum, num: n}, true
			}
			switch word {
			case "true":
				return operand{k: kBool, num: 1}, true
			case "false":
				return operand{k: kBool}, true
			case "null":
				return operand{k: kNull}, true
			}
			return operand{k: kOp, str: word}, true
		}
	}
}

func parseNumber(s string) (float64, bool) {
	c := s[0]
	if !(c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.') {
		return 0, false
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil {
		// Malformed numbers such as "--5" or "1.2.3": take the leading part.
		end := 1
		for end < len(s) && (s[end] >= '0' && s[end] <= '9' || s[end] == '.') {
			end++
		}
		n, err = strconv.ParseFloat(s[:end], 64)
		if err != nil {
			return 0, true
		}
	}
	return n, true
}

func (l *lexer) readRegular(isName bool) string {
	start := l.pos
	hasHash := false
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		if isWhite(c) || isDelimiter(c) {
			break
		}
		if c == '#' {
			hasHash = true
		}
		l.pos++
	}
	s := l.b[start:l.pos]
	if !isName || !hasHash {
		return string(s)
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '#' && i+2 < len(s) {
			if h, ok := unhex2(s[i+1], s[i+2]); ok {
				out = append(out, h)
				i += 2
				continue
			}
		}
		out = append(out, s[i])
	}
	return string(out)
}

func hexVal(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func unhex2(a, b byte) (byte, bool) {
	x, ok1 := hexVal(a)
	y, ok2 := hexVal(b)
	return x<<4 | y, ok1 && ok2
}

func (l *lexer) readHex() string {
	out := make([]byte, 0, 8)
	var hi byte
	half := false
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		if c == '>' {
			break
		}
		v, ok := hexVal(c)
		if !ok {
			continue
		}
		if half {
			out = append(out, hi<<4|v)
			half = false
		} else {
			hi = v
			half = true
		}
	}
	if half {
		out = append(out, hi<<4)
	}
	return string(out)
}

func (l *lexer) readLiteral() string {
	out := make([]byte, 0, 16)
	depth := 1
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		switch c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return string(out)
			}
		case '\\':
			if l.pos >= len(l.b) {
				return string(out)
			}
			c = l.b[l.pos]
			l.pos++
			switch c {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if l.pos < len(l.b) && l.b[l.pos] == '\n' {
					l.pos++
				}
				continue
			case '\n':
				continue
			case '0', '1', '2', '3', '4', '5', '6', '7':
				x := int(c - '0')
				for i := 0; i < 2 && l.pos < len(l.b); i++ {
					d := l.b[l.pos]
					if d < '0' || d > '7' {
						break
					}
					x = x*8 + int(d-'0')
					l.pos++
				}
				c = byte(x)
			}
		}
		out = append(out, c)
	}
	return string(out)
}

func (l *lexer) readArray(depth int) operand {
	a := operand{k: kArray}
	if depth > maxNesting {
		l.skipTo(']')
		return a
	}
	for {
		v, ok := l.nextDepth(depth)
		if !ok {
			return a
		}
		if v.k == kOp && v.str == "]" {
			return a
		}
		if len(a.arr) < 1<<16 {
			a.arr = append(a.arr, v)
		}
	}
}

func (l *lexer) readDict(depth int) operand {
	d := operand{k: kDict, dic: map[string]operand{}}
	if depth > maxNesting {
		l.skipTo('>')
		return d
	}
	for {
		k, ok := l.nextDepth(depth)
		if !ok {
			return d
		}
		if k.k == kOp && k.str == ">>" {
			return d
		}
		if k.k != kName {
			continue
		}
		v, ok := l.nextDepth(depth)
		if !ok {
			return d
		}
		if v.k == kOp && v.str == ">>" {
			return d
		}
		if len(d.dic) < 1<<12 {
			d.dic[k.str] = v
		}
	}
}

// skipTo advances past the next occurrence of c (used to escape from
// absurdly nested input).
func (l *lexer) skipTo(c byte) {
	for l.pos < len(l.b) {
		l.pos++
		if l.b[l.pos-1] == c {
			return
		}
	}
}

// skipInlineImage skips the binary data of an inline image that follows
// the ID operator, up to and including EI.
func (l *lexer) skipInlineImage() {
	if l.pos < len(l.b) && isWhite(l.b[l.pos]) {
		l.pos++
	}
	for i := l.pos; i+1 < len(l.b); i++ {
		if l.b[i] == 'E' && l.b[i+1] == 'I' &&
			(i == 0 || isWhite(l.b[i-1])) &&
			(i+2 >= len(l.b) || isWhite(l.b[i+2]) || isDelimiter(l.b[i+2])) {
			l.pos = i + 2
			return
		}
	}
	l.pos = len(l.b)
}
