package pdf

import (
	"sort"
	"unicode/utf16"
)

// cmap is a parsed CMap: a ToUnicode map (code → text) or an encoding
// CMap of a composite font (code → CID). Large ranges are kept as ranges.
type cmap struct {
	space     []codeRange
	uni       map[uint64]string
	uniRanges []uniRange
	cid       map[uint64]uint32
	cidRanges []cidRange
}

type codeRange struct {
	n      int
	lo, hi [4]byte
}

type uniRange struct {
	n      int
	lo, hi uint32
	dst    []uint16   // start value, last unit incremented across the range
	arr    [][]uint16 // explicit destinations
}

type cidRange struct {
	n      int
	lo, hi uint32
	cid    uint32
}

const (
	maxCMapEntries = 1 << 17
)

func codeKey(code uint32, n int) uint64 { return uint64(n)<<32 | uint64(code) }

func bytesToCode(s string) uint32 {
	var c uint32
	for i := 0; i < len(s) && i < 4; i++ {
		c = c<<8 | uint32(s[i])
	}
	return c
}

func toUTF16(s string) []uint16 {
	u := make([]uint16, 0, len(s)/2)
	for i := 0; i+1 < len(s); i += 2 {
		u = append(u, uint16(s[i])<<8|uint16(s[i+1]))
	}
	if len(s)%2 == 1 { // odd length: treat the last byte as a code unit
		u = append(u, uint16(s[len(s)-1]))
	}
	return u
}

// parseCMap reads a CMap program. It is tolerant: anything it does not
// understand is skipped.
func parseCMap(data []byte) *cmap {
	m := &cmap{uni: map[uint64]string{}, cid: map[uint64]uint32{}}
	l := &lexer{b: data}
	var stk []operand
	entries := 0
	for {
		v, ok := l.next()
		if !ok {
			break
		}
		if v.k != kOp {
			if len(stk) < 1<<14 {
				stk = append(stk, v)
			}
			continue
		}
		switch v.str {
		case "endcodespacerange":
			for i := 0; i+1 < len(stk); i += 2 {
				lo, hi := stk[i].str, stk[i+1].str
				if len(lo) == 0 || len(lo) > 4 || len(lo) != len(hi) {
					continue
				}
				var r codeRange
				r.n = len(lo)
				copy(r.lo[:], lo)
				copy(r.hi[:], hi)
				m.space = append(m.space, r)
			}
		case "endbfchar":
			for i := 0; i+1 < len(stk) && entries < maxCMapEntries; i += 2 {
				src, dst := stk[i], stk[i+1]
				if src.k != kString || len(src.str) == 0 || len(src.str) > 4 {
					continue
				}
				var text string
				switch dst.k {
				case kString:
					text = string(utf16.Decode(toUTF16(dst.str)))
				case kName:
					if r, ok := glyphRune(dst.str); ok {
						text = string(r)
					}
				}
				m.uni[codeKey(bytesToCode(src.str), len(src.str))] = text
				entries++
			}
		case "endbfrange":
			for i := 0; i+2 < len(stk) && entries < maxCMapEntries; i += 3 {
				lo, hi, dst := stk[i], stk[i+1], stk[i+2]
				if lo.k != kString || hi.k != kString || len(lo.str) == 0 || len(lo.str) > 4 {
					continue
				}
				r := uniRange{n: len(lo.str), lo: bytesToCode(lo.str), hi: bytesToCode(hi.str)}
				if r.hi < r.lo {
					continue
				}
				switch dst.k {
				case kString:
					r.dst = toUTF16(dst.str)
					if len(r.dst) == 0 {
						continue
					}
				case kArray:
					for _, a := range dst.arr {
						r.arr = append(r.arr, toUTF16(a.str))
					}
				default:
					continue
				}
				m.uniRanges = append(m.uniRanges, r)
				entries++
			}
		case "endcidchar":
			for i := 0; i+1 < len(stk) && entries < maxCMapEntries; i += 2 {
				src, dst := stk[i], stk[i+1]
				if src.k != kString || len(src.str) == 0 || len(src.str) > 4 || dst.k != kNum {
					continue
				}
				m.cid[codeKey(bytesToCode(src.str), len(src.str))] = uint32(max(dst.num, 0))
				entries++
			}
		case "endcidrange":
			for i := 0; i+2 < len(stk) && entries < maxCMapEntries; i += 3 {
				lo, hi, dst := stk[i], stk[i+1], stk[i+2]
				if lo.k != kString || hi.k != kString || len(lo.str) == 0 || len(lo.str) > 4 || dst.k != kNum {
					continue
				}
				r := cidRange{n: len(lo.str), lo: bytesToCode(lo.str), hi: bytesToCode(hi.str), cid: uint32(max(dst.num, 0))}
				if r.hi >= r.lo {
					m.cidRanges = append(m.cidRanges, r)
					entries++
				}
			}
		}
		if v.str != "def" && v.str != "dict" && v.str != "begin" {
			stk = stk[:0]
		}
	}
	sort.Slice(m.uniRanges, func(i, j int) bool { return m.uniRanges[i].lo < m.uniRanges[j].lo })
	return m
}

// split returns the length in bytes of the first code of s according to
// the code space ranges, or def when the CMap declares none.
func (m *cmap) split(s string, def int) int {
	if m == nil || len(m.space) == 0 {
		return min(def, len(s))
	}
	for n := 1; n <= 4 && n <= len(s); n++ {
		for _, r := range m.space {
			if r.n != n {
				continue
			}
			in := true
			for i := 0; i < n; i++ {
				if s[i] < r.lo[i] || s[i] > r.hi[i] {
					in = false
					break
				}
			}
			if in {
				return n
			}
		}
	}
	// No range matches: take the shortest declared length.
	n := 4
	for _, r := range m.space {
		n = min(n, r.n)
	}
	return min(n, len(s))
}

// text maps a code to Unicode text.
func (m *cmap) text(code uint32, n int) (string, bool) {
	if m == nil {
		return "", false
	}
	if t, ok := m.uni[codeKey(code, n)]; ok {
		return t, true
	}
	for i := range m.uniRanges {
		r := &m.uniRanges[i]
		if r.n != n || code < r.lo || code > r.hi {
			continue
		}
		off := code - r.lo
		if r.arr != nil {
			if int(off) < len(r.arr) {
				return string(utf16.Decode(r.arr[off])), true
			}
			return "", false
		}
		u := make([]uint16, len(r.dst))
		copy(u, r.dst)
		u[len(u)-1] += uint16(off)
		return string(utf16.Decode(u)), true
	}
	return "", false
}

// cidOf maps a code to a CID; identity when the CMap has no mapping.
func (m *cmap) cidOf(code uint32, n int) uint32 {
	if m == nil {
		return code
	}
	if c, ok := m.cid[codeKey(code, n)]; ok {
		return c
	}
	for _, r := range m.cidRanges {
		if r.n == n && code >= r.lo && code <= r.hi {
			return r.cid + code - r.lo
		}
	}
	return code
}
