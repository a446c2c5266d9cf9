package normalise

// Phase 5, totals: every stated total against the figures it covers.

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/foidesk/foidesk/internal/totals"
)

// pendingTotal is a total's cell, read as an observation, and the
// dimensions it sums over; checkTotals compares it with its parts once
// every figure is read.
type pendingTotal struct {
	obs      Observation
	totalled map[string]bool
}

// checkTotals compares every stated total with the figures it covers. A
// total that covers nothing in the table is a figure in its own right.
func (m *mapper) checkTotals() {
	if len(m.totals) > 0 && m.res.Totals == nil {
		m.res.Totals = make([]TotalCheck, 0, len(m.totals))
	}
	tc := totalChecker{m: m}
	indexes := map[string]*partIndex{} // by totalSig
	for _, pt := range m.totals {
		parts := m.withoutNested(tc.partsOf(indexes, &pt), pt.totalled)
		tc.partsBuf = parts
		if len(parts) == 0 {
			m.keepUncoveredTotal(pt)
			continue
		}
		tc.compare(pt.obs, parts)
	}
}

// keepUncoveredTotal keeps a total that covers no figure of the table as a
// figure for all values of the dimensions it sums over, unless it sums over
// the period.
func (m *mapper) keepUncoveredTotal(pt pendingTotal) {
	t := pt.obs
	if pt.totalled[m.pdim] {
		m.review("total at %s covers no figures and has no period", t.Ref)
		return
	}
	t.Reasons = addUnique(t.Reasons, "a total with no parts in the table, kept as a figure for all values of "+strings.Join(sortedKeys(pt.totalled), ", "))
	m.obs = append(m.obs, t)
}

// totalChecker finds and sums the parts of the table's totals. The
// indexes of the figures are made on first use, one per set of summed
// dimensions, from the figures read by then.
type totalChecker struct {
	m        *mapper
	buf      []byte // scratch for projections and reasons
	partsBuf []int  // positions in m.obs
}

// partIndex indexes the figures by their coordinates on the dimensions a
// total does not sum over. It maps a projection to a chain of positions in
// m.obs, in ascending order: first and last of each chain, and next of
// each position (-1 ends a chain).
type partIndex struct {
	chains map[string]int32
	heads  []partChain
	next   []int32
	// What a projection holds: the period unless it is summed, and the
	// codes of these dimensions, in the schema's order.
	period bool
	names  []string
}

type partChain struct{ first, last int32 }

// project is an observation's projection for idx, in c.buf.
func (c *totalChecker) project(o *Observation, idx *partIndex) []byte {
	b := c.buf[:0]
	if idx.period {
		b = append(b, o.Period.Kind...)
		b = appendDate(b, o.Period.Start)
		b = appendDate(b, o.Period.End)
	}
	for _, name := range idx.names {
		b = append(b, '|')
		b = append(b, o.Dims[name]...)
	}
	c.buf = b
	return b
}

// index returns the index for totals that sum over totalled, from indexes
// or made from the figures read so far and added to them.
func (c *totalChecker) index(indexes map[string]*partIndex, totalled map[string]bool) *partIndex {
	m := c.m
	sig := totalSig(totalled)
	if idx, ok := indexes[sig]; ok {
		return idx
	}
	idx := &partIndex{chains: make(map[string]int32, len(m.g)), next: make([]int32, len(m.obs)), period: !totalled[m.pdim]}
	for _, name := range m.order {
		if name != m.pdim && !totalled[name] {
			idx.names = append(idx.names, name)
		}
	}
	for i := range m.obs {
		idx.next[i] = -1
		k := c.project(&m.obs[i], idx)
		if ch, ok := idx.chains[string(k)]; ok {
			idx.next[idx.heads[ch].last] = int32(i)
			idx.heads[ch].last = int32(i)
			continue
		}
		idx.chains[string(k)] = int32(len(idx.heads))
		idx.heads = append(idx.heads, partChain{int32(i), int32(i)})
	}
	indexes[sig] = idx
	return idx
}

// partsOf returns the positions in m.obs of the figures at a total's
// coordinates on the dimensions it does not sum over, in c.partsBuf.
func (c *totalChecker) partsOf(indexes map[string]*partIndex, pt *pendingTotal) []int {
	idx := c.index(indexes, pt.totalled)
	parts := c.partsBuf[:0]
	if ch, ok := idx.chains[string(c.project(&pt.obs, idx))]; ok {
		for i := idx.heads[ch].first; i >= 0; i = idx.next[i] {
			parts = append(parts, int(i))
		}
	}
	return parts
}

// compare checks a total against the sum of its parts (positions in
// m.obs), records the check and its decision, and asks for review when
// they differ.
func (c *totalChecker) compare(t Observation, parts []int) {
	m := c.m
	tc := TotalCheck{Ref: t.Ref, Row: t.Row, Col: t.Col, Raw: t.Raw, Period: t.Period, Dims: t.Dims, Stated: t.Value, Flag: t.Flag, Parts: len(parts)}
	var sum totals.Parts
	for _, i := range parts {
		if p := &m.obs[i]; p.Value == nil {
			sum.AddHidden(math.Inf(1))
		} else {
			sum.Add(*p.Value, 0)
		}
	}
	tc.Sum, tc.Unknown = sum.Sum, sum.Hidden
	decided := "" // the total decision's reason, when made with the check's
	switch {
	case t.Value == nil:
		tc.OK = true
		tc.Reason = "the total is " + t.Flag + "; not checked"
	case tc.Unknown == 0:
		tc.OK = sum.Check(*t.Value, 0, totals.Relative) == totals.Equal
		// The decision's reason is the check's with a prefix: one
		// string holds both.
		b := append(c.buf[:0], totalPrefix+"stated "...)
		b = appendNum(b, *t.Value)
		b = append(b, ", sum of "...)
		b = strconv.AppendInt(b, int64(tc.Parts), 10)
		b = append(b, " figures "...)
		b = appendNum(b, tc.Sum)
		c.buf = b
		decided = string(b)
		tc.Reason = decided[len(totalPrefix):]
	default:
		tc.OK = sum.Check(*t.Value, 0, totals.Relative) != totals.Differs
		tc.Reason = fmt.Sprintf("stated %s, sum of the %d known figures %s (%d suppressed or blank)", fmtNum(*t.Value), tc.Parts-tc.Unknown, fmtNum(tc.Sum), tc.Unknown)
	}
	if !tc.OK {
		m.review("total at %s does not match its parts: %s", t.Ref, tc.Reason)
	}
	m.res.Totals = append(m.res.Totals, tc)
	if decided == "" {
		decided = totalPrefix + tc.Reason
	}
	m.decide(Decision{Kind: "total", Subject: "cell " + t.Ref, Text: t.Raw, Confidence: 1, Reason: decided})
}

// totalSig is the summed dimensions' names, sorted and joined by commas.
func totalSig(totalled map[string]bool) string {
	if len(totalled) == 1 {
		for k := range totalled {
			return k
		}
	}
	return strings.Join(sortedKeys(totalled), ",")
}

// withoutNested drops parts whose code, on a summed dimension, sits under
// another part's code ("Rape" under "Sexual offences"), so that sub-groups
// are not counted twice.
// Parts are positions in m.obs.
func (m *mapper) withoutNested(parts []int, totalled map[string]bool) []int {
	for name := range totalled {
		d := m.dims[name]
		if d == nil || d.base == nil {
			continue
		}
		present := map[string]bool{}
		for _, i := range parts {
			present[m.obs[i].Dims[name]] = true
		}
		parts = slicesFilter(parts, func(i int) bool {
			for c := d.parent(m.obs[i].Dims[name]); c != ""; c = d.parent(c) {
				if present[c] {
					return false
				}
			}
			return true
		})
	}
	return parts
}

// totalPrefix begins the reason of a total's decision.
const totalPrefix = "a total, not loaded: "

// appendNum appends fmtNum(f).
func appendNum(b []byte, f float64) []byte {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.AppendInt(b, int64(f), 10)
	}
	return append(b, fmtNum(f)...)
}

func fmtNum(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatInt(int64(f), 10)
	}
	return fmt.Sprintf("%g", f)
}
