package normalise

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Real-world spellings of nationality as they appear in police returns:
// want is the code, minConf/maxConf bound the confidence (typos map, but
// less surely).
func TestNationalitySpellings(t *testing.T) {
	v := Nationalities()
	cases := []struct {
		in      string
		want    string
		minConf float64
		maxConf float64
	}{
		{"Polish", "POL", 1, 1},
		{"POLISH", "POL", 1, 1},
		{"Poland", "POL", 1, 1},
		{"Polish nationals", "POL", 1, 1},
		{"Polish National", "POL", 1, 1},
		{"Poland (Polish)", "POL", 1, 1},
		{"POL", "POL", 0.95, 0.95},
		{"Romanian", "ROU", 1, 1},
		{"Roumanian", "ROU", 0.95, 0.95},
		{"Albanian", "ALB", 1, 1},
		{"Lithuanian", "LTU", 1, 1},
		{"Latvian", "LVA", 1, 1},
		{"Bulgarian", "BGR", 1, 1},
		{"Irish", "IRL", 1, 1},
		{"Irish Republic", "IRL", 1, 1},
		{"Republic of Ireland", "IRL", 1, 1},
		{"Eire", "IRL", 1, 1},
		{"Éire", "IRL", 1, 1},
		{"British", "GBR", 1, 1},
		{"U.K.", "GBR", 1, 1},
		{"United Kingdom", "GBR", 1, 1},
		{"Scottish", "GBR", 1, 1},
		{"Northern Irish", "GBR", 1, 1},
		{"Welsh", "GBR", 1, 1},
		{"Indian", "IND", 1, 1},
		{"Pakistani", "PAK", 1, 1},
		{"Bangladeshi", "BGD", 1, 1},
		{"Afghan", "AFG", 1, 1},
		{"Afghani", "AFG", 0.95, 0.95},
		{"Iraqi", "IRQ", 1, 1},
		{"Iranian", "IRN", 1, 1},
		{"Iran, Islamic Republic of", "IRN", 1, 1},
		{"Eritrean", "ERI", 1, 1},
		{"Eritrian", "ERI", 0.95, 0.95},
		{"Sudanese", "SDN", 1, 1},
		{"South Sudanese", "SSD", 1, 1},
		{"Somali", "SOM", 1, 1},
		{"Somalian", "SOM", 1, 1},
		{"Nigerian", "NGA", 1, 1},
		{"Nigerien", "NER", 1, 1},
		{"Ghanaian", "GHA", 1, 1},
		{"Ghanian", "GHA", 0.95, 0.95},
		{"Zimbabwean", "ZWE", 1, 1},
		{"Chinese", "CHN", 1, 1},
		{"Hong Kong", "HKG", 1, 1},
		{"Vietnamese", "VNM", 1, 1},
		{"Viet Nam", "VNM", 1, 1},
		{"Filipino", "PHL", 1, 1},
		{"Phillipines", "PHL", 0.95, 0.95},
		{"Portuguese", "PRT", 1, 1},
		{"Portugese", "PRT", 0.95, 0.95},
		{"Spanish", "ESP", 1, 1},
		{"Italian", "ITA", 1, 1},
		{"French", "FRA", 1, 1},
		{"German", "DEU", 1, 1},
		{"Dutch", "NLD", 1, 1},
		{"Holland", "NLD", 1, 1},
		{"Netherlands (The)", "NLD", 1, 1},
		{"Czech Republic", "CZE", 1, 1},
		{"Czechia", "CZE", 1, 1},
		{"Slovak", "SVK", 1, 1},
		{"Hungarian", "HUN", 1, 1},
		{"Ukrainian", "UKR", 1, 1},
		{"Ukranian", "UKR", 0.95, 0.95},
		{"Russian Federation", "RUS", 1, 1},
		{"Turkish", "TUR", 1, 1},
		{"Türkiye", "TUR", 1, 1},
		{"Kurdish (Iraq)", "IRQ", 0.85, 0.9},
		{"Brazilian", "BRA", 1, 1},
		{"Colombian", "COL", 1, 1},
		{"Columbian", "COL", 0.95, 0.95},
		{"Jamaican", "JAM", 1, 1},
		{"Trinidad & Tobago", "TTO", 1, 1},
		{"St Lucian", "LCA", 1, 1},
		{"Saint Lucia", "LCA", 1, 1},
		{"American", "USA", 1, 1},
		{"U.S.A.", "USA", 1, 1},
		{"Cote d'Ivoire", "CIV", 1, 1},
		{"Côte d’Ivoire", "CIV", 1, 1},
		{"Ivory Coast", "CIV", 1, 1},
		{"Congolese (DRC)", "COD", 1, 1},
		{"Congo (Democratic Republic)", "COD", 1, 1},
		{"Democratic Republic of the Congo", "COD", 1, 1},
		{"Congo (Brazzaville)", "COG", 1, 1},
		{"Korea, Republic of", "KOR", 1, 1},
		{"Korea (South)", "KOR", 1, 1},
		{"South Korean", "KOR", 1, 1},
		{"North Korean", "PRK", 1, 1},
		{"Kosovan", "XKX", 1, 1},
		{"Kosovo", "XKX", 1, 1},
		{"Macedonian", "MKD", 1, 1},
		{"FYROM", "MKD", 0.95, 0.95},
		{"Bosnia-Herzegovina", "BIH", 1, 1},
		{"Yemen (Dem. Peoples Republic)", "YEM", 0.95, 0.95},
		{"Burma", "MMR", 0.95, 0.95},
		{"Burmese", "MMR", 1, 1},
		{"Swaziland", "SWZ", 0.95, 0.95},
		{"Zaire", "COD", 0.95, 0.95},
		{"Czechoslovakia", "CSK", 0.85, 0.85},
		{"Yugoslav", "YUG", 0.85, 0.85},
		{"Former Yugoslavia", "YUG", 0.85, 0.85},
		{"Serbia and Montenegro", "SCG", 0.85, 0.85},
		{"USSR", "SUN", 0.85, 0.85},
		{"Gibraltarian", "GIB", 1, 1},
		{"Bermudian", "BMU", 1, 1},
		{"Falkland Islands (Malvinas)", "FLK", 1, 1},
		{"British Virgin Islands", "VGB", 1, 1},
		{"Turks & Caicos Islands", "TCA", 1, 1},
		{"St Helena", "SHN", 1, 1},
		{"Cayman Islands", "CYM", 1, 1},
		{"Manx", "IMN", 1, 1},
		{"British Overseas Territories Citizen", "GBD", 1, 1},
		{"British National (Overseas)", "GBN", 1, 1},
		{"BN(O)", "GBN", 1, 1},
		{"Palestinian", "PSE", 1, 1},
		{"Occupied Palestinian Territories", "PSE", 1, 1},
		{"Syrian Arab Republic", "SYR", 1, 1},
		{"Unknown", NationalityUnknown, 1, 1},
		{"Not known", NationalityUnknown, 1, 1},
		{"U/K", NationalityUnknown, 1, 1},
		{"Not recorded", NationalityNotRecorded, 1, 1},
		{"Not stated", NationalityNotRecorded, 1, 1},
		{"Nationality not recorded", NationalityNotRecorded, 1, 1},
		{"(blank)", NationalityNotRecorded, 1, 1},
		{"Stateless", NationalityStateless, 1, 1},
		{"Other", NationalityOther, 1, 1},
		{"All other nationalities", NationalityOther, 1, 1},
		// Typing slips map, less surely, with the distance in the reason.
		{"Albainian", "ALB", 0.8, 0.9},
		{"Polsih", "POL", 0.8, 0.9},
		{"Romainian", "ROU", 0.8, 0.9},
		{"Lithuanain", "LTU", 0.8, 0.9},
		{"Bulgarain", "BGR", 0.8, 0.9},
		{"Brazillian", "BRA", 0.8, 0.9},
		{"Afganistan", "AFG", 0.8, 0.9},
		{"Sri Lankin", "LKA", 0.8, 0.9},
		{"Slovakain", "SVK", 0.8, 0.9},
		{"Hungarain", "HUN", 0.8, 0.9},
		{"Portugeuse", "PRT", 0.9, 0.95},
		{"Somalain", "SOM", 0.65, 0.9},
	}
	for _, tc := range cases {
		m := v.Match(tc.in)
		if m.Code != tc.want {
			t.Errorf("%q → %q (%s), want %s", tc.in, m.Code, m.Reason, tc.want)
			continue
		}
		if m.Confidence < tc.minConf || m.Confidence > tc.maxConf {
			t.Errorf("%q → %s with confidence %.2f, want %.2f..%.2f (%s)", tc.in, m.Code, m.Confidence, tc.minConf, tc.maxConf, m.Reason)
		}
		if m.Reason == "" {
			t.Errorf("%q: no reason", tc.in)
		}
	}
	if len(cases) < 60 {
		t.Fatalf("only %d spellings tested", len(cases))
	}
}

// Texts that must not be mapped: ambiguous ones list their candidates,
// unknown and refused ones say why.
func TestNationalityNotGuessed(t *testing.T) {
	v := Nationalities()
	for _, tc := range []struct {
		in         string
		candidates []string
	}{
		{"Korean", []string{"KOR", "PRK"}},
		{"Congolese", []string{"COD", "COG"}},
		{"Congo", []string{"COD", "COG"}},
		{"Dominican", []string{"DMA", "DOM"}},
		{"Virgin Islands", []string{"VGB", "VIR"}},
		{"Albanian (Kosovo)", []string{"ALB", "XKX"}},
		{"Wakandan", nil},
		{"Kurdish", nil},
		{"Roma", nil},
		{"Romani", nil},
		{"Asian", nil},
		{"EU national", nil},
		{"No nationality", nil},
		{"Nigeriann Ghanaian", nil},
		{"Xyzzy", nil},
		{"", nil},
	} {
		m := v.Match(tc.in)
		if m.OK() {
			t.Errorf("%q mapped to %s (%s); want no mapping", tc.in, m.Code, m.Reason)
			continue
		}
		if !slices.Equal(m.Candidates, tc.candidates) {
			t.Errorf("%q candidates %v, want %v", tc.in, m.Candidates, tc.candidates)
		}
		if m.Reason == "" {
			t.Errorf("%q: no reason", tc.in)
		}
	}
}

func TestOffenceSpellings(t *testing.T) {
	v := OffenceGroups()
	cases := []struct {
		in      string
		want    string
		minConf float64
	}{
		{"Violence against the person", "violence_against_the_person", 1},
		{"VIOLENCE AGAINST THE PERSON", "violence_against_the_person", 1},
		{"VAP", "violence_against_the_person", 1},
		{"Violence Against Person", "violence_against_the_person", 1},
		{"Violence with injury", "violence_with_injury", 1},
		{"Violence (without injury)", "violence_without_injury", 1},
		{"Stalking & Harassment", "stalking_and_harassment", 1},
		{"Homicide", "homicide", 1},
		{"Sexual Offences", "sexual_offences", 1},
		{"Sexual Offences (excl. rape)", "other_sexual_offences", 1},
		{"Sexual offences excluding rape", "other_sexual_offences", 1},
		{"Rape", "rape", 1},
		{"Robbery", "robbery", 1},
		{"Robbery of personal property", "robbery_of_personal_property", 1},
		{"Theft Offences", "theft_offences", 1},
		{"Theft", "theft_offences", 1},
		{"Shoplifting", "shoplifting", 1},
		{"Shop lifting", "shoplifting", 1},
		{"Theft from shops and stalls", "shoplifting", 1},
		{"Theft from the person", "theft_from_the_person", 1},
		{"Bicycle theft", "bicycle_theft", 1},
		{"All other theft offences", "other_theft", 1},
		{"Burglary - residential", "residential_burglary", 1},
		{"Domestic burglary", "residential_burglary", 1},
		{"Vehicle offences", "vehicle_offences", 1},
		{"Criminal damage and arson", "criminal_damage_and_arson", 1},
		{"Criminal Damage & Arson", "criminal_damage_and_arson", 1},
		{"Arson", "arson", 1},
		{"Drug offences", "drug_offences", 1},
		{"Drugs", "drug_offences", 1},
		{"Drugs - possession", "drug_possession", 1},
		{"Possession of cannabis", "drug_possession", 1},
		{"Trafficking of drugs", "drug_trafficking", 1},
		{"Drugs - supply", "drug_trafficking", 1},
		{"Possession of weapons offences", "possession_of_weapons", 1},
		{"Possession of Weapons", "possession_of_weapons", 1},
		{"Possession of article with blade or point", "possession_of_weapons", 1},
		{"Public order offences", "public_order_offences", 1},
		{"Public Order", "public_order_offences", 1},
		{"Public fear, alarm or distress", "public_order_offences", 1},
		{"Miscellaneous crimes against society", "miscellaneous_crimes_against_society", 1},
		{"Misc. Crimes Against Society", "miscellaneous_crimes_against_society", 1},
		{"Fraud", "fraud_offences", 1},
		{"Other", "other_offences", 1},
		{"Assault", "violence_against_the_person", 0.9},
		// Typing slips.
		{"Violance against the person", "violence_against_the_person", 0.8},
		{"Posession of weapons", "possession_of_weapons", 0.8},
		{"Possesion of drugs", "drug_possession", 0.8},
		{"Shopliftng", "shoplifting", 0.8},
		{"Crimnal damage", "criminal_damage", 0.8},
		{"Robery", "robbery", 0.8},
	}
	for _, tc := range cases {
		m := v.Match(tc.in)
		if m.Code != tc.want || m.Confidence < tc.minConf {
			t.Errorf("%q → %q %.2f (%s), want %s ≥ %.2f", tc.in, m.Code, m.Confidence, m.Reason, tc.want, tc.minConf)
		}
	}
	if len(cases) < 25 {
		t.Fatalf("only %d spellings tested", len(cases))
	}
	for _, s := range []string{"Possession", "Dangerous dogs", "Offences", "Motoring"} {
		if m := v.Match(s); m.OK() {
			t.Errorf("%q mapped to %s (%s)", s, m.Code, m.Reason)
		}
	}
}

func TestOffenceHierarchy(t *testing.T) {
	v := OffenceGroups()
	groups := 0
	for _, c := range v.Codes() {
		p := v.Parent(c)
		if p == "" {
			groups++
			continue
		}
		if !v.Has(p) {
			t.Errorf("%s has unknown parent %s", c, p)
		}
	}
	if groups != 11 {
		t.Errorf("%d top-level groups, want the 9 Home Office groups plus fraud and other offences", groups)
	}
	if v.Parent("residential_burglary") != "burglary" || v.Parent("burglary") != "theft_offences" {
		t.Error("burglary hierarchy wrong")
	}
}

// The data files are well formed: every ISO code has a label, codes have
// the right shape, and the only ambiguous spellings are the intended ones.
func TestNationalityData(t *testing.T) {
	v := Nationalities()
	re := regexp.MustCompile(`^[A-Z]{3}$`)
	for _, c := range v.Codes() {
		if !re.MatchString(c) && !isSpecialNationality(c) {
			t.Errorf("bad code %q", c)
		}
		if v.Label(c) == c && !isSpecialNationality(c) {
			t.Errorf("%s has no label", c)
		}
	}
	if n := len(v.Codes()); n < 249+5+5+4 {
		t.Errorf("%d codes; want the 249 ISO codes, XKX, 5 dissolved, 5 ICAO and 4 special", n)
	}
	want := map[string][]string{
		"korea": {"KOR", "PRK"}, "korean": {"KOR", "PRK"}, "congo": {"COD", "COG"}, "congolese": {"COD", "COG"},
		"dominican": {"DMA", "DOM"}, "virgin island": {"VGB", "VIR"}, "british oversea": {"GBN", "GBO"},
	}
	got := v.Ambiguities()
	for k, cs := range got {
		if !slices.Equal(want[k], cs) {
			t.Errorf("unexpected ambiguity %q: %v", k, cs)
		}
	}
	for k := range want {
		if got[k] == nil {
			t.Errorf("%q should be ambiguous", k)
		}
	}
	if a := OffenceGroups().Ambiguities(); len(a) != 0 {
		t.Errorf("offence spellings with two meanings: %v", a)
	}
	if !strings.Contains(v.Label("XKX"), "Kosovo") || v.Label("GBR") != "United Kingdom" {
		t.Errorf("labels: XKX %q, GBR %q", v.Label("XKX"), v.Label("GBR"))
	}
}

func TestFindInTitle(t *testing.T) {
	nat := Nationalities()
	for _, tc := range []struct {
		title string
		want  []string
	}{
		{"Community resolutions for Polish nationals, 2023", []string{"POL"}},
		{"Community resolutions issued to foreign nationals in England and Wales", nil},
		{"Romanian and Albanian nationals", []string{"ROU", "ALB"}},
		{"South African nationals dealt with by community resolution", []string{"ZAF"}},
		{"Other nationalities", nil},
	} {
		var got []string
		for _, f := range nat.findIn(tc.title) {
			got = append(got, f.code)
		}
		slices.Sort(got)
		w := slices.Clone(tc.want)
		slices.Sort(w)
		if !slices.Equal(got, w) {
			t.Errorf("%q: found %v, want %v", tc.title, got, w)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"polish", "polsih", 1}, {"albanian", "albainian", 1}, {"kitten", "sitting", 3}, {"", "abc", 3}, {"abc", "abc", 0},
	} {
		if got := editDistance([]rune(tc.a), []rune(tc.b), 5); got != tc.want {
			t.Errorf("%s/%s = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
	if got := editDistance([]rune("kitten"), []rune("sitting"), 1); got != 2 {
		t.Errorf("bounded distance = %d, want 2 (max+1)", got)
	}
}
