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
