// Package pdfwrite writes small PDF files from their objects: the letters
// the simulated forces send and the documents tests build. It numbers the
// objects in the order given, from 1, and writes the cross-reference table
// and trailer; what the objects say is the caller's.
package pdfwrite

import (
	"bytes"
	"fmt"
	"strings"
)

// Object is one PDF object: a dictionary (or any value) and, for a stream,
// its data, whose /Length the dictionary must give.
type Object struct {
	Dict   string
	Stream []byte // nil: not a stream
}

// Stream returns a stream object of data whose dictionary has the given
// entries (without the << >>) and its /Length.
func Stream(entries string, data []byte) Object {
	if entries != "" {
		entries += " "
	}
	return Object{Dict: fmt.Sprintf("<< %s/Length %d >>", entries, len(data)), Stream: data}
}

// Write returns the PDF file of objs; object 1 must be the catalog.
func Write(objs []Object) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s", i+1, o.Dict)
		if o.Stream != nil {
			b.WriteString("\nstream\n")
			b.Write(o.Stream)
			b.WriteString("\nendstream")
		}
		b.WriteString("\nendobj\n")
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// Letter returns an A4 PDF of text lines in 10-point Helvetica, top to
// bottom, starting a new page when one is full; an empty line leaves a
// paragraph's gap. Lines are Latin-1 text ((, ) and \ are escaped).
func Letter(lines []string) []byte {
	const top, bottom, leading = 780.0, 60.0, 13.0
	var pages []string
	var page bytes.Buffer
	y := top
	flush := func() {
		pages = append(pages, page.String())
		page.Reset()
		y = top
	}
	for _, l := range lines {
		if y < bottom {
			flush()
		}
		if l == "" {
			y -= leading
			continue
		}
		fmt.Fprintf(&page, "BT /F1 10 Tf 60 %g Td (%s) Tj ET\n", y, Escape(l))
		y -= leading
	}
	flush()
	return Pages(pages, 595, 842)
}

// Pages returns a PDF of pages of the given content streams, each w × h
// points, with one font, F1: Helvetica in WinAnsi encoding. Objects: 1 the
// catalog, 2 the page tree, 3 the font, then each page and its content.
func Pages(contents []string, w, h float64) []byte {
	kids := make([]string, len(contents))
	for i := range contents {
		kids[i] = fmt.Sprintf("%d 0 R", 4+2*i)
	}
	objs := []Object{
		{Dict: "<< /Type /Catalog /Pages 2 0 R >>"},
		{Dict: fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(contents))},
		{Dict: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"},
	}
	for i, c := range contents {
		objs = append(objs, Object{Dict: fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>",
			w, h, 5+2*i)}, Stream("", []byte(c)))
	}
	return Write(objs)
}

// Escape writes s as the inside of a PDF literal string shown in a
// WinAnsi font: (, ) and \ escaped, Latin-1 letters as octal codes, and
// what Latin-1 cannot write as "?".
func Escape(s string) string {
	var b bytes.Buffer
	for _, r := range s {
		switch {
		case r == '(' || r == ')' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x80:
			b.WriteRune(r)
		case r <= 0xff:
			fmt.Fprintf(&b, "\\%03o", r)
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}
