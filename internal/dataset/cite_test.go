package dataset_test

import (
	"testing"

	"github.com/foidesk/foidesk/internal/dataset"
	"github.com/foidesk/foidesk/internal/extract"
)

func grid(rows ...[]string) [][]extract.Cell {
	var out [][]extract.Cell
	for _, r := range rows {
		var cells []extract.Cell
		for _, t := range r {
			cells = append(cells, extract.Cell{Text: t})
		}
		out = append(out, cells)
	}
	return out
}

func TestCellLabels(t *testing.T) {
	g := grid(
		[]string{"", "Community resolutions", "Community resolutions"},
		[]string{"Nationality", "2022", "2023"},
		[]string{"Eritrean", "12", "14"},
		[]string{"Violence", "Polish", "7"},
	)
	for _, c := range []struct {
		header, row, col   int
		rowLabel, colLabel string
	}{
		{2, 2, 2, "Eritrean", "Community resolutions / 2023"},
		{2, 2, 1, "Eritrean", "Community resolutions / 2022"},
		{2, 3, 2, "Violence / Polish", "Community resolutions / 2023"},
		// Without header rows, the first row's text is the heading.
		{0, 2, 2, "Eritrean", "Community resolutions"},
	} {
		rl, cl := dataset.CellLabels(g, c.header, c.row, c.col)
		if rl != c.rowLabel || cl != c.colLabel {
			t.Errorf("cell (%d,%d): %q, %q; want %q, %q", c.row, c.col, rl, cl, c.rowLabel, c.colLabel)
		}
	}
	// A first row of figures is no heading.
	rl, cl := dataset.CellLabels(grid([]string{"Polish", "3"}, []string{"Romanian", "4"}), 0, 1, 1)
	if rl != "Romanian" || cl != "" {
		t.Errorf("headless table: %q, %q", rl, cl)
	}
	// A row labelled by its year.
	rl, cl = dataset.CellLabels(grid([]string{"Year", "Polish"}, []string{"2022/23", "3"}), 1, 1, 1)
	if rl != "2022/23" || cl != "Polish" {
		t.Errorf("year row: %q, %q", rl, cl)
	}
	if rl, cl := dataset.CellLabels(g, 2, 9, 1); rl != "" || cl != "" {
		t.Errorf("out of range: %q, %q", rl, cl)
	}
}

func TestCitationPrinted(t *testing.T) {
	c := dataset.Citation{Document: "reply.pdf", Page: 2, Table: 1, Row: "Eritrean", Column: "2023", Ref: "r30c3"}
	if got := c.Printed(); got != "page 2, row 'Eritrean', column '2023'" {
		t.Errorf("Printed() = %q", got)
	}
	if got := c.Grid(); got != "table 1, cell r30c3" {
		t.Errorf("Grid() = %q", got)
	}
	c = dataset.Citation{Sheet: "Data", Row: "Polish", Ref: "C7"}
	if got := c.Printed(); got != "sheet 'Data', row 'Polish', cell C7" {
		t.Errorf("no column heading: %q", got)
	}
}
