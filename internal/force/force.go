// Package force is the registry of UK police forces and other police bodies
// that foidesk can send requests to.
//
// The registry is embedded from data/forces.csv, a copy of the project's
// researched force list; data/forces-sources.md says where every column
// came from. Lookups are by slug ("durham"), by named group ("all44", "uk",
// "all") or by the domain of an email address.
package force

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/foidesk/foidesk/internal/foi"
)

//go:embed data/forces.csv
var forcesCSV string

// Force is one police body.
type Force struct {
	Slug      string // stable identifier: "durham"
	Name      string // official name: "Durham Constabulary"
	ShortName string // "Durham"
	// Category is territorial, national-special, scotland, northern-ireland
	// or non-foi.
	Category string
	Country  string
	// ONSCode is the ONS code of the police force area ("E23000036"), empty
	// for forces without one (British Transport Police, non-FOI bodies).
	ONSCode string
	// FOIEmail is where requests are sent; AltEmails were seen in use too.
	FOIEmail  string
	AltEmails []string
	// Domains are every mail domain the force's FOI replies come from,
	// current and legacy (pnn) ones, lower case.
	Domains       []string
	Regime        foi.Regime
	CostLimit     string
	Website       string
	DisclosureLog string
	WDTKURL       string
	Notes         string
}

// Groups lists the named groups with what each holds.
var Groups = []struct{ Name, Description string }{
	{"all44", "the 43 territorial forces of England and Wales and British Transport Police"},
	{"uk", "all44 plus Police Scotland and the Police Service of Northern Ireland"},
	{"all", "every body in the registry, including those outside FOI law"},
}

type registry struct {
	forces []Force
	bySlug map[string]int
	byDom  map[string]int // domain → index; ambiguous domains are absent
}

var load = sync.OnceValues(func() (*registry, error) { return parse(forcesCSV) })

func mustLoad() *registry {
	r, err := load()
	if err != nil {
		// The CSV is embedded and tested; failing here is a build defect.
		panic(fmt.Sprintf("force: embedded registry: %v", err))
	}
	return r
}

func parse(data string) (*registry, error) {
	cr := csv.NewReader(strings.NewReader(data))
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read forces.csv: %w", err)
	}
	if len(rows) < 2 {
		return nil, fmt.Errorf("forces.csv has no rows")
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, need := range []string{"slug", "official_name", "short_name", "category", "country", "foi_email", "foi_regime", "email_domain", "foi_email_domains_seen", "legacy_pnn_domain"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("forces.csv lacks column %q", need)
		}
	}
	get := func(row []string, name string) string {
		i, ok := col[name]
		if !ok || i >= len(row) {
			return ""
		}
		return strings.TrimSpace(row[i])
	}
	r := &registry{bySlug: map[string]int{}, byDom: map[string]int{}}
	ambiguous := map[string]bool{}
	for n, row := range rows[1:] {
		f := Force{
			Slug:          get(row, "slug"),
			Name:          get(row, "official_name"),
			ShortName:     get(row, "short_name"),
			Category:      get(row, "category"),
			Country:       get(row, "country"),
			ONSCode:       get(row, "ons_pfa_code"),
			FOIEmail:      get(row, "foi_email"),
			CostLimit:     get(row, "cost_limit"),
			Website:       get(row, "website"),
			DisclosureLog: get(row, "disclosure_log_url"),
			WDTKURL:       get(row, "wdtk_body_url"),
			Notes:         get(row, "notes"),
		}
		if f.Slug == "" {
			return nil, fmt.Errorf("forces.csv line %d: empty slug", n+2)
		}
		if _, dup := r.bySlug[f.Slug]; dup {
			return nil, fmt.Errorf("forces.csv line %d: duplicate slug %q", n+2, f.Slug)
		}
		switch reg := get(row, "foi_regime"); {
		case strings.HasPrefix(reg, "FOIA"):
			f.Regime = foi.RegimeFOIA
		case strings.HasPrefix(reg, "FOISA"):
			f.Regime = foi.RegimeFOISA
		case strings.HasPrefix(reg, "none"):
			f.Regime = foi.RegimeNone
		default:
			return nil, fmt.Errorf("forces.csv line %d: unknown foi_regime %q", n+2, reg)
		}
		f.AltEmails = append(f.AltEmails, splitList(get(row, "foi_email_alt"))...)
		seen := map[string]bool{}
		addDomain := func(d string) {
			d = strings.ToLower(strings.TrimSpace(d))
			if d != "" && !seen[d] {
				seen[d] = true
				f.Domains = append(f.Domains, d)
			}
		}
		addDomain(get(row, "email_domain"))
		for _, d := range splitList(get(row, "foi_email_domains_seen")) {
			addDomain(d)
		}
		addDomain(get(row, "legacy_pnn_domain"))
		for _, e := range append([]string{f.FOIEmail}, f.AltEmails...) {
			if _, d, ok := strings.Cut(e, "@"); ok {
				addDomain(d)
			}
		}
		i := len(r.forces)
		r.forces = append(r.forces, f)
		r.bySlug[f.Slug] = i
		for _, d := range f.Domains {
			if j, ok := r.byDom[d]; ok && j != i {
				ambiguous[d] = true
			}
			r.byDom[d] = i
		}
	}
	for d := range ambiguous {
		delete(r.byDom, d)
	}
	return r, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// All returns every body in the registry, in registry order.
func All() []Force { return slices.Clone(mustLoad().forces) }

// Lookup returns the force with the given slug.
func Lookup(slug string) (Force, bool) {
	r := mustLoad()
	i, ok := r.bySlug[strings.ToLower(strings.TrimSpace(slug))]
	if !ok {
		return Force{}, false
	}
	return r.forces[i], true
}

// UnknownError reports a name that is neither a force slug nor a group.
type UnknownError struct {
	Name    string
	Suggest string // closest slug, if any is close
}

func (e *UnknownError) Error() string {
	msg := fmt.Sprintf("unknown force or group %q", e.Name)
	if e.Suggest != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", e.Suggest)
	}
	return msg + "; 'foidesk forces all' lists them"
}

// Group returns the members of a named group.
func Group(name string) ([]Force, error) {
	r := mustLoad()
	var out []Force
	switch name {
	case "all":
		return slices.Clone(r.forces), nil
	case "all44":
		for _, f := range r.forces {
			if f.Category == "territorial" || f.Slug == "british-transport-police" {
				out = append(out, f)
			}
		}
	case "uk":
		for _, f := range r.forces {
			if f.Category == "territorial" || f.Slug == "british-transport-police" ||
				f.Slug == "police-scotland" || f.Slug == "psni" {
				out = append(out, f)
			}
		}
	default:
		return nil, &UnknownError{Name: name}
	}
	return out, nil
}

// Resolve expands a list of slugs and group names into forces, each once,
// in registry order.
func Resolve(names []string) ([]Force, error) {
	r := mustLoad()
	want := map[string]bool{}
	for _, n := range names {
		n = strings.ToLower(strings.TrimSpace(n))
		if _, ok := r.bySlug[n]; ok {
			want[n] = true
			continue
		}
		g, err := Group(n)
		if err != nil {
			return nil, &UnknownError{Name: n, Suggest: closest(n, r)}
		}
		for _, f := range g {
			want[f.Slug] = true
		}
	}
	var out []Force
	for _, f := range r.forces {
		if want[f.Slug] {
			out = append(out, f)
		}
	}
	return out, nil
}

// ByDomain returns the force an email domain belongs to. Only exact domains
// and their subdomains match: "durham.police.uk.evil.example" and
// "notdurham.police.uk" do not belong to Durham.
func ByDomain(domain string) (Force, bool) {
	r := mustLoad()
	d := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(domain)), ".")
	for d != "" {
		if i, ok := r.byDom[d]; ok {
			return r.forces[i], true
		}
		_, rest, ok := strings.Cut(d, ".")
		if !ok || !strings.Contains(rest, ".") {
			break
		}
		d = rest
	}
	return Force{}, false
}

// ByAddress returns the force an email address's domain belongs to.
func ByAddress(addr string) (Force, bool) {
	i := strings.LastIndexByte(addr, '@')
	if i < 0 {
		return Force{}, false
	}
	return ByDomain(strings.Trim(addr[i+1:], "> "))
}

// OwnsDomain reports whether domain (or a parent of it) is one of f's.
func (f Force) OwnsDomain(domain string) bool {
	d := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(domain)), ".")
	for _, own := range f.Domains {
		if d == own || strings.HasSuffix(d, "."+own) {
			return true
		}
	}
	return false
}

func closest(name string, r *registry) string {
	best, bestD := "", 4
	cands := make([]string, 0, len(r.bySlug)+3)
	for s := range r.bySlug {
		cands = append(cands, s)
	}
	for _, g := range Groups {
		cands = append(cands, g.Name)
	}
	sort.Strings(cands)
	for _, c := range cands {
		if d := levenshtein(name, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
