package bench

import (
	"strings"
	"testing"

	"github.com/foidesk/foidesk/internal/extract"
)

func table(rows ...string) *extract.Table {
	t := &extract.Table{}
	for _, r := range rows {
		var row []extract.Cell
		for _, f := range strings.Split(r, "|") {
			row = append(row, extract.Cell{Text: f})
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func TestReadExpected(t *testing.T) {
	in := "# table 1 sheet A\n# title: T one\n# note: N1\nA,B\n\"1,234\",2\n\n# table 2\n# title: T two\nx,y\n"
	ts, err := ReadExpected(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 2 || ts[0].Title != "T one" || ts[0].Notes[0] != "N1" || ts[0].Rows[1][0] != "1,234" || ts[1].Rows[0][1] != "y" {
		t.Fatalf("parsed %+v %+v", ts[0], ts[1])
	}
}

func TestScore(t *testing.T) {
	want := []*Expected{{Rows: [][]string{{"Area", "2023"}, {"North", "1,234"}, {"South", "5"}}}}
	// Exact.
	if c := Score([]*extract.Table{table("Area|2023", "North|1,234", "South|5")}, want, Collapse); c.F1() != 1 {
		t.Errorf("exact: %+v", c)
	}
	// An extra title row shifts the grid: only its own cell costs.
	c := Score([]*extract.Table{table("Title|", "Area|2023", "North|1,234", "South|5")}, want, Collapse)
	if c.TP != 6 || c.FP != 1 || c.FN != 0 {
		t.Errorf("shifted: %+v", c)
	}
	// A wrong cell, a missing table, an extra table.
	c = Score([]*extract.Table{table("Area|2023", "North|1,235", "South|5"), table("x|y")}, append(want, &Expected{Rows: [][]string{{"z"}}}), Collapse)
	if c.TP != 5 || c.FP != 3 || c.FN != 2 {
		t.Errorf("errors: %+v", c)
	}
	// Thousands separators matter strictly, not numerically.
	got := []*extract.Table{table("Area|2023", "North|1 234", "South|5.0")}
	if s, n := Score(got, want, Collapse), Score(got, want, Numeric); s.F1() == 1 || n.F1() != 1 {
		t.Errorf("strict %.3f numeric %.3f", s.F1(), n.F1())
	}
}
