package normalise

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"hash/maphash"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/foidesk/foidesk/internal/extract"
)

// The equivalence corpus: randomised tables of every layout the mapper
// reads, with every kind of figure, flag, heading and label it meets, plus
// the layouts of the table tests and tables shaped like the load benchmark's.
// testdata/equivalence.json.gz holds, one line per table, what Table
// returned for each of them before the mapper's hot path was made cheap;
// TestTableEquivalence requires today's answers to be byte-for-byte the
// same. Regenerate only for a deliberate change of behaviour:
//
//	go test ./internal/normalise -run TestTableEquivalence -update-equivalence
var updateEquivalence = flag.Bool("update-equivalence", false, "rewrite testdata/equivalence.json.gz from the current mapper")

const equivalenceFile = "testdata/equivalence.json.gz"

type equivCase struct {
	name   string
	table  *extract.Table
	schema *Schema
	opts   *Options
}

var (
	eqNats = []string{
		"Polish", "Poland", "Romanian", "Romania", "Albanian", "Albania", "Polsih", "Romainian", "British", "UK",
		"United Kingdom", "Not recorded", "Unknown", "Other", "Irish", "Congo (DRC)", "Korea", "Guinea",
		"Nigerian nationals", "Asian", "Martian", "Kosovan", "Czech Rep.", "St Lucia", "Lithuanian  ", "ROU",
		"Poland (Polish)", "Polish (Romanian)", "Côte d'Ivoire", "Cote d'Ivoire", "Ivorian", "Turkish", "Turkey",
		"Eritrean", "Sudanese", "Syrian", "Afghan", "Afghanistan", "Iraqi", "Iranian", "Indian", "Pakistani",
		"Bangladeshi", "Chinese", "Vietnamese", "Brazilian", "Portuguese", "Spanish", "Italian", "French",
		"German", "Dutch", "Belgian", "Bulgarian", "Hungarian", "Slovak", "Latvian", "Estonian", "Ukrainian",
		"Russian", "Stateless", "Not stated", "U/K", "Somali", "Somalia", "Ethiopian", "Jamaican", "Ghanaian",
		"POLISH", "polish", "Bulgarain", "Lithuania", "Hungary", "Dominican", "Niger", "Nigeria", "Guinean",
		"Sudan", "South Sudan", "Irish Republic", "Republic of Ireland", "USA", "American", "Yemen (Dem. Peoples Republic)",
	}
	eqOffs = []string{
		"Violence against the person", "VAP", "Theft", "Theft offences", "Drug offences", "Drugs",
		"Public order offences", "Criminal damage and arson", "Sexual offences", "Rape", "Robbery",
		"Miscellaneous crimes against society", "Possession of weapons", "Shoplifting", "Burglary", "Fraud",
		"Thfet", "Other", "Violence with injury", "Stalking and harassment", "Arson", "Criminal damage",
		"Drug offenses", "Theft Offences", "Vehicle offences", "Knitting", "Public Order",
	}
	eqTotals  = []string{"Total", "All nationalities", "Grand total", "Polish total", "Sub total", "Total 2023", "Totals", "All offences", "Overall", "Sum"}
	eqPeriods = []string{
		"2020", "2021", "2022", "2023", "2024", "2022/23", "2023-24", "FY 2022/23", "Jan 2023", "Feb 2023", "2023-01",
		"2024 (to date)", "2024 YTD", "Apr 2022 - Mar 2023", "2024 (Jan-Jun)", "year ending March 2023", "CY 2022",
		"2022*", "2023 (p)", "Year 2021", "2022-2024", "01/04/2022 - 31/03/2023", "1899", "2024 (up to 30/06/2024)",
		"March 2023", "2023 - 2024", "23/24", "2021 calendar year", "2022 [note 3]", "Calendar Year 2023",
	}
	eqHeads     = []string{"Nationality", "Country of birth", "Offence group", "Offence", "", "Category", "Count", "Nationality (as recorded)", "Country", "Crime type", "Year", "Number of community resolutions", "No. of CRs", "Total"}
	eqTitles    = []string{"Community resolutions by nationality", "Community resolutions for theft offences by nationality 2023", "Polish offenders", "Data for 2022", "", "Crimes 2022 and 2023", "FOI 2023 ref 1234", "Nationality: Polish", "Drug offences 2024", "Romanian and Polish offenders", "extracted 14 February 2025"}
	eqSheets    = []string{"Data", "2023", "Polish", "", "Sheet1", "Theft", "2022-23"}
	eqNotes     = []string{"Source: police data", "* fewer than 5", "Notes: figures are provisional", "Please note that these figures are not official statistics and are subject to change", "[x] not available", "Data extracted 14/02/2025"}
	eqOddValues = []string{
		"1,234", "1 234", "12.5", "<5", "< 5", "<=10", "fewer than 10", "*", "**", "-", "–", "n/a", "N/A", "", "12*", "12 (a)",
		"(12)", "-3", "+4", "1-4", "2 to 3", "nil", "None", "[x]", "..", "redacted", "withheld", "abc", "1.2E+03",
		"007", "1,23", "12¹", " 42 ", "4\u00a0321", "12 [note 1]", "12 (r)", "1,234,567", "0.5", "3.", ".5", "12,345.67",
		"not recorded", "[c]", "s40", "suppressed", "1\u202f000", "99999999999999999999", "1e400", "12 †", "0",
		"12 (note 2)", "~", "x", "X", "1 - 4", "5-9", "10-20", "12 000", "12  000", "1,2345", "1,234.", "-0", "+0", "00",
	}
)

func pick(r *rand.Rand, pool []string) string { return pool[r.IntN(len(pool))] }

// randomFigure is a figure cell's text, mostly plain counts.
func randomFigure(r *rand.Rand) string {
	switch x := r.IntN(100); {
	case x < 60:
		return strconv.Itoa(r.IntN(60))
	case x < 75:
		return strconv.Itoa(r.IntN(3_000_000))
	case x < 80:
		n := r.IntN(10_000_000)
		return addCommas(n)
	}
	return pick(r, eqOddValues)
}

func addCommas(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func distinctFrom(r *rand.Rand, pool []string, n int) []string {
	p := r.Perm(len(pool))
	out := make([]string, 0, n)
	for _, i := range p[:min(n, len(pool))] {
		out = append(out, pool[i])
	}
	return out
}

func equivSchemas(t testing.TB) []*Schema {
	three := testSchema(t)
	two, err := ParseSchema([]byte(`
measure: {name: community_resolutions, unit: count}
dimensions:
  - {name: period, kind: period}
  - {name: nationality, kind: nationality}
periods: {from: 2020, to: 2024, kind: calendar}
`))
	if err != nil {
		t.Fatal(err)
	}
	cat, err := ParseSchema([]byte(`
measure: {name: stops, unit: count}
dimensions:
  - {name: period, kind: period}
  - name: nationality
    kind: nationality
    synonyms: {POL: [Polnisch, Polak]}
    headers: [Citizenship of person]
  - name: outcome
    kind: category
    values: [caution, fine, warning]
    synonyms: {caution: [Cautioned, Community resolution], fine: [Penalty notice, PND]}
periods: {from: 2021, to: 2023, kind: financial}
review_threshold: 0.7
`))
	if err != nil {
		t.Fatal(err)
	}
	return []*Schema{three, two, cat}
}

// randomTable writes one table in one of several layouts.
func randomTable(r *rand.Rand, schemas []*Schema, i int) equivCase {
	s := schemas[r.IntN(len(schemas))]
	var rows [][]string
	labels := eqNats
	if r.IntN(3) == 0 {
		labels = eqOffs
	}
	if s.Dimensions[len(s.Dimensions)-1].Name == "outcome" && r.IntN(2) == 0 {
		labels = []string{"Cautioned", "Penalty notice", "PND", "warning", "Fine", "Caution", "Community resolution", "Arrest", "caution"}
	}
	periods := distinctFrom(r, eqPeriods, 1+r.IntN(5))
	if r.IntN(3) > 0 {
		// Mostly clean years.
		periods = distinctFrom(r, eqPeriods[:5], 1+r.IntN(5))
	}
	nLabels := 1 + r.IntN(25)
	layout := r.IntN(6)
	switch layout {
	case 0, 1: // wide: labels down, periods across
		head := append([]string{pick(r, eqHeads)}, periods...)
		total := r.IntN(3) == 0
		if total {
			head = append(head, "Total")
		}
		rows = append(rows, head)
		for _, l := range distinctFrom(r, labels, nLabels) {
			row := []string{l}
			for range len(head) - 1 {
				row = append(row, randomFigure(r))
			}
			rows = append(rows, row)
		}
		if r.IntN(3) == 0 {
			row := []string{pick(r, eqTotals)}
			for range len(head) - 1 {
				row = append(row, randomFigure(r))
			}
			rows = append(rows, row)
		}
	case 2: // two label columns, the outer written once per block
		rows = append(rows, append([]string{"Nationality", "Offence group"}, periods...))
		for _, n := range distinctFrom(r, eqNats, 1+r.IntN(5)) {
			for j, o := range distinctFrom(r, eqOffs, 1+r.IntN(5)) {
				first := n
				if j > 0 && r.IntN(3) > 0 {
					first = ""
				}
				row := []string{first, o}
				for range periods {
					row = append(row, randomFigure(r))
				}
				rows = append(rows, row)
			}
			if r.IntN(2) == 0 {
				row := []string{n + " total", ""}
				for range periods {
					row = append(row, randomFigure(r))
				}
				rows = append(rows, row)
			}
		}
	case 3: // long: one row per figure
		rows = append(rows, []string{"Year", pick(r, eqHeads), pick(r, []string{"Count", "Number", "Community resolutions", "Figure", "Total"})})
		for _, p := range periods {
			for _, l := range distinctFrom(r, labels, nLabels) {
				rows = append(rows, []string{p, l, randomFigure(r)})
			}
		}
	case 4: // two heading rows: periods over offence groups
		offs := distinctFrom(r, eqOffs, 1+r.IntN(4))
		top, sub := []string{""}, []string{pick(r, []string{"Nationality", "", "Country"})}
		for _, p := range periods {
			for j, o := range offs {
				switch {
				case j == 0:
					top = append(top, p)
				case r.IntN(2) == 0:
					top = append(top, "<")
				default:
					top = append(top, "")
				}
				sub = append(sub, o)
			}
		}
		rows = append(rows, top, sub)
		for _, l := range distinctFrom(r, eqNats, nLabels) {
			row := []string{l}
			for range len(sub) - 1 {
				row = append(row, randomFigure(r))
			}
			rows = append(rows, row)
		}
	case 5: // sections: a nationality alone above its offence rows
		rows = append(rows, append([]string{"Offence"}, periods...))
		for _, n := range distinctFrom(r, eqNats, 1+r.IntN(4)) {
			rows = append(rows, []string{n})
			for _, o := range distinctFrom(r, eqOffs, 1+r.IntN(5)) {
				row := []string{o}
				for range periods {
					row = append(row, randomFigure(r))
				}
				rows = append(rows, row)
			}
		}
	}
	if r.IntN(4) == 0 {
		rows = append([][]string{{pick(r, eqTitles)}}, rows...)
	}
	if r.IntN(4) == 0 {
		rows = append(rows, []string{pick(r, eqNotes)})
	}
	if r.IntN(8) == 0 {
		// A heading repeated after a page break.
		at := 1 + r.IntN(len(rows))
		rows = append(rows[:at:at], append([][]string{rows[0]}, rows[at:]...)...)
	}
	if r.IntN(10) == 0 && len(rows) > 2 {
		// Noise: one random cell from another pool.
		row := rows[1+r.IntN(len(rows)-1)]
		row[r.IntN(len(row))] = pick(r, append(append(eqOddValues, eqPeriods...), eqTotals...))
	}
	t := tableOf(pick(r, eqTitles), rows...)
	t.Index = i
	t.Source.Sheet = pick(r, eqSheets)
	if r.IntN(3) == 0 {
		t.HeaderRows = r.IntN(3)
	}
	for ri := range t.Rows {
		for ci := range t.Rows[ri] {
			c := &t.Rows[ri][ci]
			if r.IntN(3) == 0 {
				c.Page = 1 + ri/20
			}
			if r.IntN(400) == 0 {
				c.Hidden = true
			}
			if r.IntN(30) == 0 {
				c.Ref = ""
			}
			if ri == 0 || ci == 0 || r.IntN(2) == 0 {
				continue
			}
			// Spreadsheet cells carry a typed number: mostly the figure
			// shown, sometimes a rounding of it or a number under a flag.
			if v, err := ParseValue(c.Text); err == nil && v.Number != nil {
				n := *v.Number
				if r.IntN(10) == 0 {
					n += 0.4
				}
				c.Number = &n
			} else if r.IntN(4) == 0 {
				n := float64(r.IntN(100))
				c.Number = &n
			}
		}
	}
	var opts *Options
	switch r.IntN(12) {
	case 0:
		opts = &Options{Overrides: &Overrides{Headers: map[string]string{"Country of birth": "nationality", "Category": "ignore"}}}
	case 1:
		opts = &Options{Overrides: &Overrides{IgnoreRows: []int{r.IntN(len(t.Rows))}, IgnoreCols: []int{1}}}
	case 2:
		opts = &Options{Overrides: &Overrides{Constants: map[string]string{"period": "2023"}, Values: map[string]map[string]string{"nationality": {"Martian": "OTHER", "Asian": "UNKNOWN"}}}}
	case 3:
		opts = &Options{MaxCells: 40}
	}
	return equivCase{name: fmt.Sprintf("random %d (layout %d)", i, layout), table: t, schema: s, opts: opts}
}

// loadBenchTables are shaped like the store's load benchmark: every
// nationality by its label, five years, typed numbers.
func loadBenchTables(nTables, nRows int) []*extract.Table {
	vocab := Nationalities()
	var codes []string
	for _, c := range vocab.Codes() {
		if len(c) == 3 && vocab.Label(c) != "" {
			if m := vocab.Match(vocab.Label(c)); m.OK() && m.Code == c {
				codes = append(codes, c)
			}
		}
	}
	codes = codes[:min(nRows, len(codes))]
	years := []string{"2020", "2021", "2022", "2023", "2024"}
	r := rand.New(rand.NewPCG(1, 2))
	var out []*extract.Table
	for i := range nTables {
		t := &extract.Table{Index: i + 1, Method: extract.MethodXLSX, HeaderRows: 1, Confidence: 1,
			Source: extract.Source{Document: "bench", Format: "xlsx", Sheet: "Data"}}
		head := []extract.Cell{{Text: "Nationality", Ref: "A1"}}
		for c, y := range years {
			head = append(head, extract.Cell{Text: y, Ref: fmt.Sprintf("%c1", 'B'+c)})
		}
		t.Rows = append(t.Rows, head)
		for row, code := range codes {
			cells := []extract.Cell{{Text: vocab.Label(code), Ref: fmt.Sprintf("A%d", row+2)}}
			for c := range years {
				v := float64(r.IntN(500))
				cells = append(cells, extract.Cell{Text: strconv.Itoa(int(v)), Number: &v, Ref: fmt.Sprintf("%c%d", 'B'+c, row+2)})
			}
			t.Rows = append(t.Rows, cells)
		}
		out = append(out, t)
	}
	return out
}

func equivCases(t testing.TB) []equivCase {
	schemas := equivSchemas(t)
	var cases []equivCase
	for _, l := range layouts() {
		for i, tb := range l.tables {
			cases = append(cases, equivCase{name: fmt.Sprintf("layout %s %d", l.name, i), table: tb, schema: schemas[0]})
		}
	}
	cases = append(cases, equivCase{name: "bench table", table: benchTable(t), schema: schemas[0]})
	for i, tb := range loadBenchTables(1, 200) {
		cases = append(cases, equivCase{name: fmt.Sprintf("load bench %d", i), table: tb, schema: schemas[1]})
	}
	r := rand.New(rand.NewPCG(20260101, 7))
	for i := range 600 {
		cases = append(cases, randomTable(r, schemas, i))
	}
	return cases
}

// canonical renders everything Table returned: the JSON a caller sees, and
// the exact instants and zones of every period (JSON keeps only dates).
func canonical(res *Result, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	b, jerr := json.Marshal(res)
	if jerr != nil {
		return "marshal: " + jerr.Error()
	}
	var sb strings.Builder
	sb.Write(b)
	stamp := func(p Period) {
		sb.WriteString(" " + p.Start.Format(time.RFC3339Nano) + p.Start.Location().String() + p.End.Format(time.RFC3339Nano) + p.End.Location().String())
	}
	for _, o := range res.Observations {
		stamp(o.Period)
	}
	for _, tc := range res.Totals {
		stamp(tc.Period)
	}
	return sb.String()
}

func TestTableEquivalence(t *testing.T) {
	cases := equivCases(t)
	got := make([]string, len(cases))
	for i, c := range cases {
		res, err := Table(c.table, c.schema, c.opts)
		got[i] = canonical(res, err)
	}
	if *updateEquivalence {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		for _, g := range got {
			fmt.Fprintln(zw, g)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(equivalenceFile), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(equivalenceFile, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %d results to %s (%d bytes)", len(got), equivalenceFile, buf.Len())
		return
	}
	f, err := os.Open(equivalenceFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 64<<20)
	var want []string
	for sc.Scan() {
		want = append(want, sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(want) != len(got) {
		t.Fatalf("%d recorded results, %d cases", len(want), len(got))
	}
	bad := 0
	for i := range got {
		if got[i] == want[i] {
			continue
		}
		if bad++; bad > 3 {
			continue
		}
		j := 0
		for j < min(len(got[i]), len(want[i])) && got[i][j] == want[i][j] {
			j++
		}
		from := max(0, j-200)
		t.Errorf("%s: result differs at byte %d\n got: …%s\nwant: …%s", cases[i].name, j,
			got[i][from:min(len(got[i]), j+200)], want[i][from:min(len(want[i]), j+200)])
	}
	if bad > 0 {
		t.Fatalf("%d of %d tables differ", bad, len(got))
	}
}

// TestTablesMatchesTable: the concurrent entry point gives each table's
// own answer, also while the vocabularies' memo fills from several tables
// at once.
func TestTablesMatchesTable(t *testing.T) {
	cases := equivCases(t)
	s := cases[len(cases)-1].schema
	var tables []*extract.Table
	for _, c := range cases {
		if c.schema == s && c.opts == nil {
			tables = append(tables, c.table)
		}
	}
	Nationalities().memo = newReadMemo()
	OffenceGroups().memo = newReadMemo()
	for i, tr := range Tables(tables, s, nil) {
		res, err := Table(tables[i], s, nil)
		if a, b := canonical(tr.Result, tr.Err), canonical(res, err); a != b {
			t.Fatalf("table %d: Tables and Table differ:\n%s\n%s", tables[i].Index, a, b)
		}
	}
}

// TestDuplicatesWhenKeysCollide: duplicate figures are found by a hash of
// their keys; when every key shares a hash with others, the answers are
// still the recorded ones.
func TestDuplicatesWhenKeysCollide(t *testing.T) {
	defer func(h func(maphash.Seed, []byte) uint64) { obsKeyHash = h }(obsKeyHash)
	obsKeyHash = func(_ maphash.Seed, b []byte) uint64 { return uint64(len(b) % 3) }
	TestTableEquivalence(t)
}

// TestObservationsAreIndependent: what one observation points to (its
// dimensions, value and reasons) is its own, so a caller may change it
// without changing another.
func TestObservationsAreIndependent(t *testing.T) {
	s := testSchema(t)
	res, err := Table(benchTable(t), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	fresh, _ := Table(benchTable(t), s, nil)
	obs := res.Observations
	if len(obs) < 100 || len(obs[0].Reasons) == 0 {
		t.Fatalf("%d observations, reasons %q", len(obs), obs[0].Reasons)
	}
	for i := range obs {
		o := &obs[i]
		o.Dims["nationality"] = "CHANGED"
		o.Dims["extra"] = "x"
		*o.Value = -1
		o.Reasons[0] = "changed"
		o.Reasons = append(o.Reasons, "more")
		if i+1 < len(obs) {
			n := obs[i+1]
			if n.Dims["nationality"] != fresh.Observations[i+1].Dims["nationality"] || *n.Value != *fresh.Observations[i+1].Value ||
				!slices.Equal(n.Reasons, fresh.Observations[i+1].Reasons) {
				t.Fatalf("changing observation %d changed the next: %+v", i, n)
			}
		}
	}
	for i, tc := range res.Totals {
		if tc.Dims["nationality"] == "CHANGED" || *tc.Stated != *fresh.Totals[i].Stated {
			t.Fatalf("changing observations changed total %d: %+v", i, tc)
		}
	}
}
