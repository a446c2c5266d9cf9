package extract

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/text/encoding/charmap"
)

// decoded is a text document turned into UTF-8.
type decoded struct {
	s        string
	encoding string // "utf-8", "utf-8-bom", "utf-16le", "utf-16be", "windows-1252"
	binary   bool   // control bytes that no text file holds
}

// decodeText sniffs a text document's encoding: a UTF-8 or UTF-16 byte
// order mark, UTF-16 without one (zero bytes in every other position),
// valid UTF-8, and failing those Windows-1252, the usual encoding of CSV
// files saved by Excel on Windows.
func decodeText(b []byte) decoded {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return decoded{s: toValidUTF8(b[3:]), encoding: "utf-8-bom"}
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return decoded{s: decodeUTF16(b[2:], false), encoding: "utf-16le"}
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return decoded{s: decodeUTF16(b[2:], true), encoding: "utf-16be"}
	}
	if len(b) >= 4 {
		n := min(len(b), 512) &^ 1
		evenZero, oddZero := 0, 0
		for i := 0; i < n; i += 2 {
			if b[i] == 0 {
				evenZero++
			}
			if b[i+1] == 0 {
				oddZero++
			}
		}
		switch half := n / 2; {
		case oddZero > half*3/4 && evenZero == 0:
			return decoded{s: decodeUTF16(b, false), encoding: "utf-16le"}
		case evenZero > half*3/4 && oddZero == 0:
			return decoded{s: decodeUTF16(b, true), encoding: "utf-16be"}
		}
	}
	bin := false
	ctl := 0
	for _, c := range b[:min(len(b), 8192)] {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' {
			ctl++
		}
	}
	if ctl > 0 && ctl*100 > min(len(b), 8192) {
		bin = true
	}
	if utf8.Valid(b) {
		return decoded{s: string(b), encoding: "utf-8", binary: bin}
	}
	// A prefix cut in the middle of a UTF-8 sequence is still UTF-8.
	if len(b) > 4 && utf8.Valid(b[:len(b)-4]) && !utf8.Valid(b) {
		tail := b[len(b)-4:]
		for k := 1; k <= 3; k++ {
			if utf8.Valid(b[:len(b)-k]) && !utf8.FullRune(tail[4-k:]) {
				return decoded{s: string(b[:len(b)-k]), encoding: "utf-8", binary: bin}
			}
		}
	}
	s, err := charmap.Windows1252.NewDecoder().Bytes(b)
	if err != nil {
		return decoded{s: toValidUTF8(b), encoding: "utf-8", binary: bin}
	}
	return decoded{s: string(s), encoding: "windows-1252", binary: bin}
}

func toValidUTF8(b []byte) string { return strings.ToValidUTF8(string(b), "\uFFFD") }

func decodeUTF16(b []byte, bigEndian bool) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		if bigEndian {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			u[i] = uint16(b[2*i+1])<<8 | uint16(b[2*i])
		}
	}
	return string(utf16.Decode(u))
}

// delimiters are the separators sniffDelimiter tries, in order of
// preference on a tie.
var delimiters = []rune{',', ';', '\t', '|'}

// sniffDelimiter picks the delimiter that splits the first lines of s into
// the most consistent number of fields (more than one). ok is false when no
// delimiter splits the lines consistently.
func sniffDelimiter(s string) (delim rune, ok bool) {
	sample := s[:min(len(s), 64<<10)]
	if i := strings.LastIndexByte(sample, '\n'); i > 0 && len(sample) < len(s) {
		sample = sample[:i]
	}
	best, bestScore := ',', 0.0
	for _, d := range delimiters {
		r := csv.NewReader(strings.NewReader(sample))
		r.Comma = d
		r.FieldsPerRecord = -1
		r.LazyQuotes = true
		counts := map[int]int{}
		lines := 0
		for lines < 200 {
			rec, err := r.Read()
			if err != nil {
				if errors.Is(err, io.EOF) {
					break
				}
				var pe *csv.ParseError
				if errors.As(err, &pe) {
					continue
				}
				break
			}
			if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
				continue
			}
			lines++
			counts[len(rec)]++
		}
		if lines == 0 {
			continue
		}
		mode, modeN := 0, 0
		for n, k := range counts {
			if n > 1 && (k > modeN || k == modeN && n > mode) {
				mode, modeN = n, k
			}
		}
		if mode < 2 {
			continue
		}
		multi := 0
		for n, k := range counts {
			if n > 1 {
				multi += k
			}
		}
		// Consistency first, then coverage, then width.
		score := float64(modeN)/float64(lines)*0.6 + float64(multi)/float64(lines)*0.4
		score += float64(min(mode, 20)) * 0.001
		if score > bestScore {
			best, bestScore = d, score
			ok = modeN >= 2 && multi*2 >= lines
		}
	}
	return best, ok
}

// extractCSV reads a delimited text file: encoding and delimiter sniffed,
// quoted fields, ragged rows padded, titles and notes around the table
// kept apart, several tables separated by blank lines.
func extractCSV(ctx context.Context, data []byte, o *Options) ([]*Table, error) {
	// The encoding is sniffed on the head of the file; a file that is
	// UTF-8 throughout is read from its bytes as they are, without a
	// decoded copy of the whole.
	dec := decodeText(data[:min(len(data), 64<<10)])
	if dec.binary {
		return nil, errBinaryCSV()
	}
	body := data
	if dec.encoding == "utf-8-bom" {
		body = data[3:]
	}
	// text is the file as UTF-8 text: its bytes as they are, or decoded.
	text := body
	if !(dec.encoding == "utf-8" || dec.encoding == "utf-8-bom") || !utf8.Valid(body) {
		dec = decodeText(data)
		text = unsafe.Slice(unsafe.StringData(dec.s), len(dec.s)) // read, never written
	}
	if int64(len(text)) >= 1<<32 {
		return nil, &Error{Format: "csv", Err: fmt.Errorf("%w: %d bytes of text", ErrTooLarge, len(text))}
	}
	delim, ok, skip, err := csvDialect(string(text[:min(len(text), 64<<10)]))
	if err != nil {
		return nil, err
	}
	st, reasons, err := readCSVStore(ctx, newCSVScanner(text[skip:], delim), len(text)-skip, o)
	if err != nil {
		return nil, err
	}
	return csvTables(st, reasons, dec.encoding, delim, ok, o)
}

// errCSVWhole says that a delimited file read as a stream must be read
// whole instead: its text is not UTF-8 throughout (or is too long to tell
// its decoded length), so it is decoded as one piece.
var errCSVWhole = errors.New("extract: csv: read the file whole")

// extractCSVStream reads a delimited file of size bytes from r as
// extractCSV reads it whole, with the same tables, but a line at a time:
// the file's bytes are never held whole, only the cells' text. head is
// the file's first bytes: all of them, or at least 64 KiB and 3. It
// returns errCSVWhole, and no tables, for a file that is not UTF-8
// throughout; extractCSV reads such a file.
func extractCSVStream(ctx context.Context, r io.ReaderAt, size int64, head []byte, o *Options) ([]*Table, error) {
	dec := decodeText(head[:min(len(head), 64<<10)])
	if dec.binary {
		return nil, errBinaryCSV()
	}
	var off int64
	switch dec.encoding {
	case "utf-8":
	case "utf-8-bom":
		off = 3
	default:
		return nil, errCSVWhole
	}
	n := size - off
	if n >= 1<<32 {
		return nil, errCSVWhole
	}
	bodyHead := head[off:min(int64(len(head)), off+64<<10)]
	delim, ok, skip, err := csvDialect(string(bodyHead))
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(io.NewSectionReader(r, off+int64(skip), n-int64(skip)), 64<<10)
	st, reasons, err := readCSVStore(ctx, newCSVReaderScanner(br, delim), int(n)-skip, o)
	if err != nil {
		return nil, err
	}
	return csvTables(st, reasons, dec.encoding, delim, ok, o)
}

func errBinaryCSV() error {
	return &Error{Format: "csv", Err: fmt.Errorf("%w: binary content, not delimited text", ErrUnsupported)}
}

// csvDialect reads the delimiter from the head of a file's text: named by
// Excel's "sep=;" first line (skip is then that line's length, its line
// break kept so that line numbers stay), or else sniffed; ok is false
// when no delimiter splits the lines consistently (',' is taken).
func csvDialect(head string) (delim rune, ok bool, skip int, err error) {
	if first, _, found := strings.Cut(head, "\n"); found && strings.HasPrefix(first, "sep=") {
		if d, size := utf8.DecodeRuneInString(strings.TrimRight(first[4:], "\r")); size > 0 && d != '"' && d != '\r' {
			delim, ok = d, true
			// Skip the line but keep line numbers.
			skip = len(first)
			head = head[len(first):]
		}
	}
	if !ok {
		delim, ok = sniffDelimiter(head)
	}
	if !ok {
		delim = ','
	}
	if !validDelim(delim) {
		return 0, false, 0, &Error{Format: "csv", Err: fmt.Errorf("invalid delimiter %q", delim)}
	}
	return delim, ok, skip, nil
}

// csvTables makes the tables of a delimited file's cells.
func csvTables(st *csvStore, reasons []string, enc string, delim rune, ok bool, o *Options) ([]*Table, error) {
	g := &sheetGrid{a1: true, method: MethodCSV, format: "csv", maxCells: maxCells(o), csv: st, reasonsAll: reasons}
	switch enc {
	case "utf-8", "utf-8-bom":
	default:
		g.reasonsAll = append(g.reasonsAll, "decoded as "+enc)
	}
	ts, err := tablesFromGrid(g)
	if err != nil {
		return nil, &Error{Format: "csv", Err: err}
	}
	for _, t := range ts {
		// Rows of a table with different numbers of fields were padded.
		seen := map[int32]bool{}
		for _, i := range t.compact.idx {
			seen[st.rows.at(int(i)).width] = true
		}
		if len(seen) > 1 {
			t.Reasons = append(t.Reasons, fmt.Sprintf("ragged rows: %d different numbers of fields, padded", len(seen)))
		}
	}
	if d := string(delim); d != "," {
		for _, t := range ts {
			t.Reasons = append(t.Reasons, fmt.Sprintf("delimiter %q", d))
		}
	}
	if !ok {
		for _, t := range ts {
			t.Confidence = baseConfidence(MethodCSV) - 0.3
			t.Reasons = append(t.Reasons, "no consistent delimiter found")
		}
	}
	if !o.Compact {
		for _, t := range ts {
			t.Expand()
		}
	}
	return ts, nil
}

// readCSVStore reads the records sc gives into a csvStore: rows numbered
// as a spreadsheet shows the file (blank lines are empty rows, a record
// with quoted line breaks one row), each non-empty field's text
// normalised. size bounds the text (the cells' is never longer). It stops
// after o.MaxRows records, with a reason saying so. A scanner reading a
// stream reads it to its end all the same, to check that it is UTF-8
// throughout (errCSVWhole if not).
func readCSVStore(ctx context.Context, sc *csvScanner, size int, o *Options) (*csvStore, []string, error) {
	var reasons []string
	st := &csvStore{}
	// The cells' text is never longer than the file's.
	slab := make([]byte, 0, size)
	sheetRow, prevEnd := -1, 0
	for row := 0; sc.next(); row++ {
		if row%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, nil, &Error{Format: "csv", Err: err}
			}
		}
		if row >= o.MaxRows {
			reasons = append(reasons, fmt.Sprintf("truncated after %d rows (MaxRows)", o.MaxRows))
			if sc.r != nil {
				for n := 0; ; n++ {
					if _, _, ok := sc.readLine(); !ok {
						break
					}
					if n%(64<<10) == 0 {
						if err := ctx.Err(); err != nil {
							return nil, nil, &Error{Format: "csv", Err: err}
						}
					}
				}
			}
			break
		}
		sheetRow += 1 + max(sc.recLine-prevEnd-1, 0)
		prevEnd = sc.endLine
		first := st.cells.n
		for c := range sc.ends {
			n := len(slab)
			slab = appendNormalSpace(slab, sc.field(c))
			if len(slab) > n {
				st.cells.add(csvCell{col: int32(c), end: uint32(len(slab))})
			}
		}
		if st.cells.n > first {
			st.rows.add(csvRow{row: int32(sheetRow), width: int32(len(sc.ends)), first: uint32(first)})
		}
	}
	if sc.err != nil {
		if errors.Is(sc.err, errCSVWhole) {
			return nil, nil, sc.err
		}
		return nil, nil, &Error{Format: "csv", Err: sc.err}
	}
	st.text = bytesString(slab)
	return st, reasons, nil
}

// maxCells bounds the dense cells of one document's tables: a sparse sheet
// with a stray cell far away must not become a huge grid. It is
// o.MaxCells, or else one cell per 8 bytes of MaxBytes (8,388,608 for the
// default 64 MiB), within 2^20 and 2^27.
func maxCells(o *Options) int {
	if o.MaxCells > 0 {
		return o.MaxCells
	}
	return int(max(min(o.MaxBytes/8, 1<<27), 1<<20))
}
