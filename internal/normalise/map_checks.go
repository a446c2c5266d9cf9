package normalise

// Phase 6, the last checks: figures placed twice, and periods against the
// campaign's.

import (
	"hash/maphash"
	"time"
)

// checkDuplicates reports figures placed at the same coordinates.
//
// Observations are indexed by a hash of their ObservationKey; a hash met
// again is a duplicate only when the keys are equal, and keys that merely
// share a hash with another are compared in full.
func (m *mapper) checkDuplicates() {
	seed := maphash.MakeSeed()
	hash := obsKeyHash
	first := make(map[uint64]int32, len(m.obs)) // hash → the first observation with it
	var others map[string]string                // key → first ref, for keys whose hash another key had first
	var buf, buf2 []byte
	for i := range m.obs {
		o := &m.obs[i]
		buf = m.appendObservationKey(buf[:0], o)
		h := hash(seed, buf)
		j, ok := first[h]
		if !ok {
			first[h] = int32(i)
			continue
		}
		if buf2 = m.appendObservationKey(buf2[:0], &m.obs[j]); string(buf2) == string(buf) {
			m.review("cells %s and %s are placed at the same period and codes; a breakdown the dataset lacks?", m.obs[j].Ref, o.Ref)
			continue
		}
		if others == nil {
			others = map[string]string{}
		}
		if ref, ok := others[string(buf)]; ok {
			m.review("cells %s and %s are placed at the same period and codes; a breakdown the dataset lacks?", ref, o.Ref)
			continue
		}
		others[string(buf)] = o.Ref
	}
}

// obsKeyHash hashes observation keys (a variable so that tests can make
// every key collide).
var obsKeyHash = maphash.Bytes

// appendObservationKey appends ObservationKey(*o) to b, without sorting
// the dimension names for every observation when they are the table's.
func (m *mapper) appendObservationKey(b []byte, o *Observation) []byte {
	names := m.dimNames
	if len(o.Dims) != len(names) {
		return append(b, ObservationKey(*o)...)
	}
	start := len(b)
	b = append(b, o.Period.Kind...)
	b = append(b, '|')
	b = appendDate(b, o.Period.Start)
	b = append(b, '|')
	b = appendDate(b, o.Period.End)
	for _, k := range names {
		v, ok := o.Dims[k]
		if !ok {
			return append(b[:start], ObservationKey(*o)...)
		}
		b = append(b, '|')
		b = append(b, k...)
		b = append(b, '=')
		b = append(b, v...)
	}
	return b
}

// appendDate appends t.Format(time.DateOnly) to b.
func appendDate(b []byte, t time.Time) []byte {
	y, mo, d := t.Date()
	if y < 1000 || y > 9999 {
		return t.AppendFormat(b, time.DateOnly)
	}
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+int(mo)/10), byte('0'+int(mo)%10), '-', byte('0'+d/10), byte('0'+d%10))
}

// checkPeriods compares the figures' periods with what the campaign asks.
func (m *mapper) checkPeriods() {
	span := m.s.Periods
	if span == nil {
		return
	}
	seen := map[string]bool{}
	for _, o := range m.obs {
		p := o.Period
		if seen[p.Label] {
			continue
		}
		seen[p.Label] = true
		switch {
		case span.Kind == "calendar" && p.Kind == KindFinancialYear:
			m.review("figures are for financial years (%s) but the campaign asks for calendar years", p.Label)
		case span.Kind == "financial" && p.Kind == KindCalendarYear:
			m.review("figures are for calendar years (%s) but the campaign asks for financial years", p.Label)
		case p.Kind == KindPartial:
			m.decide(Decision{Kind: "value", Subject: "period", Text: p.Label, Dimension: m.pdim, Code: p.Label, Confidence: 1, Reason: "a partial period: figures so far, not a full year"})
		}
		if !span.Contains(p) {
			m.decide(Decision{Kind: "value", Subject: "period", Text: p.Label, Dimension: m.pdim, Code: p.Label, Confidence: 1, Reason: "outside the span the campaign asks about; kept"})
		}
	}
}
