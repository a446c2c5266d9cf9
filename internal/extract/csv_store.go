package extract

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"sort"
	"strconv"
	"unicode/utf8"
	"unsafe"
)

// csvScanner reads the records of delimited text as encoding/csv does with
// LazyQuotes set, any number of fields per record and no comment
// character: blank lines skipped, "\r\n" read as "\n", quoted fields with
// doubled quotes and line breaks, a bare quote kept as it is. It writes
// each record's fields into one reused buffer, so that reading a file
// allocates nothing per record.
type csvScanner struct {
	s   []byte
	pos int
	// r, when set, is read instead of s, a line at a time: a line is
	// good until the next is read. long holds a line longer than r's
	// buffer; err is the first error reading r, or errCSVWhole for a
	// line that is not UTF-8.
	r    *bufio.Reader
	long []byte
	err  error

	comma rune
	clen  int
	line  int // lines read so far, as encoding/csv counts them

	buf  []byte // the current record's fields, back to back
	ends []int  // end of each field in buf
	// recLine is the line the current record starts on, endLine the line
	// its last field ends on.
	recLine, endLine int
}

func newCSVScanner(s []byte, comma rune) *csvScanner {
	return &csvScanner{s: s, comma: comma, clen: utf8.RuneLen(comma)}
}

// newCSVReaderScanner reads the records of r, which must be UTF-8
// throughout: a line that is not ends the records, with sc.err
// errCSVWhole.
func newCSVReaderScanner(r *bufio.Reader, comma rune) *csvScanner {
	return &csvScanner{r: r, comma: comma, clen: utf8.RuneLen(comma)}
}

// validDelim reports whether encoding/csv accepts r as a delimiter.
func validDelim(r rune) bool {
	return r != 0 && r != '"' && r != '\r' && r != '\n' && utf8.ValidRune(r) && r != utf8.RuneError
}

// readLine returns the next line without its line break ("\n" or
// "\r\n"; a "\r" at the very end is dropped too), whether it had one,
// and false at the end of the input.
func (sc *csvScanner) readLine() (line []byte, nl, ok bool) {
	sc.line++
	if sc.r != nil {
		return sc.readLineFrom()
	}
	if sc.pos >= len(sc.s) {
		return nil, false, false
	}
	rest := sc.s[sc.pos:]
	if i := bytes.IndexByte(rest, '\n'); i >= 0 {
		sc.pos += i + 1
		line = rest[:i]
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		return line, true, true
	}
	sc.pos = len(sc.s)
	if n := len(rest); n > 0 && rest[n-1] == '\r' {
		rest = rest[:n-1]
	}
	return rest, false, true
}

// readLineFrom is readLine for a scanner reading sc.r. A line is whole
// (up to its "\n" or the end), so that checking each line is UTF-8 checks
// the whole text: a line break is never part of a longer sequence.
func (sc *csvScanner) readLineFrom() (line []byte, nl, ok bool) {
	if sc.err != nil {
		return nil, false, false
	}
	line, err := sc.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		sc.long = append(sc.long[:0], line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			line, err = sc.r.ReadSlice('\n')
			sc.long = append(sc.long, line...)
		}
		line = sc.long
	}
	if err != nil && !errors.Is(err, io.EOF) {
		sc.err = err
		return nil, false, false
	}
	if len(line) == 0 {
		return nil, false, false
	}
	if !utf8.Valid(line) {
		sc.err = errCSVWhole
		return nil, false, false
	}
	if n := len(line); line[n-1] == '\n' {
		line, nl = line[:n-1], true
	}
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, nl, true
}

func (sc *csvScanner) hasComma(b []byte) bool {
	if sc.clen == 1 {
		return len(b) > 0 && rune(b[0]) == sc.comma
	}
	r, _ := utf8.DecodeRune(b)
	return r == sc.comma
}

func (sc *csvScanner) indexComma(b []byte) int {
	if sc.clen == 1 {
		return bytes.IndexByte(b, byte(sc.comma))
	}
	return bytes.IndexRune(b, sc.comma)
}

// next reads one record into sc.buf and sc.ends; false at the end.
func (sc *csvScanner) next() bool {
	var line []byte
	var nl, ok bool
	for {
		if line, nl, ok = sc.readLine(); !ok {
			return false
		}
		if len(line) > 0 {
			break
		}
		// An empty line (its break only) is skipped.
	}
	sc.buf, sc.ends = sc.buf[:0], sc.ends[:0]
	sc.recLine = sc.line
	var fieldLine int // line the current field starts on
	cur := sc.line
	for {
		fieldLine = cur
		if len(line) == 0 || line[0] != '"' {
			i := sc.indexComma(line)
			field := line
			if i >= 0 {
				field = line[:i]
			}
			sc.buf = append(sc.buf, field...)
			sc.ends = append(sc.ends, len(sc.buf))
			if i >= 0 {
				line = line[i+sc.clen:]
				continue
			}
			break
		}
		// A quoted field.
		line = line[1:]
		quoted := true
		for quoted {
			if i := bytes.IndexByte(line, '"'); i >= 0 {
				sc.buf = append(sc.buf, line[:i]...)
				line = line[i+1:]
				switch {
				case len(line) > 0 && line[0] == '"':
					sc.buf = append(sc.buf, '"')
					line = line[1:]
				case sc.hasComma(line):
					line = line[sc.clen:]
					sc.ends = append(sc.ends, len(sc.buf))
					quoted = false
				case len(line) == 0:
					sc.ends = append(sc.ends, len(sc.buf))
					sc.endLine = fieldLine + bytes.Count(sc.buf[sc.fieldStart(len(sc.ends)-1):], []byte{'\n'})
					return true
				default:
					sc.buf = append(sc.buf, '"') // a bare quote
				}
			} else if len(line) > 0 || nl {
				sc.buf = append(sc.buf, line...)
				if nl {
					sc.buf = append(sc.buf, '\n')
				}
				// The end of the input reads as an empty last line, handled
				// below.
				line, nl, _ = sc.readLine()
				if len(line) > 0 || nl {
					cur++
				}
			} else {
				// The input ends inside the quotes.
				sc.ends = append(sc.ends, len(sc.buf))
				sc.endLine = fieldLine + bytes.Count(sc.buf[sc.fieldStart(len(sc.ends)-1):], []byte{'\n'})
				return true
			}
		}
	}
	sc.endLine = fieldLine + bytes.Count(sc.buf[sc.fieldStart(len(sc.ends)-1):], []byte{'\n'})
	return true
}

func (sc *csvScanner) fieldStart(i int) int {
	if i == 0 {
		return 0
	}
	return sc.ends[i-1]
}

// field returns the raw bytes of field i of the current record.
func (sc *csvScanner) field(i int) []byte { return sc.buf[sc.fieldStart(i):sc.ends[i]] }

// appendNormalSpace appends b with its white space normalised as
// NormaliseSpace does it.
func appendNormalSpace(dst, b []byte) []byte {
	space := false // a space is pending
	start := len(dst)
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			space = true
			continue
		case c == 0xc2 && i+1 < len(b) && b[i+1] == 0xa0:
			space = true
			i++
			continue
		}
		if space && len(dst) > start {
			dst = append(dst, ' ')
		}
		space = false
		dst = append(dst, c)
	}
	return dst
}

// chunked is an append-only list kept in chunks of 1<<chunkBits: past
// the first chunk, growing it never copies what it holds, and it never
// holds more than one chunk beyond its length. The first chunk grows as
// a slice does, so that a small file costs little.
type chunked[T any] struct {
	chunks [][]T
	n      int
}

const chunkBits = 14

func (c *chunked[T]) add(v T) {
	switch {
	case c.n == 0:
		c.chunks = append(c.chunks, make([]T, 0, 64))
	case c.n&(1<<chunkBits-1) == 0:
		c.chunks = append(c.chunks, make([]T, 0, 1<<chunkBits))
	}
	k := len(c.chunks) - 1
	c.chunks[k] = append(c.chunks[k], v)
	c.n++
}

func (c *chunked[T]) at(i int) T { return c.chunks[i>>chunkBits][i&(1<<chunkBits-1)] }

// csvCell is one non-empty field: its column and where its text ends in
// the store's text (it starts where the cell before it ends).
type csvCell struct {
	col int32
	end uint32
}

// csvRow is one record that has a non-empty field.
type csvRow struct {
	row   int32  // 0-based row as a spreadsheet shows the file
	width int32  // fields of the record
	first uint32 // its first cell; its cells run to the next row's first
}

// csvStore holds the cells of a delimited file compactly: the normalised
// text of every non-empty field back to back in one string, and for each
// cell only its column and end (8 bytes), for each record its row, width
// and first cell (12 bytes). A table's cells are read from it on demand.
type csvStore struct {
	text  string
	cells chunked[csvCell]
	rows  chunked[csvRow]
}

func (s *csvStore) numRows() int { return s.rows.n }

// rowSpan returns the cells of row i as indexes [k0, k1).
func (s *csvStore) rowSpan(i int) (k0, k1 int) {
	k0 = int(s.rows.at(i).first)
	k1 = s.cells.n
	if i+1 < s.rows.n {
		k1 = int(s.rows.at(i + 1).first)
	}
	return k0, k1
}

func (s *csvStore) cellText(k int) string {
	start := uint32(0)
	if k > 0 {
		start = s.cells.at(k - 1).end
	}
	return s.text[start:s.cells.at(k).end]
}

// appendRowCells appends the cells of row i within columns c0..c1 to dst.
func (s *csvStore) appendRowCells(dst []gcell, i, c0, c1 int) []gcell {
	k0, k1 := s.rowSpan(i)
	for k := k0; k < k1; k++ {
		c := s.cells.at(k)
		if int(c.col) < c0 {
			continue
		}
		if int(c.col) > c1 {
			break
		}
		dst = append(dst, gcell{col: c.col, text: s.cellText(k)})
	}
	return dst
}

// textAt returns the text of row i, column col, or "".
func (s *csvStore) textAt(i, col int) string {
	k0, k1 := s.rowSpan(i)
	// Cells are in column order; most rows have every field filled, so
	// the cell is usually at k0+col.
	if k := k0 + col; k < k1 && int(s.cells.at(k).col) == col {
		return s.cellText(k)
	}
	k := k0 + sort.Search(k1-k0, func(j int) bool { return int(s.cells.at(k0+j).col) >= col })
	if k < k1 && int(s.cells.at(k).col) == col {
		return s.cellText(k)
	}
	return ""
}

// compactCells are a table's cells kept in a csvStore: the store's rows
// idx, columns c0 to c0+w-1.
type compactCells struct {
	s   *csvStore
	idx []int32
	c0  int
	w   int
}

func (cc *compactCells) text(r, c int) string {
	if r < 0 || r >= len(cc.idx) || c < 0 || c >= cc.w {
		return ""
	}
	return cc.s.textAt(int(cc.idx[r]), cc.c0+c)
}

func (cc *compactCells) ref(r, c int) string {
	var b [24]byte
	ref := appendColName(b[:0], cc.c0+c)
	return string(strconv.AppendInt(ref, int64(cc.s.rows.at(int(cc.idx[r])).row)+1, 10))
}

// row writes row r into dst (resized to the table's width): texts only,
// or with refs too.
func (cc *compactCells) row(r int, dst []Cell, refs bool) []Cell {
	if cap(dst) < cc.w {
		dst = make([]Cell, cc.w)
	}
	dst = dst[:cc.w]
	clear(dst)
	i := int(cc.idx[r])
	k0, k1 := cc.s.rowSpan(i)
	for k := k0; k < k1; k++ {
		c := cc.s.cells.at(k)
		if j := int(c.col) - cc.c0; j >= 0 && j < cc.w {
			dst[j].Text = cc.s.cellText(k)
		}
	}
	if refs {
		g := sheetGrid{a1: true}
		g.setRefs(dst, int(cc.s.rows.at(i).row), cc.c0)
	}
	return dst
}

// sub returns rows [r0, r1) of the table.
func (cc *compactCells) sub(r0, r1 int) *compactCells {
	n := *cc
	n.idx = cc.idx[r0:r1:r1]
	return &n
}

// bytesString returns b as a string without copying it; b must not be
// changed afterwards.
func bytesString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
