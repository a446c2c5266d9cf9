// Package pdf reads the text and ruling lines of PDF pages, for table
// extraction. It builds on the object layer of github.com/ledongthuc/pdf
// (cross-reference tables, objects, stream filters) and replaces its page
// content interpretation with its own: graphics state and CTM, text
// matrices, Form XObjects, composite (CID) fonts and their /W widths, the
// widths of the standard 14 fonts, ToUnicode CMaps and /Differences, and
// path painting turned into horizontal and vertical rulings.
//
// Every entry point recovers from panics of the underlying parser and
// bounds time, page count, nesting and sizes: malformed or hostile input
// yields an error, never a crash.
package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	lpdf "github.com/ledongthuc/pdf"
)

// Errors callers may branch on.
var (
	// ErrMalformed reports a document or page that cannot be parsed.
	ErrMalformed = errors.New("malformed PDF")
	// ErrLimit reports a document that exceeds a size, count or depth bound.
	ErrLimit = errors.New("PDF exceeds limits")
	// ErrEncrypted reports a document that needs a password.
	ErrEncrypted = errors.New("encrypted PDF")
)

// Limits bounds the work done on one document. Zero fields take defaults.
type Limits struct {
	MaxPages       int   // pages read (default 2000)
	MaxOps         int   // content operators per page, Form XObjects included (default 2,000,000)
	MaxGlyphs      int   // glyphs per page (default 200,000)
	MaxStreamBytes int64 // decoded bytes per stream (default 64 MiB)
	MaxFormDepth   int   // nesting of Form XObjects (default 12)
}

func (l Limits) withDefaults() Limits {
	if l.MaxPages <= 0 {
		l.MaxPages = 2000
	}
	if l.MaxOps <= 0 {
		l.MaxOps = 2_000_000
	}
	if l.MaxGlyphs <= 0 {
		l.MaxGlyphs = 200_000
	}
	if l.MaxStreamBytes <= 0 {
		l.MaxStreamBytes = 64 << 20
	}
	if l.MaxFormDepth <= 0 {
		l.MaxFormDepth = 12
	}
	return l
}

// Document is an open PDF.
type Document struct {
	r       *lpdf.Reader
	lim     Limits
	pages   []pageRef
	more    bool // the page tree holds more pages than MaxPages
	fonts   map[fontKey]*font
	treeErr error
}

type pageRef struct {
	v         lpdf.Value
	resources lpdf.Value
	box       [4]float64
	rotate    int
}

type fontKey struct {
	id   uint32
	name string
	base string
}

// headerReader presents a PDF 2.0 (or oddly terminated) header as
// "%PDF-1.7\n" so that the object layer accepts it.
type headerReader struct {
	data []byte
	head []byte
}

func (h *headerReader) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(h.data)) {
		return 0, io.EOF
	}
	n := copy(p, h.data[off:])
	for i := 0; i < n; i++ {
		if o := off + int64(i); o < int64(len(h.head)) {
			p[i] = h.head[o]
		}
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// Open parses a PDF held in memory.
func Open(data []byte, lim *Limits) (doc *Document, err error) {
	var l Limits
	if lim != nil {
		l = *lim
	}
	l = l.withDefaults()
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, fmt.Errorf("%w: %v", ErrMalformed, r)
		}
	}()
	if len(data) < 16 || !bytes.HasPrefix(data, []byte("%PDF-")) {
		return nil, fmt.Errorf("%w: missing %%PDF- header", ErrMalformed)
	}
	ra := &headerReader{data: data}
	if len(data) > 9 && !(data[5] == '1' && data[6] == '.' && data[7] >= '0' && data[7] <= '7' && (data[8] == '\n' || data[8] == '\r')) {
		ra.head = []byte("%PDF-1.7\n")
	}
	data = trimTrailingGarbage(data)
	ra.data = data
	r, err := lpdf.NewReader(ra, int64(len(data)))
	if err != nil {
		if errors.Is(err, lpdf.ErrInvalidPassword) || strings.Contains(err.Error(), "encrypt") {
			return nil, fmt.Errorf("%w: %v", ErrEncrypted, err)
		}
		if r, err = openRepaired(ra, err); err != nil {
			return nil, err
		}
	}
	d := &Document{r: r, lim: l, fonts: map[fontKey]*font{}}
	d.walkPages()
	if len(d.pages) == 0 {
		// A trailer whose /Size is smaller than its cross-reference table
		// (as pdfunite writes it) makes the reader drop the entries past
		// it, the catalog among them; poppler ignores /Size. Read the
		// file again with /Size raised to cover every object.
		if fixed, ok := raiseTrailerSize(ra.data); ok {
			if r2, err := lpdf.NewReader(&headerReader{data: fixed, head: ra.head}, int64(len(fixed))); err == nil {
				d2 := &Document{r: r2, lim: l, fonts: map[fontKey]*font{}}
				d2.walkPages()
				if len(d2.pages) > 0 {
					return d2, nil
				}
			}
		}
		if d.treeErr != nil {
			return nil, d.treeErr
		}
		return nil, fmt.Errorf("%w: no pages", ErrMalformed)
	}
	return d, nil
}

// openRepaired opens a document whose cross-reference table could not be
// read (openErr) from a table rebuilt by scanning its objects, when the
// file ends as a whole PDF does (with %%EOF): the table's offsets are
// wrong, as poppler and other readers repair. A file cut short stays
// refused.
func openRepaired(ra *headerReader, openErr error) (r *lpdf.Reader, err error) {
	defer func() {
		if p := recover(); p != nil {
			r, err = nil, fmt.Errorf("%w: %v (repair failed: %v)", ErrMalformed, openErr, p)
		}
	}()
	if !bytes.Contains(ra.data[max(0, len(ra.data)-1024):], []byte("%%EOF")) {
		// Cut short: what is missing cannot be rebuilt.
		return nil, fmt.Errorf("%w: %v", ErrMalformed, openErr)
	}
	fixed, err := rebuildXref(ra.data)
	if err != nil {
		return nil, fmt.Errorf("%w: %v (%v)", ErrMalformed, openErr, err)
	}
	ra.data = fixed
	r, err = lpdf.NewReader(ra, int64(len(fixed)))
	if err != nil {
		return nil, fmt.Errorf("%w: %v (rebuilt cross-reference table unreadable: %v)", ErrMalformed, openErr, err)
	}
	return r, nil
}

// trimTrailingGarbage cuts bytes after the last %%EOF when it lies within
// the final 4 KiB (some producers append junk that hides it).
func trimTrailingGarbage(data []byte) []byte {
	tail := data[max(0, len(data)-4096):]
	i := bytes.LastIndex(tail, []byte("%%EOF"))
	if i < 0 {
		return data
	}
	end := len(data) - len(tail) + i + 5
	return data[:end]
}

// NumPages returns the number of pages found (at most MaxPages).
func (d *Document) NumPages() int { return len(d.pages) }

// Truncated reports whether the document has more pages than MaxPages.
func (d *Document) Truncated() bool { return d.more }

// objID returns the object number a Value was resolved from (0 when
// unknown). ledongthuc/pdf keeps it unexported; reading it through reflect
// lets us cache fonts and detect cycles in the page tree.
func objID(v lpdf.Value) uint32 {
	rv := reflect.ValueOf(v)
	f := rv.FieldByName("ptr")
	if !f.IsValid() {
		return 0
	}
	id := f.FieldByName("id")
	if !id.IsValid() {
		return 0
	}
	return uint32(id.Uint())
}

const maxTreeDepth = 64

// walkPages collects the leaves of the page tree, with inherited
// attributes, bounded in depth, nodes visited and pages kept.
func (d *Document) walkPages() {
	defer func() {
		if r := recover(); r != nil {
			d.treeErr = fmt.Errorf("%w: page tree: %v", ErrMalformed, r)
		}
	}()
	root := d.r.Trailer().Key("Root").Key("Pages")
	visited := map[uint32]bool{}
	nodes := 0
	var walk func(v lpdf.Value, res lpdf.Value, box [4]float64, hasBox bool, rot int, depth int)
	walk = func(v lpdf.Value, res lpdf.Value, box [4]float64, hasBox bool, rot int, depth int) {
		if depth > maxTreeDepth || v.Kind() != lpdf.Dict {
			return
		}
		nodes++
		if nodes > 4*d.lim.MaxPages+1000 {
			d.more = true
			return
		}
		if r := v.Key("Resources"); r.Kind() == lpdf.Dict {
			res = r
		}
		for _, key := range []string{"CropBox", "MediaBox"} {
			if b := v.Key(key); b.Len() == 4 {
				var nb [4]float64
				for i := range 4 {
					nb[i] = num(b.Index(i))
				}
				if nb[2] < nb[0] {
					nb[0], nb[2] = nb[2], nb[0]
				}
				if nb[3] < nb[1] {
					nb[1], nb[3] = nb[3], nb[1]
				}
				if nb[2]-nb[0] > 1 && nb[3]-nb[1] > 1 {
					if key == "CropBox" || !hasBox {
						box, hasBox = nb, true
					}
					break
				}
			}
		}
		if r := v.Key("Rotate"); r.Kind() == lpdf.Integer {
			rot = int(r.Int64())
		}
		kids := v.Key("Kids")
		typ := v.Key("Type").Name()
		if typ == "Page" || (typ == "" && kids.Kind() != lpdf.Array) {
			if len(d.pages) >= d.lim.MaxPages {
				d.more = true
				return
			}
			if !hasBox {
				box = [4]float64{0, 0, 612, 792}
			}
			rot = ((rot % 360) + 360) % 360
			d.pages = append(d.pages, pageRef{v: v, resources: res, box: box, rotate: rot / 90 * 90})
			return
		}
		if id := objID(v); id != 0 {
			if visited[id] {
				return
			}
			visited[id] = true
		}
		for i := 0; i < kids.Len(); i++ {
			if len(d.pages) >= d.lim.MaxPages {
				d.more = true
				return
			}
			walk(kids.Index(i), res, box, hasBox, rot, depth+1)
		}
	}
	walk(root, lpdf.Value{}, [4]float64{}, false, 0, 0)
}

// streamBytes returns a stream's decoded content, bounded in size.
func (d *Document) streamBytes(v lpdf.Value) (data []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: stream: %v", ErrMalformed, r)
		}
	}()
	rc := v.Reader()
	defer rc.Close()
	data, err = io.ReadAll(io.LimitReader(rc, d.lim.MaxStreamBytes+1))
	if int64(len(data)) > d.lim.MaxStreamBytes {
		return nil, fmt.Errorf("%w: stream larger than %d bytes", ErrLimit, d.lim.MaxStreamBytes)
	}
	if err != nil && len(data) > 0 {
		err = nil // keep what a truncated or damaged stream gave
	}
	return data, err
}

// Page interprets page n (1-based). A panic inside is returned as an error.
func (d *Document) Page(ctx context.Context, n int) (p *Page, err error) {
	if n < 1 || n > len(d.pages) {
		return nil, fmt.Errorf("page %d out of range 1..%d", n, len(d.pages))
	}
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, fmt.Errorf("%w: %v", ErrMalformed, r)
		}
	}()
	ref := d.pages[n-1]
	p = newPage(n, ref)
	in := &interp{doc: d, page: p, ctx: ctx, lastGlyph: -1}
	contents := ref.v.Key("Contents")
	var data []byte
	switch contents.Kind() {
	case lpdf.Stream:
		data, err = d.streamBytes(contents)
	case lpdf.Array:
		var buf bytes.Buffer
		for i := 0; i < contents.Len() && i < 10000; i++ {
			b, e := d.streamBytes(contents.Index(i))
			if e != nil {
				err = e
				continue
			}
			buf.Write(b)
			buf.WriteByte('\n')
			if int64(buf.Len()) > d.lim.MaxStreamBytes {
				return nil, fmt.Errorf("%w: page content larger than %d bytes", ErrLimit, d.lim.MaxStreamBytes)
			}
		}
		data = buf.Bytes()
		if len(data) > 0 {
			err = nil
		}
	}
	if err != nil && len(data) == 0 {
		return nil, err
	}
	if err := in.run(data, ref.resources, p.base, 0); err != nil {
		return p, err
	}
	p.finish()
	return p, nil
}
