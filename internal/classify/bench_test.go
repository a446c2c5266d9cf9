package classify

import (
	"strings"
	"testing"
)

// BenchmarkClassify classifies each fixture once per iteration.
func BenchmarkClassify(b *testing.B) {
	var ins []*Input
	for _, name := range fixtureNames(b) {
		fx := loadFixture(b, name)
		in := fx.Input()
		in.Force = fixtureWants[name].force
		ins = append(ins, in)
	}
	b.ResetTimer()
	for b.Loop() {
		for _, in := range ins {
			Classify(in, nil)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(ins))/1e3, "µs/reply")
}

// BenchmarkClassifyLarge classifies a 1 MiB body made of fixture text, of
// which DefaultMaxScan bytes are read.
func BenchmarkClassifyLarge(b *testing.B) {
	var sb strings.Builder
	names := fixtureNames(b)
	for i := 0; sb.Len() < 1<<20; i++ {
		sb.WriteString(loadFixture(b, names[i%len(names)]).Body)
	}
	in := &Input{Body: sb.String(), Force: "kent"}
	b.SetBytes(DefaultMaxScan)
	b.ResetTimer()
	for b.Loop() {
		Classify(in, nil)
	}
}

// BenchmarkClassifyWorstCase classifies DefaultMaxScan bytes of words taken
// from the rules' prefilters, so that every rule runs over all of it without
// stopping at an early match.
func BenchmarkClassifyWorstCase(b *testing.B) {
	var words []string
	for _, r := range bodyRules {
		words = append(words, r.re.compiled().pre...)
	}
	var sb strings.Builder
	for i := 0; sb.Len() < DefaultMaxScan; i++ {
		sb.WriteString(words[i%len(words)])
		if i%13 == 12 {
			sb.WriteString(".\n")
		} else {
			sb.WriteString(" 12 ")
		}
	}
	in := &Input{Body: sb.String(), Subject: strings.Repeat("Re: ", 1000), Force: "kent"}
	b.SetBytes(int64(sb.Len()))
	b.ResetTimer()
	for b.Loop() {
		Classify(in, nil)
	}
}
