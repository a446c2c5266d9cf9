package pdf

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestDump prints the glyphs and rulings of the file named by PDFDUMP
// (a debugging aid; skipped otherwise).
func TestDump(t *testing.T) {
	name := os.Getenv("PDFDUMP")
	if name == "" {
		t.Skip("PDFDUMP not set")
	}
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Open(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	for n := 1; n <= doc.NumPages(); n++ {
		p, err := doc.Page(context.Background(), n)
		if err != nil {
			t.Logf("page %d: %v", n, err)
			continue
		}
		fmt.Printf("page %d %.0fx%.0f rot %d glyphs %d rulings %d fills %d images %d\n", n, p.Width, p.Height, p.Rotate, len(p.Glyphs), len(p.Rulings), len(p.Fills), len(p.Images))
		var sb strings.Builder
		last := -1.0
		for _, g := range p.Glyphs {
			if g.BaseY != last {
				fmt.Fprintf(&sb, "\n[%.1f,%.1f s%.1f] ", g.X0, g.BaseY, g.Size)
				last = g.BaseY
			}
			sb.WriteString(g.Text)
		}
		fmt.Println(sb.String())
		for _, r := range p.Rulings {
			fmt.Printf("  rule %.1f,%.1f-%.1f,%.1f w%.2f\n", r.X0, r.Y0, r.X1, r.Y1, r.Width)
		}
	}
}
