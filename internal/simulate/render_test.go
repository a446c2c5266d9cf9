package simulate

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/foidesk/foidesk/internal/campaign"
	"github.com/foidesk/foidesk/internal/extract"
	"github.com/foidesk/foidesk/internal/normalise"
)

func exampleSchema(t testing.TB) *normalise.Schema {
	t.Helper()
	f, err := os.Open("../../examples/cro-foreign-nationals.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	spec, err := campaign.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	s, err := normalise.SchemaFrom(spec.Dataset)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Every layout, through the real extractor and normaliser, gives back
// exactly the figures it was drawn from.
func TestLayoutsRoundTrip(t *testing.T) {
	schema := exampleSchema(t)
	for i, l := range Layouts {
		for _, suppress := range []string{"", "<5", "*"} {
			t.Run(fmt.Sprintf("%s/%q", l, suppress), func(t *testing.T) {
				d := newDataset(rand.New(rand.NewPCG(uint64(i), 7)), "durham", []int{2022, 2023, 2024}, suppress)
				att, body, err := Render(d, l, "Durham Constabulary")
				if err != nil {
					t.Fatal(err)
				}
				name, data := "body.html", []byte(body)
				if att != nil {
					name, data = att.Filename, att.Data
				}
				tables, err := extract.File(context.Background(), name, data, nil)
				if err != nil {
					t.Fatalf("extract: %v", err)
				}
				got := map[string]normalise.Observation{}
				for _, tb := range tables {
					if !normalise.HasFigures(tb) {
						continue
					}
					res, err := normalise.Table(tb, schema, nil)
					if err != nil {
						t.Fatalf("normalise table %d: %v", tb.Index, err)
					}
					if res.NeedsReview {
						t.Errorf("table %d (%s) needs review: %v\n%v", tb.Index, tb.Source.Sheet, res.ReviewReasons, tb.Strings())
					}
					for _, o := range res.Observations {
						k := fmt.Sprintf("durham|%s|%s|%s", o.Period.Label, o.Dims["offence_group"], o.Dims["nationality"])
						if _, dup := got[k]; dup {
							t.Errorf("figure %s twice", k)
						}
						got[k] = o
					}
				}
				for _, f := range d.Figures {
					o, ok := got[f.Key()]
					switch {
					case !ok:
						t.Errorf("figure %s (%s) missing", f.Key(), f.Shown)
					case f.Suppressed() && (o.Value != nil || o.Flag == ""):
						t.Errorf("figure %s shown %q loaded as %v/%q, want a flag and no value", f.Key(), f.Shown, o.Value, o.Flag)
					case !f.Suppressed() && (o.Value == nil || strconv.Itoa(int(*o.Value)) != f.Shown):
						t.Errorf("figure %s = %v, want %s", f.Key(), o.Value, f.Shown)
					}
					delete(got, f.Key())
				}
				for k, o := range got {
					t.Errorf("extra figure %s = %v %q", k, o.Value, o.Flag)
				}
			})
		}
	}
}
