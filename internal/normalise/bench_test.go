package normalise

import (
	"context"
	"strconv"
	"testing"

	"github.com/foidesk/foidesk/internal/extract"
	"github.com/foidesk/foidesk/internal/memtest"
)

// benchTable is 200 nationality rows by 3 year columns, the nationalities
// spelt as forces spell them (demonyms, names, a few typos) and a total row.
func benchTable(b testing.TB) *extract.Table {
	v := Nationalities()
	rows := [][]string{{"Nationality", "2022", "2023", "2024", "Total"}}
	n := 0
	for _, code := range v.Codes() {
		if n == 200 {
			break
		}
		if isSpecialNationality(code) || len(code) != 3 {
			continue
		}
		name := v.Label(code)
		if n%10 == 3 && len(name) > 8 {
			r := []rune(name)
			r[4], r[5] = r[5], r[4] // a transposition typo
			name = string(r)
		}
		row := []string{name}
		t := 0
		for y := 0; y < 3; y++ {
			x := (n*7 + y*3) % 40
			t += x
			row = append(row, strconv.Itoa(x))
		}
		rows = append(rows, append(row, strconv.Itoa(t)))
		n++
	}
	if n < 200 {
		b.Fatalf("only %d nationalities", n)
	}
	return tableOf("Community resolutions for theft offences by nationality", rows...)
}

func BenchmarkTable(b *testing.B) {
	s := testSchema(b)
	t := benchTable(b)
	r, err := Table(t, s, nil)
	if err != nil {
		b.Fatal(err)
	}
	if len(r.Observations) < 550 {
		b.Fatalf("%d observations: %q", len(r.Observations), r.ReviewReasons)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Table(t, s, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTableCold is BenchmarkTable without the built-in vocabularies'
// memo: every label is read afresh, as in the first table a process maps.
func BenchmarkTableCold(b *testing.B) {
	s := testSchema(b)
	t := benchTable(b)
	nat, off := Nationalities(), OffenceGroups()
	defer func(n, o *readMemo) { nat.memo, off.memo = n, o }(nat.memo, off.memo)
	nat.memo, off.memo = nil, nil
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Table(t, s, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMatchFuzzy(b *testing.B) {
	v := Nationalities()
	for b.Loop() {
		v.Match("Romainian")
	}
}

func BenchmarkParsePeriod(b *testing.B) {
	for b.Loop() {
		if _, err := ParsePeriod("April 2022 - March 2023"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTables1000 maps the load benchmark's 1,000 tables (200
// nationalities × 5 years, typed numbers: 1,000,000 observations) in ten
// calls of 100 tables, as the loader does.
//
//	go test ./internal/normalise -run '^$' -bench Tables1000 -benchtime 3x
func BenchmarkTables1000(b *testing.B) { benchTables1000(b) }

// BenchmarkTables1000Cold is BenchmarkTables1000 without the built-in
// vocabularies' memo: each table reads its labels afresh.
func BenchmarkTables1000Cold(b *testing.B) {
	nat, off := Nationalities(), OffenceGroups()
	defer func(n, o *readMemo) { nat.memo, off.memo = n, o }(nat.memo, off.memo)
	nat.memo, off.memo = nil, nil
	benchTables1000(b)
}

func benchTables1000(b *testing.B) {
	s := equivSchemas(b)[1]
	tables := loadBenchTables(1000, 200)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		n := 0
		for d := range 10 {
			for _, tr := range Tables(tables[d*100:(d+1)*100], s, nil) {
				if tr.Err != nil || tr.Result.NeedsReview {
					b.Fatalf("%v %q", tr.Err, tr.Result.ReviewReasons)
				}
				n += len(tr.Result.Observations)
			}
		}
		if n != 1_000_000 {
			b.Fatalf("%d observations", n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ns/obs")
}

// BenchmarkTableBigCSV maps the compact table of a generated CSV of
// about 8 MiB (110,000 rows of a month, a force, an offence group, an
// outcome and a count), under the 2,000,000-cell limit.
func BenchmarkTableBigCSV(b *testing.B) {
	ts, err := extract.File(context.Background(), "big.csv", memtest.BigCSV(8<<20), &extract.Options{Compact: true})
	if err != nil || len(ts) != 1 {
		b.Fatalf("%d tables, %v", len(ts), err)
	}
	s, err := SchemaFrom(map[string]any{
		"measure": map[string]any{"name": "outcomes", "unit": "count"},
		"dimensions": []any{
			map[string]any{"name": "period", "kind": "period"},
			map[string]any{"name": "offence_group", "kind": "offence_group"},
		},
		"periods": map[string]any{"from": 2015, "to": 2024, "kind": "calendar"},
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		res, err := Table(ts[0], s, nil)
		if err != nil || len(res.Observations) == 0 {
			b.Fatalf("%v, %d observations", err, len(res.Observations))
		}
	}
}
