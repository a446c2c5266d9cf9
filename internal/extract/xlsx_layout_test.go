package extract

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// A sheet laid out as statistical releases are: a "Back to contents" link,
// a title merged across 44 columns, a 7-column table, notes below, and a
// second table under its own title further down.
func TestXLSXReleaseLayout(t *testing.T) {
	data := writeWorkbook(t, func(f *excelize.File) {
		sh := "Sheet1"
		f.SetCellValue(sh, "A1", "Back to contents")
		f.SetCellHyperLink(sh, "A1", "Contents!A1", "Location")
		f.SetCellValue(sh, "A2", "Table 3: Arrests by offence group and year, England and Wales")
		f.MergeCell(sh, "A2", "AR2")
		f.SetCellValue(sh, "A3", "Source: Home Office")
		f.MergeCell(sh, "A3", "AR3")
		header := []any{"Offence group", "2017/18", "2018/19", "2019/20", "2020/21", "2021/22", "2022/23"}
		f.SetSheetRow(sh, "A5", &header)
		groups := []string{"Violence", "Sexual offences", "Robbery", "Theft", "Criminal damage", "Drugs"}
		for i, g := range groups {
			row := []any{g}
			for y := 0; y < 6; y++ {
				row = append(row, 100*(i+1)+y)
			}
			f.SetSheetRow(sh, "A"+strconv.Itoa(6+i), &row)
		}
		f.SetCellValue(sh, "A13", "Notes: figures exclude British Transport Police. Figures for 2022/23 are provisional.")
		f.MergeCell(sh, "A13", "AR13")
		f.SetCellValue(sh, "A16", "Table 4: Arrests by sex")
		f.SetSheetRow(sh, "A17", &[]any{"Sex", "2021/22", "2022/23"})
		f.SetSheetRow(sh, "A18", &[]any{"Male", 700, 710})
		f.SetSheetRow(sh, "A19", &[]any{"Female", 120, 118})
	})
	ts := extractFixtureBytes(t, "release.xlsx", data)
	if len(ts) != 2 {
		for _, tb := range ts {
			t.Logf("table %d: %dx%d title %q rows %q", tb.Index, tb.NumRows(), tb.NumCols(), tb.Title, tb.Strings())
		}
		t.Fatalf("got %d tables, want 2", len(ts))
	}
	a, b := ts[0], ts[1]
	if a.NumCols() != 7 || a.NumRows() != 7 {
		t.Errorf("table 3 is %d×%d, want 7×7 (7 rows of 7 columns)", a.NumRows(), a.NumCols())
	}
	if a.Text(0, 0) != "Offence group" || a.Text(6, 0) != "Drugs" {
		t.Errorf("table 3 first/last rows %q / %q", a.Text(0, 0), a.Text(6, 0))
	}
	if !strings.HasPrefix(a.Title, "Table 3: Arrests by offence group") || strings.Contains(a.Title, "contents") {
		t.Errorf("table 3 title %q", a.Title)
	}
	for _, row := range a.Strings() {
		for _, c := range row {
			if strings.Contains(c, "Back to contents") || strings.Contains(c, "Notes:") || strings.Contains(c, "Source:") {
				t.Errorf("table 3 row holds %q", row)
			}
		}
	}
	if len(a.Notes) != 1 || !strings.HasPrefix(a.Notes[0], "Notes: figures exclude") {
		t.Errorf("table 3 notes %q", a.Notes)
	}
	if b.NumCols() != 3 || b.NumRows() != 3 || b.Title != "Table 4: Arrests by sex" {
		t.Errorf("table 4 is %d×%d titled %q: %q", b.NumRows(), b.NumCols(), b.Title, b.Strings())
	}
}

// extractFixtureBytes extracts a document held in memory.
func extractFixtureBytes(t testing.TB, name string, data []byte) []*Table {
	t.Helper()
	ts, err := File(context.Background(), name, data, nil)
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

// The same with nothing blank between the title, a header group merged
// across 40 columns, the table and its note.
func TestXLSXMergesWiderThanTable(t *testing.T) {
	data := writeWorkbook(t, func(f *excelize.File) {
		sh := "Sheet1"
		f.SetCellValue(sh, "A1", "Table 1: Stop and search by ethnicity")
		f.MergeCell(sh, "A1", "AR1")
		f.SetCellValue(sh, "A2", "Ethnicity")
		f.SetCellValue(sh, "B2", "Financial year")
		f.MergeCell(sh, "B2", "AN2")
		f.SetSheetRow(sh, "A3", &[]any{"", "2018/19", "2019/20", "2020/21", "2021/22", "2022/23", "2023/24"})
		for i, g := range []string{"Asian", "Black", "Mixed", "White", "Other"} {
			row := []any{g}
			for y := 0; y < 6; y++ {
				row = append(row, 10*(i+1)+y)
			}
			f.SetSheetRow(sh, "A"+strconv.Itoa(4+i), &row)
		}
		f.SetCellValue(sh, "A9", "Note: excludes searches where ethnicity was not stated by the person searched.")
		f.MergeCell(sh, "A9", "AR9")
	})
	ts := extractFixtureBytes(t, "tight.xlsx", data)
	if len(ts) != 1 {
		t.Fatalf("got %d tables, want 1", len(ts))
	}
	tb := ts[0]
	for i, row := range tb.Strings() {
		t.Logf("row %d: %q", i, row)
	}
	if tb.NumCols() != 7 {
		t.Errorf("table is %d columns wide, want 7", tb.NumCols())
	}
	if tb.Title != "Table 1: Stop and search by ethnicity" || len(tb.Notes) != 1 {
		t.Errorf("title %q notes %q", tb.Title, tb.Notes)
	}
	if tb.NumRows() != 7 || tb.Text(6, 0) != "Other" {
		t.Errorf("%d rows, last %q", tb.NumRows(), tb.Text(tb.NumRows()-1, 0))
	}
	if c := tb.Rows[0][1]; c.Text != "Financial year" || c.ColSpan != 6 {
		t.Errorf("B2 %+v, want its span clipped to the table's 6 year columns", c)
	}
}

// A "Back to contents" link beside the title, at the right, is neither a
// column of the table nor a row of it.
func TestXLSXContentsLinkBesideTitle(t *testing.T) {
	data := writeWorkbook(t, func(f *excelize.File) {
		sh := "Sheet1"
		f.SetCellValue(sh, "A1", "Table 2: Stop and search by outcome")
		f.SetCellValue(sh, "J1", "Back to contents")
		f.SetCellHyperLink(sh, "J1", "Contents!A1", "Location")
		f.SetSheetRow(sh, "A3", &[]any{"Outcome", "2022/23", "2023/24"})
		f.SetSheetRow(sh, "A4", &[]any{"Arrest", 120, 131})
		f.SetSheetRow(sh, "A5", &[]any{"No further action", 800, 779})
		f.SetSheetRow(sh, "A6", &[]any{"Total", 920, 910})
	})
	ts := extractFixtureBytes(t, "link.xlsx", data)
	if len(ts) != 1 {
		for _, tb := range ts {
			t.Logf("table %d: title %q rows %q", tb.Index, tb.Title, tb.Strings())
		}
		t.Fatalf("got %d tables, want 1", len(ts))
	}
	tb := ts[0]
	if tb.NumCols() != 3 || tb.NumRows() != 4 || tb.Text(0, 0) != "Outcome" {
		t.Errorf("table %d×%d: %q", tb.NumRows(), tb.NumCols(), tb.Strings())
	}
	if tb.Title != "Table 2: Stop and search by outcome" {
		t.Errorf("title %q", tb.Title)
	}
}

func TestIsNavigation(t *testing.T) {
	for s, want := range map[string]bool{
		"Back to contents": true, "Return to the index": true, "Go to Guidance -->": true, "<< Back to Table of Contents": true,
		"Click here to return to the contents page": true, "Back to top": true,
		"Return to work rates": false, "Contents": false, "Go to court": false, "Back pay owed to staff": false,
		"Table 3: Arrests by offence group": false,
	} {
		if got := isNavigation(s); got != want {
			t.Errorf("isNavigation(%q) = %v, want %v", s, got, want)
		}
	}
}
