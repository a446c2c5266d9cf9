package extract

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// Workbooks encrypted with Excel's default password open as Excel opens
// them; any other password gives ErrPassword (testdata/office/encrypted/README.md
// says how the files were made).
func TestEncryptedWorkbooks(t *testing.T) {
	want := [][]string{
		{"Ethnicity", "Searches", "Arrests"},
		{"White", "1204", "150"},
		{"Black", "611", "88"},
		{"Asian", "402", "51"},
		{"Total", "2217", "289"},
	}
	for _, name := range []string{"agile-velvet.xlsx", "standard-velvet.xlsx", "standard-velvet-excelize.xlsx"} {
		t.Run(name, func(t *testing.T) {
			data := readFixture(t, "office/encrypted/"+name)
			if got := Sniff("reply.bin", data); got != "encrypted" {
				t.Fatalf("Sniff = %q, want encrypted", got)
			}
			ts, err := File(context.Background(), name, data, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(ts) != 1 {
				t.Fatalf("%d tables", len(ts))
			}
			tb := ts[0]
			if tb.Source.Format != "xlsx" || tb.Title != "Stop and search by ethnicity, 2023/24" || !hasReason(tb, "VelvetSweatshop") {
				t.Errorf("format %q, title %q, reasons %q", tb.Source.Format, tb.Title, tb.Reasons)
			}
			got := tb.Strings()
			if len(got) != len(want) {
				t.Fatalf("rows %q", got)
			}
			for i := range want {
				if strings.Join(got[i], "|") != strings.Join(want[i], "|") {
					t.Errorf("row %d = %q, want %q", i, got[i], want[i])
				}
			}
			if tb.Rows[1][1].Number == nil || *tb.Rows[1][1].Number != 1204 {
				t.Errorf("B4 number %v", tb.Rows[1][1].Number)
			}
		})
	}
	t.Run("docx", func(t *testing.T) {
		plain := extractFixture(t, "corpus/merged_headers.docx")
		ts, err := File(context.Background(), "reply.docx", readFixture(t, "office/encrypted/merged_headers-velvet.docx"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(ts) != len(plain) || ts[0].Source.Format != "docx" {
			t.Fatalf("%d tables (format %q), want %d as from the plain file", len(ts), ts[0].Source.Format, len(plain))
		}
		for i := range ts {
			if fmt.Sprint(ts[i].Strings()) != fmt.Sprint(plain[i].Strings()) {
				t.Errorf("table %d: %q, want %q", i+1, ts[i].Strings(), plain[i].Strings())
			}
		}
	})
	t.Run("other password", func(t *testing.T) {
		_, err := File(context.Background(), "locked.xlsx", readFixture(t, "office/encrypted/agile-secret.xlsx"), nil)
		var e *Error
		if !errors.Is(err, ErrPassword) || !errors.Is(err, ErrUnsupported) || !errors.As(err, &e) {
			t.Fatalf("error %v, want *Error wrapping ErrPassword", err)
		}
		if !strings.Contains(err.Error(), "password") {
			t.Errorf("error %q does not name the password", err)
		}
	})
	t.Run("damaged", func(t *testing.T) {
		data := readFixture(t, "office/encrypted/agile-velvet.xlsx")
		for _, n := range []int{2048, 4096, len(data) - 700} {
			if Sniff("cut.xlsx", data[:n]) != "encrypted" {
				continue
			}
			_, err := File(context.Background(), "cut.xlsx", data[:n], nil)
			t.Logf("cut at %d: %v", n, err)
			if !errors.Is(err, ErrUnsupported) {
				t.Errorf("cut at %d: error %v, want ErrUnsupported", n, err)
			}
		}
	})
}
