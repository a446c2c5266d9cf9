package pdf

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/foidesk/foidesk/internal/lazyre"
)

// objHeadRE finds "N G obj" at the start of a line.
var objHeadRE = lazyre.New(`(?:^|[\r\n])[ \t]*(\d{1,9})[ \t\r\n]+(\d{1,5})[ \t\r\n]+obj\b`)

// rootRE finds the catalog reference of a trailer dictionary.
var rootRE = lazyre.New(`/Root[ \t\r\n]*(\d{1,9})[ \t\r\n]+(\d{1,5})[ \t\r\n]+R`)

// catalogRE finds a catalog object's head.
var catalogRE = lazyre.New(`/Type[ \t\r\n]*/Catalog\b`)

// sizeRE finds the /Size entry of a trailer dictionary.
var sizeRE = lazyre.New(`/Size[ \t\r\n]*(\d{1,9})`)

// xrefSubRE finds the head of a cross-reference subsection: "start count"
// alone on a line, followed by its first entry.
var xrefSubRE = lazyre.New(`(?:^|[\r\n])(\d{1,9})[ \t]+(\d{1,9})[ \t]*[\r\n]+\d{10}[ \t]\d{5}[ \t][fn]`)

// raiseTrailerSize returns data with the /Size of its last trailer raised
// to cover every object its cross-reference table lists and every
// "N G obj" in the file, and true, when /Size falls short of them.
func raiseTrailerSize(data []byte) ([]byte, bool) {
	t := bytes.LastIndex(data, []byte("trailer"))
	if t < 0 {
		return nil, false
	}
	m := sizeRE.FindSubmatchIndex(data[t:min(len(data), t+1024)])
	if m == nil {
		return nil, false
	}
	size, err := strconv.Atoi(string(data[t+m[2] : t+m[3]]))
	if err != nil {
		return nil, false
	}
	need := 0
	x := bytes.LastIndex(data[:t], []byte("xref"))
	if x >= 0 {
		for _, sm := range xrefSubRE.FindAllSubmatchIndex(data[x:t], -1) {
			start, err1 := strconv.Atoi(string(data[x+sm[2] : x+sm[3]]))
			n, err2 := strconv.Atoi(string(data[x+sm[4] : x+sm[5]]))
			if err1 == nil && err2 == nil {
				need = max(need, start+n)
			}
		}
	}
	for _, om := range objHeadRE.FindAllSubmatchIndex(data, -1) {
		if num, err := strconv.Atoi(string(data[om[2]:om[3]])); err == nil {
			need = max(need, num+1)
		}
	}
	if need <= size || need > maxRepairObjects {
		return nil, false
	}
	var b bytes.Buffer
	b.Grow(len(data) + 16)
	b.Write(data[:t+m[2]])
	b.WriteString(strconv.Itoa(need))
	b.Write(data[t+m[3]:])
	return b.Bytes(), true
}

// maxRepairObjects bounds the objects a rebuilt cross-reference table lists.
const maxRepairObjects = 1_000_000

// rebuildXref returns data with a new cross-reference table and trailer
// appended, built by finding every "N G obj" in the file (the last one of
// a number wins, as an incremental update would have it), as other
// readers repair a file whose table is missing or whose offsets are
// wrong. The catalog is the one the last trailer names, or else the last
// object of /Type /Catalog.
func rebuildXref(data []byte) ([]byte, error) {
	type entry struct {
		off int
		gen int
	}
	objs := map[int]entry{}
	maxNum := 0
	var catalog []int // number, generation
	for _, m := range objHeadRE.FindAllSubmatchIndex(data, -1) {
		num, err1 := strconv.Atoi(string(data[m[2]:m[3]]))
		gen, err2 := strconv.Atoi(string(data[m[4]:m[5]]))
		if err1 != nil || err2 != nil || num <= 0 || num > maxRepairObjects {
			continue
		}
		objs[num] = entry{off: m[2], gen: gen}
		maxNum = max(maxNum, num)
		head := data[m[1]:min(len(data), m[1]+512)]
		if end := bytes.Index(head, []byte("endobj")); end >= 0 {
			head = head[:end]
		}
		if catalogRE.Match(head) {
			catalog = []int{num, gen}
		}
	}
	if len(objs) == 0 {
		return nil, fmt.Errorf("%w: no objects found to rebuild the cross-reference table", ErrMalformed)
	}
	if i := bytes.LastIndex(data, []byte("trailer")); i >= 0 {
		if m := rootRE.FindSubmatch(data[i:min(len(data), i+1024)]); m != nil {
			num, _ := strconv.Atoi(string(m[1]))
			gen, _ := strconv.Atoi(string(m[2]))
			if e, ok := objs[num]; ok && e.gen == gen {
				catalog = []int{num, gen}
			}
		}
	}
	if catalog == nil {
		return nil, fmt.Errorf("%w: no catalog found to rebuild the cross-reference table", ErrMalformed)
	}
	var b bytes.Buffer
	b.Grow(len(data) + 20*(maxNum+1) + 128)
	b.Write(data)
	b.WriteString("\n")
	start := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n", maxNum+1)
	b.WriteString("0000000000 65535 f\r\n")
	for n := 1; n <= maxNum; n++ {
		if e, ok := objs[n]; ok {
			fmt.Fprintf(&b, "%010d %05d n\r\n", e.off, e.gen)
		} else {
			b.WriteString("0000000000 65535 f\r\n")
		}
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root %d %d R >>\nstartxref\n%d\n%%%%EOF\n", maxNum+1, catalog[0], catalog[1], start)
	return b.Bytes(), nil
}
