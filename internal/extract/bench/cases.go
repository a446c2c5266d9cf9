// Package bench holds the table-extraction benchmark: a generator of
// documents with known tables in the layouts police forces use in FOI
// replies, and a scorer of extracted tables against their expected CSV.
package bench

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Merge is a merged header area, 0-based inclusive, in header rows.
type Merge struct{ R0, C0, R1, C1 int }

// Spec is one table with known contents.
type Spec struct {
	Title  string
	Header [][]string // dense: covered positions repeat their origin's text
	Merges []Merge    // within Header
	Body   [][]string // as displayed
	Notes  []string

	// Spreadsheet placement and features.
	Sheet      string
	HiddenSht  bool
	Row, Col   int   // 0-based top-left of the title (or header when no title)
	HiddenRows []int // body row indexes hidden in XLSX
	HiddenCols []int // column indexes hidden in XLSX
	Formulas   bool  // last body row and Total column as SUM formulas in XLSX
	GapBefore  int   // XLSX: a blank row before this body row (0 = none)
}

// Case is one document of the corpus.
type Case struct {
	Name   string
	Tables []*Spec
	// Formats lists the formats to render: xlsx, csv, docx, html, txt.
	Formats []string
	// Intro is prose above the first table in docx, html and txt bodies.
	Intro string
}

// Grid returns the table's dense grid: header then body.
func (s *Spec) Grid() [][]string {
	g := make([][]string, 0, len(s.Header)+len(s.Body))
	g = append(g, s.Header...)
	return append(g, s.Body...)
}

// covered reports whether header position (r, c) lies inside a merge
// without being its origin.
func (s *Spec) covered(r, c int) bool {
	for _, m := range s.Merges {
		if r >= m.R0 && r <= m.R1 && c >= m.C0 && c <= m.C1 && (r != m.R0 || c != m.C0) {
			return true
		}
	}
	return false
}

func (s *Spec) mergeAt(r, c int) (Merge, bool) {
	for _, m := range s.Merges {
		if m.R0 == r && m.C0 == c {
			return m, true
		}
	}
	return Merge{}, false
}

// fmtInt formats n with thousands separators.
func fmtInt(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + fmtInt(-n)
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// cellOf shows a count the way police tables do: suppressed below 5 when
// asked, "-" for nil when asked.
func cellOf(n int, suppress string, dash bool) string {
	switch {
	case n == 0 && dash:
		return "-"
	case n > 0 && n < 5 && suppress != "":
		return suppress
	}
	return fmtInt(n)
}

// wide builds a labels × periods table with a Total column and a Total row.
func wide(rng *rand.Rand, stub string, labels, periods []string, scale int, suppress string, dash bool, totalLabel string) (header []string, body [][]string) {
	header = append([]string{stub}, periods...)
	header = append(header, "Total")
	colTot := make([]int, len(periods)+1)
	for i, l := range labels {
		row := []string{l}
		sum := 0
		base := scale / (i + 1)
		for j := range periods {
			n := rng.IntN(base+1) + rng.IntN(3)
			if i == len(labels)-1 && scale > 50 {
				n = rng.IntN(6) // a small row, for suppression
			}
			if dash && rng.IntN(9) == 0 {
				n = 0
			}
			sum += n
			colTot[j] += n
			row = append(row, cellOf(n, suppress, dash))
		}
		colTot[len(periods)] += sum
		row = append(row, cellOf(sum, suppress, dash))
		body = append(body, row)
	}
	tot := []string{totalLabel}
	for _, n := range colTot {
		tot = append(tot, fmtInt(n))
	}
	return header, append(body, tot)
}

// Cases returns the corpus, generated from a fixed seed.
func Cases() []*Case {
	rng := rand.New(rand.NewPCG(2026, 11))
	years := []string{"2019", "2020", "2021", "2022", "2023"}
	fys := []string{"2019/20", "2020/21", "2021/22", "2022/23", "2023/24"}
	months := []string{"Apr-22", "May-22", "Jun-22", "Jul-22", "Aug-22", "Sep-22", "Oct-22", "Nov-22", "Dec-22", "Jan-23", "Feb-23", "Mar-23"}
	nationalities := []string{"British", "Irish", "Polish", "Romanian", "Lithuanian", "Albanian", "Indian", "Pakistani", "Nigerian", "Chinese", "Portuguese", "Italian", "Other", "Not recorded"}
	offences := []string{"Violence against the person", "Sexual offences", "Robbery", "Theft offences", "Criminal damage and arson", "Drug offences", "Possession of weapons offences", "Public order offences", "Miscellaneous crimes against society"}
	districts := []string{"North", "South", "East", "West", "Central", "City Centre"}
	all := []string{"xlsx", "csv", "docx", "html", "txt"}
	var cs []*Case

	h, b := wide(rng, "Nationality", nationalities, years, 900, "<5", false, "Total")
	cs = append(cs, &Case{
		Name:    "nationality_by_year",
		Formats: all,
		Intro:   "Dear Requester, please find below the information you asked for.",
		Tables: []*Spec{{
			Title:  "Number of persons arrested by nationality, 2019 to 2023",
			Header: [][]string{h},
			Body:   b,
			Notes: []string{
				"Note: figures from 1 to 4 are shown as <5 to protect the identity of individuals.",
				"Source: Police National Computer, extracted 3 March 2024.",
			},
			Sheet: "Arrests",
		}},
	})

	h, b = wide(rng, "Offence group", offences, fys, 4000, "*", true, "All offences")
	cs = append(cs, &Case{
		Name:    "offence_by_financial_year",
		Formats: all,
		Tables: []*Spec{{
			Title:  "Recorded crime by offence group and financial year – all crime types",
			Header: [][]string{h},
			Body:   b,
			Notes:  []string{"* Figures below 5 are suppressed.", "- denotes nil."},
			Sheet:  "Recorded crime",
			Row:    2, Col: 1,
			Formulas: true,
		}},
	})

	// Two header rows with merged group headings.
	ethn := []string{"White", "Black", "Asian", "Mixed", "Other", "Not stated"}
	var body [][]string
	tot := make([]int, 6)
	for _, e := range ethn {
		row := []string{e}
		for g := 0; g < 2; g++ {
			a, c := rng.IntN(3000), rng.IntN(3000)
			row = append(row, fmtInt(a), fmtInt(c), fmtInt(a+c))
			tot[g*3], tot[g*3+1], tot[g*3+2] = tot[g*3]+a, tot[g*3+1]+c, tot[g*3+2]+a+c
		}
		body = append(body, row)
	}
	trow := []string{"Grand total"}
	for _, n := range tot {
		trow = append(trow, fmtInt(n))
	}
	body = append(body, trow)
	cs = append(cs, &Case{
		Name:    "merged_headers",
		Formats: []string{"xlsx", "csv", "docx", "html"},
		Tables: []*Spec{{
			Title: "Arrests and stop and search by self-defined ethnicity",
			Header: [][]string{
				{"Ethnicity", "Arrests", "Arrests", "Arrests", "Stop and search", "Stop and search", "Stop and search"},
				{"Ethnicity", "2021", "2022", "Total", "2021", "2022", "Total"},
			},
			Merges: []Merge{{0, 0, 1, 0}, {0, 1, 0, 3}, {0, 4, 0, 6}},
			Body:   body,
			Notes:  []string{"Notes: ethnicity as defined by the person stopped or arrested."},
			Sheet:  "Ethnicity",
		}},
	})

	h, b = wide(rng, "District", districts, months, 2500, "", false, "Force total")
	cs = append(cs, &Case{
		Name:    "district_by_month",
		Formats: all,
		Tables: []*Spec{{
			Title:     "Anti-social behaviour incidents by district and month, April 2022 to March 2023",
			Header:    [][]string{h},
			Body:      b,
			Sheet:     "ASB",
			GapBefore: len(b) - 1,
		}},
	})

	// Two tables on one sheet, the second not in column A; a hidden row
	// and column; a hidden second sheet.
	ages := []string{"Under 18", "18 to 24", "25 to 34", "35 to 44", "45 to 54", "55 and over"}
	h1, b1 := wide(rng, "Age group", ages, []string{"2022", "2023"}, 700, "", false, "Total")
	h2, b2 := wide(rng, "Gender", []string{"Male", "Female", "Not recorded"}, []string{"2022", "2023"}, 2000, "<5", false, "Total")
	h3, b3 := wide(rng, "Team", []string{"Response", "Neighbourhood", "CID"}, []string{"2023"}, 300, "", false, "Total")
	cs = append(cs, &Case{
		Name:    "two_tables_one_sheet",
		Formats: []string{"xlsx", "csv", "docx", "html", "txt"},
		Tables: []*Spec{
			{Title: "Table 1: Arrests for knife crime by age group", Header: [][]string{h1}, Body: b1,
				Sheet: "Knife crime", HiddenRows: []int{2}, HiddenCols: []int{2}},
			{Title: "Table 2: Arrests for knife crime by gender", Header: [][]string{h2}, Body: b2,
				Notes: []string{"Source: custody records."}, Sheet: "Knife crime", Row: 13, Col: 1},
			{Title: "Workings: arrests by team", Header: [][]string{h3}, Body: b3, Sheet: "Workings", HiddenSht: true},
		},
	})

	// Long (tidy) layout: year, quarter, outcome, count.
	var long [][]string
	for _, y := range []string{"2022", "2023"} {
		for q := 1; q <= 4; q++ {
			for _, oc := range []string{"Arrest", "Community resolution", "No further action"} {
				long = append(long, []string{y, "Q" + strconv.Itoa(q), oc, fmtInt(rng.IntN(5000))})
			}
		}
	}
	cs = append(cs, &Case{
		Name:    "outcomes_long",
		Formats: all,
		Tables: []*Spec{{
			Title:  "Stop and search outcomes by quarter",
			Header: [][]string{{"Year", "Quarter", "Outcome", "Number of searches"}},
			Body:   long,
			Sheet:  "Outcomes",
		}},
	})
	return cs
}

// ExpectedCSV writes the expected tables of a case as rendered in format:
// "# table N" lines, "# title:" and "# note:" lines, then the rows. CSV
// files have no merged cells, so covered header positions are blank there;
// PDF renderings show no hidden rows, columns or sheets.
func ExpectedCSV(c *Case, format string) string {
	var b strings.Builder
	n := 0
	for _, s := range c.Tables {
		if format == "pdf" && s.HiddenSht {
			continue
		}
		n++
		fmt.Fprintf(&b, "# table %d\n", n)
		if s.Title != "" {
			fmt.Fprintf(&b, "# title: %s\n", s.Title)
		}
		for _, note := range s.Notes {
			fmt.Fprintf(&b, "# note: %s\n", note)
		}
		// Hidden columns belong to the sheet: they hide the columns of
		// every table on it.
		var hiddenSheetCols []int
		for _, o := range c.Tables {
			if o.Sheet == s.Sheet {
				for _, hc := range o.HiddenCols {
					hiddenSheetCols = append(hiddenSheetCols, o.Col+hc)
				}
			}
		}
		g := s.Grid()
		for i, row := range g {
			if format == "pdf" && i >= len(s.Header) && contains(s.HiddenRows, i-len(s.Header)) {
				continue
			}
			var out []string
			for j, v := range row {
				if format == "pdf" && contains(hiddenSheetCols, s.Col+j) {
					continue
				}
				if format == "csv" && i < len(s.Header) && s.covered(i, j) {
					v = ""
				}
				out = append(out, csvField(v))
			}
			b.WriteString(strings.Join(out, ","))
			b.WriteByte('\n')
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func contains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func csvField(s string) string {
	if strings.ContainsAny(s, ",\"\n\r") || strings.HasPrefix(s, "#") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}
