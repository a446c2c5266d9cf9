package force

import (
	"errors"
	"strings"
	"testing"

	"github.com/foidesk/foidesk/internal/foi"
)

func TestGroups(t *testing.T) {
	for _, tc := range []struct {
		group string
		want  int
	}{{"all44", 44}, {"uk", 46}, {"all", 49}} {
		fs, err := Group(tc.group)
		if err != nil {
			t.Fatal(err)
		}
		if len(fs) != tc.want {
			t.Errorf("group %s has %d members, want %d", tc.group, len(fs), tc.want)
		}
	}
	all44, _ := Group("all44")
	in := map[string]bool{}
	for _, f := range all44 {
		in[f.Slug] = true
		if f.Regime != foi.RegimeFOIA {
			t.Errorf("%s in all44 answers under %s, want foia", f.Slug, f.Regime)
		}
		if f.FOIEmail == "" || !strings.Contains(f.FOIEmail, "@") {
			t.Errorf("%s has no FOI address: %q", f.Slug, f.FOIEmail)
		}
	}
	for _, s := range []string{"metropolitan", "city-of-london", "dyfed-powys", "british-transport-police"} {
		if !in[s] {
			t.Errorf("all44 lacks %s", s)
		}
	}
	for _, s := range []string{"police-scotland", "psni", "national-crime-agency", "civil-nuclear-constabulary"} {
		if in[s] {
			t.Errorf("all44 holds %s", s)
		}
	}
	ps, _ := Lookup("police-scotland")
	if ps.Regime != foi.RegimeFOISA {
		t.Errorf("Police Scotland regime %s", ps.Regime)
	}
	nca, _ := Lookup("national-crime-agency")
	if nca.Regime != foi.RegimeNone {
		t.Errorf("NCA regime %s", nca.Regime)
	}
}

func TestResolve(t *testing.T) {
	fs, err := Resolve([]string{"durham", "all44", " Kent "})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 44 {
		t.Errorf("durham+all44+kent resolved to %d, want 44 (each once)", len(fs))
	}
	fs, err = Resolve([]string{"psni", "durham"})
	if err != nil || len(fs) != 2 || fs[0].Slug != "durham" {
		t.Errorf("Resolve(psni,durham) = %v, %v; want registry order", fs, err)
	}
	_, err = Resolve([]string{"durhm"})
	var ue *UnknownError
	if !errors.As(err, &ue) || ue.Suggest != "durham" {
		t.Errorf("Resolve(durhm) error %v, want a suggestion of durham", err)
	}
}

func TestByDomain(t *testing.T) {
	for _, tc := range []struct {
		addr, want string
	}{
		{"freedomofinformation@durham.pnn.police.uk", "durham"},
		{"FOI@Durham.Police.UK", "durham"},
		{"foi@mail.met.police.uk", "metropolitan"},
		{"foi@scotland.police.uk", "police-scotland"},
		{"x@btp.pnn.police.uk", "british-transport-police"},
		{"foi@durham.police.uk.evil.example", ""},
		{"foi@notdurham.police.uk", ""},
		{"foi@police.uk", ""},
		{"foi@gmail.com", ""},
		{"no-at-sign", ""},
	} {
		f, ok := ByAddress(tc.addr)
		if got := f.Slug; got != tc.want || ok != (tc.want != "") {
			t.Errorf("ByAddress(%q) = %q, %v; want %q", tc.addr, got, ok, tc.want)
		}
	}
	d, _ := Lookup("durham")
	if !d.OwnsDomain("durham.pnn.police.uk") || d.OwnsDomain("kent.police.uk") {
		t.Error("OwnsDomain disagrees with the registry")
	}
}

func TestParseRejectsBadCSV(t *testing.T) {
	for _, tc := range []struct{ name, csv string }{
		{"missing column", "slug,official_name\nx,y\n"},
		{"bad regime", "slug,official_name,short_name,category,country,foi_email,foi_regime,email_domain,foi_email_domains_seen,legacy_pnn_domain\nx,X,X,territorial,England,a@b,FOO,,,\n"},
		{"duplicate", "slug,official_name,short_name,category,country,foi_email,foi_regime,email_domain,foi_email_domains_seen,legacy_pnn_domain\nx,X,X,t,E,a@b,FOIA,,,\nx,X,X,t,E,a@b,FOIA,,,\n"},
	} {
		if _, err := parse(tc.csv); err == nil {
			t.Errorf("%s: parsed without error", tc.name)
		}
	}
}
