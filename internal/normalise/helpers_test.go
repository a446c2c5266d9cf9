package normalise

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/foidesk/foidesk/internal/extract"
)

// tableOf builds an extracted table from rows of text. A cell "^" is
// covered by the merged cell above it and "<" by the one to its left (the
// text is repeated and Covered set, as the extractor stores merges); the
// origin's span is counted.
func tableOf(title string, rows ...[]string) *extract.Table {
	t := &extract.Table{Index: 1, Title: title, Source: extract.Source{Document: "test", Format: "xlsx"}, Method: extract.MethodXLSX, Confidence: 1}
	for r, row := range rows {
		cells := make([]extract.Cell, len(row))
		for c, s := range row {
			cells[c] = extract.Cell{Text: s, Ref: fmt.Sprintf("%s%d", colName(c), r+1)}
		}
		t.Rows = append(t.Rows, cells)
	}
	for r, row := range t.Rows {
		for c := range row {
			switch row[c].Text {
			case "^":
				o := r - 1
				for o > 0 && t.Rows[o][c].Covered {
					o--
				}
				row[c].Text, row[c].Covered = t.Rows[o][c].Text, true
				t.Rows[o][c].RowSpan = max(t.Rows[o][c].RowSpan, 1) + 1
			case "<":
				o := c - 1
				for o > 0 && row[o].Covered {
					o--
				}
				row[c].Text, row[c].Covered = row[o].Text, true
				row[o].ColSpan = max(row[o].ColSpan, 1) + 1
			}
		}
	}
	return t
}

func testSchema(t testing.TB) *Schema {
	t.Helper()
	s, err := SchemaFrom(map[string]any{
		"measure": map[string]any{"name": "community_resolutions", "unit": "count"},
		"dimensions": []any{
			map[string]any{"name": "period", "kind": "period"},
			map[string]any{"name": "offence_group", "kind": "offence_group"},
			map[string]any{"name": "nationality", "kind": "nationality"},
		},
		"periods":          map[string]any{"from": 2022, "to": 2024, "kind": "calendar"},
		"review_threshold": 0.8,
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// obsSet renders observations as sorted lines "period|dims|value".
func obsSet(obs []Observation) []string {
	var out []string
	for _, o := range obs {
		v := o.Flag
		if o.Value != nil {
			v = fmtNum(*o.Value)
		}
		var dims []string
		for _, k := range sortedKeys(o.Dims) {
			dims = append(dims, k+"="+o.Dims[k])
		}
		out = append(out, fmt.Sprintf("%s|%s|%s", o.Period.Label, strings.Join(dims, ","), v))
	}
	slices.Sort(out)
	return out
}

func dumpResult(t testing.TB, r *Result) {
	t.Helper()
	for _, d := range r.Decisions {
		t.Logf("decision %s %s %q %s=%s %.2f %s", d.Kind, d.Subject, d.Text, d.Dimension, d.Code, d.Confidence, d.Reason)
	}
	for _, o := range obsSet(r.Observations) {
		t.Logf("obs %s", o)
	}
	for _, tc := range r.Totals {
		t.Logf("total %s ok=%v %s", tc.Ref, tc.OK, tc.Reason)
	}
	t.Logf("confidence %.3f review=%v %q", r.Confidence, r.NeedsReview, r.ReviewReasons)
}
