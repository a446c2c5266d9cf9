package dataset_test

import (
	"strings"
	"testing"

	"github.com/foidesk/foidesk/internal/dataset"
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
