package dataset

import (
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/foidesk/foidesk/internal/force"
)

// Population is the number of residents of each police force area, for
// rates per 100,000 residents. foidesk ships official mid-2023 estimates
// (DefaultPopulation); an operator file (FOIDESK_POPULATION_FILE, read by
// ReadPopulationFile) replaces them.
type Population struct {
	// Year and Source say what the estimates are ("mid-2023", "ONS ...");
	// both are shown beside every rate.
	Year    string
	Source  string
	byForce map[string]float64
}

// defaultPopulationCSV is data/population.csv: the ONS mid-2023 estimates
// for the 43 police force areas of England and Wales (local authority
// estimates summed over the ONS December 2023 lookup, kept in
// data/population-lad-mid2023.csv), the NRS estimate for Scotland (Police
// Scotland) and the NISRA estimate for Northern Ireland (PSNI).
// data/population-sources.md names the tables. British Transport Police
// and the other non-territorial bodies have no resident population.
//
//go:embed data/population.csv
var defaultPopulationCSV string

var loadDefault = sync.OnceValues(func() (*Population, error) {
	return ReadPopulation(strings.NewReader(defaultPopulationCSV))
})

// DefaultPopulation returns the estimates foidesk ships (mid-2023, see
// data/population-sources.md). The result is shared: callers only read it.
func DefaultPopulation() *Population {
	p, err := loadDefault()
	if err != nil {
		// The CSV is embedded and tested; failing here is a build defect.
		panic(fmt.Sprintf("dataset: embedded population estimates: %v", err))
	}
	return p
}

// ReadPopulationFile reads a population file (see ReadPopulation).
func ReadPopulationFile(path string) (*Population, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("population: %w", err)
	}
	defer f.Close()
	p, err := ReadPopulation(f)
	if err != nil {
		return nil, fmt.Errorf("population %s: %w", path, err)
	}
	return p, nil
}

// ReadPopulation reads population estimates as CSV with a header row:
//
//	area_code,population,year,source
//	E23000036,1234567,mid-2023,ONS mid-year population estimates
//
// area_code is the ONS police force area code (E23…, W15…) or a force's
// slug ("durham"); population is a whole number of residents. year and
// source are optional columns; their first non-empty values describe the
// whole file. Lines starting with # are comments. A code that is no
// force's, a duplicate, or a population that is not a positive number is an
// error naming the line.
func ReadPopulation(r io.Reader) (*Population, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, err
	}
	if len(recs) < 2 {
		return nil, errors.New("no rows: want a header (area_code,population[,year,source]) and one row per police force area")
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	_, ok := col["area_code"]
	if !ok {
		return nil, errors.New("no area_code column")
	}
	_, ok = col["population"]
	if !ok {
		return nil, errors.New("no population column")
	}
	byCode := map[string]string{}
	for _, f := range force.All() {
		byCode[f.Slug] = f.Slug
		if f.ONSCode != "" {
			byCode[f.ONSCode] = f.Slug
		}
	}
	get := func(rec []string, name string) string {
		i, ok := col[name]
		if !ok || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	p := &Population{byForce: map[string]float64{}}
	for n, rec := range recs[1:] {
		line := n + 2
		code := get(rec, "area_code")
		slug, ok := byCode[code]
		if !ok {
			return nil, fmt.Errorf("line %d: %q is no police force area code or force", line, code)
		}
		if _, dup := p.byForce[slug]; dup {
			return nil, fmt.Errorf("line %d: %s given twice", line, code)
		}
		v, err := strconv.ParseFloat(strings.ReplaceAll(get(rec, "population"), ",", ""), 64)
		if err != nil || v <= 0 || v != float64(int64(v)) {
			return nil, fmt.Errorf("line %d: population %q is not a positive whole number", line, get(rec, "population"))
		}
		p.byForce[slug] = v
		if p.Year == "" {
			p.Year = get(rec, "year")
		}
		if p.Source == "" {
			p.Source = get(rec, "source")
		}
	}
	return p, nil
}

// Of returns a force's population, or false when the file has none.
func (p *Population) Of(forceSlug string) (float64, bool) {
	if p == nil {
		return 0, false
	}
	v, ok := p.byForce[forceSlug]
	return v, ok
}

// Rate returns v per 100,000 residents of a force's area, or false when
// its population is not known.
func (p *Population) Rate(forceSlug string, v float64) (float64, bool) {
	pop, ok := p.Of(forceSlug)
	if !ok {
		return 0, false
	}
	return v / pop * 100000, true
}

// Forces is how many forces the file gives a population for.
func (p *Population) Forces() int {
	if p == nil {
		return 0
	}
	return len(p.byForce)
}
