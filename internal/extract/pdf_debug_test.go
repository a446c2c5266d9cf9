package extract

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestPDFDebug prints the tables of the PDF named by PDFTABLES (a
// debugging aid; skipped otherwise).
func TestPDFDebug(t *testing.T) {
	name := os.Getenv("PDFTABLES")
	if name == "" {
		t.Skip("PDFTABLES not set")
	}
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := File(context.Background(), name, data, nil)
	if err != nil {
		fmt.Println("error:", err)
	}
	for _, tb := range tables {
		fmt.Printf("== table %d page %d %s header=%d title=%q notes=%q\n", tb.Index, tb.Source.Page, tb.Method, tb.HeaderRows, tb.Title, tb.Notes)
		for _, row := range tb.Strings() {
			fmt.Println("  " + strings.Join(row, " | "))
		}
	}
}
