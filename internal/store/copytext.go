package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// observationColumns are the columns an observationReader writes, in order.
// withKeys adds the four columns every row of one load shares.
func observationColumns(withKeys bool) []string {
	cols := []string{"table_index", "page", "sheet", "row_index", "col_index", "cell_ref", "period", "period_start",
		"period_end", "dimensions", "measure", "value", "flag", "raw_text", "confidence"}
	if withKeys {
		cols = append([]string{"campaign_id", "request_id", "force_slug", "document_id"}, cols...)
	}
	return cols
}

// observationReader streams a load's observations as COPY text format
// (tab-separated, backslash escapes, \N for NULL), encoding rows only as
// the connection asks for them. pgx's general COPY path boxes every value
// in an interface and looks up its encoder per value; for a million rows
// that was more work on the client than the server's own.
type observationReader struct {
	in       *LoadInput
	withKeys bool
	prefix   []byte // the encoded shared columns, with their trailing tab
	next     int    // the next observation to encode
	buf      []byte
	off      int // read position in buf
	dims     func(map[string]string) (string, error)
	err      error
}

func newObservationReader(in *LoadInput, withKeys bool) *observationReader {
	r := &observationReader{in: in, withKeys: withKeys, dims: dimensionEncoder(), buf: make([]byte, 0, 64<<10)}
	if withKeys {
		p := strconv.AppendInt(nil, in.CampaignID, 10)
		p = append(p, '\t')
		p = strconv.AppendInt(p, in.RequestID, 10)
		p = append(p, '\t')
		p = appendCopyText(p, in.ForceSlug)
		p = append(p, '\t')
		p = strconv.AppendInt(p, in.DocumentID, 10)
		r.prefix = append(p, '\t')
	}
	return r
}

func (r *observationReader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if r.off == len(r.buf) {
		r.buf, r.off = r.buf[:0], 0
		for r.next < len(r.in.Observations) && len(r.buf) < cap(r.buf)-1024 {
			var err error
			if r.buf, err = r.appendRow(r.buf, &r.in.Observations[r.next]); err != nil {
				r.err = err
				return 0, err
			}
			r.next++
		}
		if len(r.buf) == 0 {
			return 0, io.EOF
		}
	}
	n := copy(p, r.buf[r.off:])
	r.off += n
	return n, nil
}

// appendRow encodes one observation as a line of COPY text.
func (r *observationReader) appendRow(b []byte, o *Observation) ([]byte, error) {
	var bad string // the first field PostgreSQL could not store
	var badErr error
	fail := func(field string, err error) {
		if err != nil && bad == "" {
			bad, badErr = field, err
		}
	}
	text := func(b []byte, field, s string) []byte {
		fail(field, checkText(s))
		return append(appendCopyText(b, s), '\t')
	}
	num := func(b []byte, n int) []byte { return append(strconv.AppendInt(b, int64(n), 10), '\t') }

	b = append(b, r.prefix...)
	b = num(b, o.TableIndex)
	b = num(b, o.Page)
	b = text(b, "sheet", o.Sheet)
	b = num(b, o.Row)
	b = num(b, o.Col)
	b = text(b, "cell reference", o.CellRef)
	b = text(b, "period", o.Period)
	b = append(appendCopyDate(b, o.PeriodStart), '\t')
	b = append(appendCopyDate(b, o.PeriodEnd), '\t')
	dims, err := r.dims(o.Dimensions)
	fail("dimensions", err)
	b = text(b, "dimensions", dims)
	b = text(b, "measure", o.Measure)
	switch v := o.Value; {
	case v == nil:
		b = append(b, `\N`...)
	case math.IsInf(*v, 0) || math.IsNaN(*v):
		fail("value", errNotFinite)
	default:
		// The shortest decimal that reads back as the same float64: "12.5",
		// not 12.4999…; numeric keeps exactly that.
		b = strconv.AppendFloat(b, *v, 'f', -1, 64)
	}
	b = append(b, '\t')
	if o.Flag == "" {
		b = append(b, "\\N\t"...)
	} else {
		b = text(b, "flag", o.Flag)
	}
	b = text(b, "raw text", o.Raw)
	if math.IsInf(o.Confidence, 0) || math.IsNaN(o.Confidence) {
		fail("confidence", errNotFinite)
	}
	b = strconv.AppendFloat(b, o.Confidence, 'g', -1, 32)
	if bad != "" {
		return b, fmt.Errorf("observation at table %d %s (row %d, column %d): %s: %w",
			o.TableIndex, o.CellRef, o.Row, o.Col, bad, badErr)
	}
	return append(b, '\n'), nil
}

var (
	errNotFinite = errors.New("not a finite number")
	errNUL       = errors.New("text contains a NUL byte, which PostgreSQL cannot store")
	errUTF8      = errors.New("text is not valid UTF-8")
)

// checkText refuses what PostgreSQL's text type cannot hold, so that the
// error names the cell rather than a line of the COPY stream.
func checkText(s string) error {
	if strings.IndexByte(s, 0) >= 0 {
		return errNUL
	}
	if !utf8.ValidString(s) {
		return errUTF8
	}
	return nil
}

// appendCopyText appends s escaped for COPY's text format: backslash,
// tab, newline and carriage return are the characters it gives meaning to.
func appendCopyText(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		var esc byte
		switch s[i] {
		case '\\':
			esc = '\\'
		case '\t':
			esc = 't'
		case '\n':
			esc = 'n'
		case '\r':
			esc = 'r'
		default:
			continue
		}
		b = append(b, s[start:i]...)
		b = append(b, '\\', esc)
		start = i + 1
	}
	return append(b, s[start:]...)
}

// appendCopyDate appends t's date as YYYY-MM-DD (years 0–9999, as
// PostgreSQL's date reads them without an era), or \N for nil.
func appendCopyDate(b []byte, t *time.Time) []byte {
	if t == nil {
		return append(b, `\N`...)
	}
	y, m, d := t.Date()
	if y < 0 || y > 9999 {
		return t.AppendFormat(b, time.DateOnly)
	}
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-', byte('0'+d/10), byte('0'+d%10))
}

// dimensionEncoder returns a JSON encoder for observations' dimension maps
// that encodes each distinct map once: a load has a few hundred distinct
// combinations among its rows.
func dimensionEncoder() func(map[string]string) (string, error) {
	cache := map[string]string{}
	var key []byte
	keys := make([]string, 0, 4)
	return func(d map[string]string) (string, error) {
		keys = keys[:0]
		for k := range d {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		key = key[:0]
		for _, k := range keys {
			key = append(key, k...)
			key = append(key, 0)
			key = append(key, d[k]...)
			key = append(key, 0)
		}
		if s, ok := cache[string(key)]; ok {
			return s, nil
		}
		for _, k := range keys {
			if err := checkText(k); err != nil {
				return "", fmt.Errorf("dimension %q: %w", k, err)
			}
			if err := checkText(d[k]); err != nil {
				return "", fmt.Errorf("dimension %q: %w", k, err)
			}
		}
		b, err := json.Marshal(d)
		if err != nil {
			return "", err
		}
		cache[string(key)] = string(b)
		return string(b), nil
	}
}
