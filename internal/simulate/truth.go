// Package simulate plays the police forces for the demo and the end-to-end
// tests: it receives foidesk's requests and chasers over SMTP, and answers
// through an IMAP mailbox the way real forces do — acknowledgements with
// reference numbers in each force's own format, clarifications, extensions,
// refusals, silence, and data in PDF letters, spreadsheets, CSV files, Word
// documents and email bodies — while keeping the ground truth: every figure
// it sent.
package simulate

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
)

// Offence is an offence group as forces write it, with the code the
// campaign's dataset uses.
type Offence struct{ Code, Label string }

// Nationality is a nationality as forces write it, with its ISO code.
type Nationality struct{ Code, Label string }

// Offences and Nationalities are what the simulated forces report on.
var (
	Offences = []Offence{
		{"violence_against_the_person", "Violence against the person"},
		{"theft_offences", "Theft offences"},
		{"drug_offences", "Drug offences"},
		{"public_order_offences", "Public order offences"},
		{"criminal_damage_and_arson", "Criminal damage and arson"},
	}
	Nationalities = []Nationality{
		{"POL", "Polish"}, {"ROU", "Romanian"}, {"ALB", "Albanian"}, {"LTU", "Lithuanian"},
		{"IRL", "Irish"}, {"IND", "Indian"}, {"PAK", "Pakistani"}, {"NGA", "Nigerian"},
		{"ITA", "Italian"}, {"PRT", "Portuguese"}, {"BGR", "Bulgarian"}, {"SOM", "Somali"},
		{"BRA", "Brazilian"}, {"LVA", "Latvian"}, {"ERI", "Eritrean"}, {"IRQ", "Iraqi"},
	}
)

// Figure is one number a force sent: the ground truth.
type Figure struct {
	Force       string
	Offence     string // code
	Nationality string // ISO code
	Year        int
	Value       int
	// Shown is what the force wrote: the number, or "<5" or "*" when it
	// suppressed a small count.
	Shown string
}

// Suppressed reports whether the force withheld the value.
func (f Figure) Suppressed() bool { return f.Shown != strconv.Itoa(f.Value) }

// Key identifies a figure within a force's answer.
func (f Figure) Key() string {
	return fmt.Sprintf("%s|%d|%s|%s", f.Force, f.Year, f.Offence, f.Nationality)
}

// Dataset is one force's answer.
type Dataset struct {
	Force         string
	Years         []int
	Offences      []Offence
	Nationalities []Nationality
	Figures       []Figure // offence-major, then nationality, then year
	// Suppress is the marker for small counts ("" when the force
	// publishes them).
	Suppress string
}

// Get returns the figure for an offence, nationality and year.
func (d *Dataset) Get(off, nat string, year int) Figure {
	for _, f := range d.Figures {
		if f.Offence == off && f.Nationality == nat && f.Year == year {
			return f
		}
	}
	panic("simulate: no figure " + off + " " + nat)
}

// newDataset draws a force's figures: some nationalities, every offence
// group, each year; counts skewed small so that suppression happens.
func newDataset(r *rand.Rand, force string, years []int, suppress string) *Dataset {
	d := &Dataset{Force: force, Years: years, Offences: Offences, Suppress: suppress}
	idx := r.Perm(len(Nationalities))[:6+r.IntN(5)]
	sort.Ints(idx)
	for _, i := range idx {
		d.Nationalities = append(d.Nationalities, Nationalities[i])
	}
	for _, o := range d.Offences {
		scale := 1 + r.IntN(40)
		for _, n := range d.Nationalities {
			for _, y := range years {
				v := r.IntN(scale + 1)
				shown := strconv.Itoa(v)
				if suppress != "" && v > 0 && v < 5 {
					shown = suppress
				}
				d.Figures = append(d.Figures, Figure{Force: force, Offence: o.Code, Nationality: n.Code, Year: y, Value: v, Shown: shown})
			}
		}
	}
	return d
}

// forForce is a copy of d as force's own answer: the same rows, each
// figure the other force's.
func (d *Dataset) forForce(force string) *Dataset {
	c := *d
	c.Force = force
	c.Figures = make([]Figure, len(d.Figures))
	for i, f := range d.Figures {
		f.Force = force
		c.Figures[i] = f
	}
	return &c
}

// corrected is d with its first unsuppressed figure put right: the value
// first sent was three short.
func (d *Dataset) corrected() *Dataset {
	c := *d
	c.Figures = slices.Clone(d.Figures)
	for i, f := range c.Figures {
		if !f.Suppressed() {
			f.Value += 3
			f.Shown = strconv.Itoa(f.Value)
			c.Figures[i] = f
			break
		}
	}
	return &c
}
