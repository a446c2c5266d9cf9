// Package pdfwrite writes small PDF files from their objects: the letters
// the simulated forces send and the documents tests build. It numbers the
// objects in the order given, from 1, and writes the cross-reference table
// and trailer; what the objects say is the caller's.
package pdfwrite

import (
	"bytes"
	"fmt"
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
