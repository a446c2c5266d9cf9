package dataset_test

import (
	"encoding/csv"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/foidesk/foidesk/internal/dataset"
	"github.com/foidesk/foidesk/internal/force"
)

func TestReadPopulation(t *testing.T) {
	p, err := dataset.ReadPopulation(strings.NewReader("# test values\narea_code,population,year,source\nE23000008,\"500,000\",mid-2099,test\ncleveland,250000,,\n"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Forces() != 2 || p.Year != "mid-2099" || p.Source != "test" {
		t.Errorf("read %d areas, year %q, source %q", p.Forces(), p.Year, p.Source)
	}
	if r, ok := p.Rate("durham", 50); !ok || r != 10 {
		t.Errorf("Durham (E23000008): 50 is %v per 100,000 (%v), want 10", r, ok)
	}
	if r, ok := p.Rate("cleveland", 5); !ok || r != 2 {
		t.Errorf("Cleveland by slug: 5 is %v per 100,000, want 2", r)
	}
	if _, ok := p.Rate("kent", 5); ok {
		t.Error("a rate for a force the file does not give")
	}
	var none *dataset.Population
	if _, ok := none.Rate("durham", 1); ok || none.Forces() != 0 {
		t.Error("no population file gives rates")
	}
	for in, want := range map[string]string{
		"code,population\nE23000008,1\n":                "no area_code column",
		"area_code,residents\nE23000008,1\n":            "no population column",
		"area_code,population\nE99999999,1\n":           `line 2: "E99999999" is no police force area code`,
		"area_code,population\nE23000008,1\ndurham,2\n": "line 3: durham given twice",
		"area_code,population\nE23000008,-4\n":          "line 2: population \"-4\" is not a positive whole number",
		"area_code,population\nE23000008,12.5\n":        "not a positive whole number",
		"area_code,population\n":                        "no rows",
		"area_code,population\nE23000008,one million\n": "not a positive whole number",
	} {
		if _, err := dataset.ReadPopulation(strings.NewReader(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", in, err, want)
		}
	}
}

// The shipped estimates give every territorial force of the registry, Police
// Scotland and PSNI a population and no other body one; England and Wales
// add up to the ONS mid-2023 total.
func TestDefaultPopulation(t *testing.T) {
	p := dataset.DefaultPopulation()
	if p.Year != "mid-2023" || !strings.Contains(p.Source, "ONS") || !strings.Contains(p.Source, "NRS") || !strings.Contains(p.Source, "NISRA") {
		t.Errorf("year %q, source %q", p.Year, p.Source)
	}
	var ew float64
	areas := 0
	for _, f := range force.All() {
		pop, ok := p.Of(f.Slug)
		switch f.Category {
		case "territorial", "scotland", "northern-ireland":
			if !ok {
				t.Errorf("%s (%s): no population", f.Slug, f.Category)
				continue
			}
			areas++
		default: // British Transport Police and the other non-territorial bodies
			if ok {
				t.Errorf("%s (%s): population %v, want none", f.Slug, f.Category, pop)
			}
			continue
		}
		switch {
		case f.ONSCode != "":
			ew += pop
			// The City of London (13,462 residents) is the smallest area,
			// the Metropolitan Police's (8.9 million) the largest.
			if pop < 10_000 || pop > 10_000_000 {
				t.Errorf("%s: %v residents", f.Slug, pop)
			}
		case f.Category == "scotland":
			if pop < 5_000_000 || pop > 6_000_000 {
				t.Errorf("Scotland: %v residents", pop)
			}
		case f.Category == "northern-ireland":
			if pop < 1_700_000 || pop > 2_100_000 {
				t.Errorf("Northern Ireland: %v residents", pop)
			}
		default:
			t.Errorf("%s: a territorial force without an ONS police force area code", f.Slug)
		}
	}
	if areas != 45 || p.Forces() != 45 {
		t.Errorf("%d forces of the registry have a population, the file gives %d: want 43 + Scotland + Northern Ireland", areas, p.Forces())
	}
	// ONS, mid-2023: England and Wales 60,854,727 residents.
	if ew != 60_854_727 || ew < 60_000_000 || ew > 61_500_000 {
		t.Errorf("England and Wales: %v residents, want 60,854,727", ew)
	}
}

// Each police force area's population is the sum of the ONS estimates for
// its local authority districts, as kept beside the shipped file.
func TestDefaultPopulationSumsDistricts(t *testing.T) {
	f, err := os.Open("data/population-lad-mid2023.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.Comment = '#'
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 319 || strings.Join(rows[0], ",") != "lad_code,pfa_code,population" {
		t.Fatalf("%d rows, header %v: want 318 districts (2023 boundaries)", len(rows)-1, rows[0])
	}
	byForce := map[string]string{}
	for _, fc := range force.All() {
		if fc.ONSCode != "" {
			byForce[fc.ONSCode] = fc.Slug
		}
	}
	seen := map[string]bool{}
	sums := map[string]float64{}
	for _, r := range rows[1:] {
		if seen[r[0]] {
			t.Errorf("district %s twice", r[0])
		}
		seen[r[0]] = true
		slug, ok := byForce[r[1]]
		if !ok {
			t.Errorf("district %s: %q is no force's area", r[0], r[1])
		}
		n, err := strconv.Atoi(r[2])
		if err != nil || n <= 0 {
			t.Errorf("district %s: population %q", r[0], r[2])
		}
		sums[slug] += float64(n)
	}
	p := dataset.DefaultPopulation()
	if len(sums) != 43 {
		t.Errorf("districts cover %d police force areas, want 43", len(sums))
	}
	for slug, want := range sums {
		if got, _ := p.Of(slug); got != want {
			t.Errorf("%s: %v residents, its districts sum to %v", slug, got, want)
		}
	}
}
