package extract

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// readFixture reads a file under testdata.
func readFixture(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// extractFixture runs File on a fixture with default options.
func extractFixture(t testing.TB, rel string) []*Table {
	t.Helper()
	ts, err := File(context.Background(), filepath.Base(rel), readFixture(t, rel), nil)
	if err != nil {
		t.Fatalf("File(%s): %v", rel, err)
	}
	return ts
}

// rowTexts returns row i of t as strings.
func rowTexts(t *Table, i int) []string {
	return t.Strings()[i]
}

func hasReason(t *Table, sub string) bool {
	for _, r := range t.Reasons {
		if strings.Contains(r, sub) {
			return true
		}
	}
	return false
}

func TestSniff(t *testing.T) {
	cases := []struct {
		file string
		want string
	}{
		{"corpus/nationality_by_year.xlsx", "xlsx"},
		{"corpus/nationality_by_year.docx", "docx"},
		{"corpus/nationality_by_year.html", "html"},
		{"corpus/nationality_by_year.csv", "csv"},
		{"corpus/nationality_by_year.txt", "text"},
		{"corpus/nationality_by_year.from-docx.pdf", "pdf"},
		{"office/arrests.xls", "xls"},
		{"office/arrests.ods", "ods"},
		{"office/overtime.html", "html"},
		{"office/email.txt", "text"},
		{"office/cost.csv", "csv"},
		// A workbook whose directory also names a Word stream inside an
		// embedded object is a workbook.
		{"real/ons-construction-new-orders-halfyearly-2012.xls", "xls"},
	}
	for _, c := range cases {
		data := readFixture(t, c.file)
		if got := Sniff(filepath.Base(c.file), data); got != c.want {
			t.Errorf("Sniff(%s) = %q, want %q", c.file, got, c.want)
		}
		// Content decides, not the name, for containers and markup.
		if c.want != "csv" && c.want != "text" {
			if got := Sniff("attachment.bin", data); got != c.want {
				t.Errorf("Sniff(%s as attachment.bin) = %q, want %q", c.file, got, c.want)
			}
		}
	}
	// A CSV without a telling name is still found by its delimiters.
	if got := Sniff("download", readFixture(t, "corpus/district_by_month.csv")); got != "csv" {
		t.Errorf("Sniff(semicolon CSV without extension) = %q, want csv", got)
	}
	// Aligned text whose only commas are thousands separators is text.
	if got := Sniff("body", readFixture(t, "corpus/district_by_month.txt")); got != "text" {
		t.Errorf("Sniff(aligned text with 1,234 numbers, no extension) = %q, want text", got)
	}
	if got := Sniff("x", []byte("\x00\x01\x02\x03binary\x00\x00\x05\x06\x07\x08\x0e\x0f")); got != "unknown" {
		t.Errorf("Sniff(binary) = %q, want unknown", got)
	}
	enc := append([]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), utf16Bytes("EncryptedPackage")...)
	if got := Sniff("locked.xlsx", enc); got != "encrypted" {
		t.Errorf("Sniff(encrypted OOXML) = %q, want encrypted", got)
	}
	_, err := File(context.Background(), "locked.xlsx", enc, nil)
	if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "password") {
		t.Errorf("File(encrypted) error = %v, want ErrUnsupported naming the password", err)
	}
}

// Legacy .xls and .ods go through LibreOffice; without it the error says
// what to do.
func TestLegacyConversion(t *testing.T) {
	for _, f := range []string{"office/arrests.xls", "office/arrests.ods"} {
		t.Run(f, func(t *testing.T) {
			data := readFixture(t, f)
			if findSoffice() == "" {
				_, err := File(context.Background(), f, data, nil)
				if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "convert the file to xlsx") {
					t.Fatalf("without LibreOffice: error %v, want ErrUnsupported asking for xlsx", err)
				}
				t.Skip("LibreOffice not installed: conversion itself not tested")
			}
			ts := extractFixture(t, f)
			if len(ts) != 1 {
				t.Fatalf("got %d tables, want 1", len(ts))
			}
			tb := ts[0]
			want := strings.TrimSuffix(filepath.Ext(f), "")[1:]
			if tb.Source.Format != want || tb.Method != MethodXLSX || tb.Source.Sheet != "Arrests" {
				t.Errorf("source %+v method %s, want format %s via xlsx, sheet Arrests", tb.Source, tb.Method, want)
			}
			if tb.Title != "Number of persons arrested by nationality, 2019 to 2023" || len(tb.Notes) != 2 {
				t.Errorf("title %q notes %q", tb.Title, tb.Notes)
			}
			if got := rowTexts(tb, 0); strings.Join(got, "|") != "Nationality|2019|2020|2021|2022|2023|Total" {
				t.Errorf("header %q", got)
			}
			if tb.NumRows() != 16 || !hasReason(tb, "LibreOffice") {
				t.Errorf("rows %d reasons %q", tb.NumRows(), tb.Reasons)
			}
		})
	}
}

func TestLegacyWithoutLibreOffice(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := File(context.Background(), "arrests.xls", readFixture(t, "office/arrests.xls"), nil)
	if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "convert the file to xlsx") {
		t.Fatalf("error %v, want ErrUnsupported asking to convert to xlsx", err)
	}
	var e *Error
	if !errors.As(err, &e) || e.Format != "xls" {
		t.Fatalf("error %#v, want *Error for xls", err)
	}
}

func TestUnreadableInputsFailCleanly(t *testing.T) {
	xlsx := readFixture(t, "corpus/merged_headers.xlsx")
	docx := readFixture(t, "corpus/merged_headers.docx")
	cases := map[string][]byte{
		"truncated.xlsx": xlsx[:len(xlsx)/2],
		"truncated.docx": docx[:len(docx)/2],
		"header.xlsx":    xlsx[:30],
		"empty.docx":     []byte("PK\x03\x04"),
	}
	for name, data := range cases {
		ts, err := File(context.Background(), name, data, nil)
		if err == nil {
			t.Errorf("%s: no error, %d tables", name, len(ts))
			continue
		}
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%s: error %T %v, want *Error", name, err, err)
		}
	}
}

func TestTooLarge(t *testing.T) {
	data := readFixture(t, "corpus/nationality_by_year.csv")
	_, err := File(context.Background(), "a.csv", data, &Options{MaxBytes: 100})
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("error %v, want ErrTooLarge", err)
	}
}

func TestColName(t *testing.T) {
	for c, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 51: "AZ", 52: "BA", 701: "ZZ", 702: "AAA", 16383: "XFD"} {
		if got := colName(c); got != want {
			t.Errorf("colName(%d) = %q, want %q", c, got, want)
		}
	}
}

// Tables side by side, apart by two blank columns, are separate; a stray
// cell far to the right does not widen the table.
func TestGridSplitsColumns(t *testing.T) {
	csv := "Area,Count,,,Rank,Number\nNorth,1,,,PC,10\nSouth,2,,,PS,3\n"
	ts, err := File(context.Background(), "a.csv", []byte(csv), nil)
	if err != nil || len(ts) != 2 {
		t.Fatalf("err %v, %d tables", err, len(ts))
	}
	if ts[1].Rows[0][0].Ref != "E1" || ts[1].NumCols() != 2 || ts[0].NumCols() != 2 {
		t.Errorf("second table at %s, widths %d %d", ts[1].Rows[0][0].Ref, ts[0].NumCols(), ts[1].NumCols())
	}
	data := writeWorkbook(t, func(f *excelize.File) {
		_ = f.SetSheetRow("Sheet1", "A1", &[]any{"Area", "Count"})
		_ = f.SetSheetRow("Sheet1", "A2", &[]any{"North", 1})
		_ = f.SetSheetRow("Sheet1", "A3", &[]any{"South", 2})
		_ = f.SetCellStr("Sheet1", "XFD2", "stray")
	})
	ts, err = File(context.Background(), "a.xlsx", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 1 || ts[0].NumCols() != 2 || ts[0].NumRows() != 3 || len(ts[0].Notes) != 0 {
		t.Fatalf("%d tables, first %dx%d", len(ts), ts[0].NumRows(), ts[0].NumCols())
	}
}
