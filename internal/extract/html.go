package extract

import (
	"bytes"
	"context"
	"fmt"
	"runtime/debug"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// html bounds.
const (
	htmlMaxDepth   = 512
	htmlMaxColSpan = 1000
	htmlMaxRowSpan = 65534
)

// extractHTML finds the tables of an HTML document (an email body, usually):
// rowspan and colspan become spans, thead rows and leading rows of th cells
// headers, a caption or the text just above the title, note-like text just
// below the notes. A table nested in another's cell is a table of its own and
// its text is left out of the outer cell; layout tables that hold nothing
// but other tables are dropped.
func extractHTML(ctx context.Context, data []byte, o *Options) (ts []*Table, err error) {
	defer func() {
		if r := recover(); r != nil {
			ts, err = nil, &Error{Format: "html", Err: fmt.Errorf("malformed document: %v\n%s", r, firstLines(debug.Stack(), 6))}
		}
	}()
	dec := decodeText(data)
	if dec.encoding == "windows-1252" || dec.encoding == "utf-8" {
		// A meta charset in the head overrides the sniffed encoding for
		// legacy single-byte documents only.
		if cs := metaCharset(data); cs == "windows-1252" || cs == "iso-8859-1" {
			dec = decoded{s: mustWindows1252(data), encoding: cs}
		}
	}
	doc, err := html.Parse(strings.NewReader(dec.s))
	if err != nil {
		return nil, &Error{Format: "html", Err: fmt.Errorf("parse: %w", err)}
	}
	var tables []*html.Node
	var walk func(n *html.Node, depth int)
	walk = func(n *html.Node, depth int) {
		if depth > htmlMaxDepth {
			return
		}
		if n.Type == html.ElementNode && n.DataAtom == atom.Table {
			tables = append(tables, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1)
		}
	}
	walk(doc, 0)
	budget := maxCells(o)
	for k, tn := range tables {
		if k%16 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, &Error{Format: "html", Err: err}
			}
		}
		t, err := htmlTable(tn, &budget)
		if err != nil {
			return nil, &Error{Format: "html", Err: err}
		}
		if t != nil {
			ts = append(ts, t)
		}
	}
	return ts, nil
}

func mustWindows1252(b []byte) string {
	d := decodeText(append([]byte{0x80}, b...)) // force the single-byte path
	if d.encoding == "windows-1252" {
		return strings.TrimPrefix(d.s, "€")
	}
	return string(b)
}

// metaCharset returns the charset named by a meta tag in the first bytes.
func metaCharset(b []byte) string {
	head := bytes.ToLower(b[:min(len(b), 4096)])
	i := bytes.Index(head, []byte("charset="))
	if i < 0 {
		return ""
	}
	s := head[i+8:]
	s = bytes.TrimLeft(s, `"' `)
	j := bytes.IndexAny(s, `"'; />`)
	if j < 0 {
		return ""
	}
	return string(s[:j])
}

// htmlRows returns the rows of a table element, not those of nested tables,
// with whether each came from a thead.
func htmlRows(tn *html.Node) (rows []*html.Node, inHead []bool) {
	for c := tn.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		switch c.DataAtom {
		case atom.Tr:
			rows, inHead = append(rows, c), append(inHead, false)
		case atom.Thead, atom.Tbody, atom.Tfoot:
			for r := c.FirstChild; r != nil; r = r.NextSibling {
				if r.Type == html.ElementNode && r.DataAtom == atom.Tr {
					rows, inHead = append(rows, r), append(inHead, c.DataAtom == atom.Thead)
				}
			}
		}
	}
	return rows, inHead
}

func htmlAttr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func htmlHidden(n *html.Node) bool {
	if _, ok := htmlAttr(n, "hidden"); ok {
		return true
	}
	st, _ := htmlAttr(n, "style")
	st = strings.ReplaceAll(strings.ToLower(st), " ", "")
	return strings.Contains(st, "display:none") || strings.Contains(st, "visibility:hidden")
}

func htmlSpan(n *html.Node, key string, limit int) int {
	v, ok := htmlAttr(n, key)
	if !ok {
		return 1
	}
	k, err := strconv.Atoi(strings.TrimSpace(strings.TrimRight(strings.TrimSpace(v), ";")))
	if err != nil || k < 0 {
		return 1
	}
	if k == 0 {
		return 0 // rowspan=0: to the end of the section
	}
	return min(k, limit)
}

// htmlText returns the visible text of n, leaving out nested tables,
// scripts and styles; block elements and <br> break words.
func htmlText(n *html.Node) string {
	var b strings.Builder
	var rec func(n *html.Node, depth int)
	rec = func(n *html.Node, depth int) {
		if depth > htmlMaxDepth || b.Len() > 1<<16 {
			return
		}
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
			return
		case html.ElementNode:
			switch n.DataAtom {
			case atom.Table, atom.Script, atom.Style, atom.Head, atom.Title:
				return
			case atom.Br, atom.P, atom.Div, atom.Li, atom.Tr, atom.Td, atom.Th, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
				b.WriteByte(' ')
			}
			if htmlHidden(n) {
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			rec(c, depth+1)
		}
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.P, atom.Div, atom.Li:
				b.WriteByte(' ')
			}
		}
	}
	rec(n, 0)
	return NormaliseSpace(b.String())
}

// htmlTable lays out one table element, or returns nil for a layout table.
func htmlTable(tn *html.Node, budget *int) (*Table, error) {
	rows, inHead := htmlRows(tn)
	if len(rows) == 0 {
		return nil, nil
	}
	grid := make([][]Cell, len(rows))
	occupied := make([][]bool, len(rows))
	hasTh := make([]bool, len(rows))
	allTh := make([]bool, len(rows))
	width := 0
	ensure := func(r, w int) {
		for len(grid[r]) < w {
			grid[r] = append(grid[r], Cell{})
			occupied[r] = append(occupied[r], false)
		}
	}
	for i, tr := range rows {
		allTh[i] = true
		col := 0
		rowHidden := htmlHidden(tr)
		for td := tr.FirstChild; td != nil; td = td.NextSibling {
			if td.Type != html.ElementNode || (td.DataAtom != atom.Td && td.DataAtom != atom.Th) {
				continue
			}
			if td.DataAtom == atom.Th {
				hasTh[i] = true
			} else {
				allTh[i] = false
			}
			for col < len(occupied[i]) && occupied[i][col] {
				col++
			}
			cs := max(htmlSpan(td, "colspan", htmlMaxColSpan), 1)
			rs := htmlSpan(td, "rowspan", htmlMaxRowSpan)
			// rowspan=0 and spans past the section end stop at its end.
			end := len(rows)
			for k := i + 1; k < len(rows); k++ {
				if rows[k].Parent != tr.Parent {
					end = k
					break
				}
			}
			if rs == 0 || i+rs > end {
				rs = end - i
			}
			rs = max(rs, 1)
			*budget -= rs * cs
			if *budget < 0 {
				return nil, fmt.Errorf("%w: tables too large", ErrTooLarge)
			}
			text := htmlText(td)
			hidden := rowHidden || htmlHidden(td)
			for dr := 0; dr < rs; dr++ {
				ensure(i+dr, col+cs)
				for dc := 0; dc < cs; dc++ {
					c := &grid[i+dr][col+dc]
					occupied[i+dr][col+dc] = true
					c.Text = text
					c.Hidden = hidden
					if dr > 0 || dc > 0 {
						c.Covered = true
					}
				}
			}
			origin := &grid[i][col]
			if rs > 1 {
				origin.RowSpan = rs
			}
			if cs > 1 {
				origin.ColSpan = cs
			}
			col += cs
			width = max(width, col)
		}
		if rowHidden {
			for j := range grid[i] {
				grid[i][j].Hidden = true
			}
		}
		if !hasTh[i] {
			allTh[i] = false
		}
	}
	// Drop empty rows (a row of only covered or blank cells keeps its place
	// when a span covers it).
	nonEmpty := 0
	for i := range grid {
		ensure(i, width)
		for j := range grid[i] {
			grid[i][j].Ref = fmt.Sprintf("r%dc%d", i+1, j+1)
			if grid[i][j].Text != "" && !grid[i][j].Covered {
				nonEmpty++
			}
		}
	}
	if nonEmpty == 0 || width == 0 {
		return nil, nil
	}
	if nonEmpty == 1 && len(rows) == 1 {
		return nil, nil // a one-cell layout box
	}
	if width <= 2 && containsNestedTable(tn) && !hasDataValue(grid) {
		return nil, nil // a layout table: text beside or around other tables
	}
	t := &Table{Source: Source{Format: "html"}, Method: MethodHTML, Rows: grid}
	for i := range rows {
		if inHead[i] || allTh[i] {
			t.HeaderRows = i + 1
		} else {
			break
		}
	}
	if t.HeaderRows >= len(grid) {
		t.HeaderRows = 0
	}
	// Title: the caption, else the text just above.
	for c := tn.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.DataAtom == atom.Caption {
			t.Title = htmlText(c)
		}
	}
	if t.Title == "" {
		t.Title = htmlTextAbove(tn)
	}
	t.Notes = htmlNotesBelow(tn)
	if p := enclosingTable(tn); p != nil {
		t.Reasons = append(t.Reasons, "nested inside another table")
	}
	return t, nil
}

func enclosingTable(n *html.Node) *html.Node {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && p.DataAtom == atom.Table {
			return p
		}
	}
	return nil
}

func containsTable(n *html.Node) bool {
	if n.Type == html.ElementNode && n.DataAtom == atom.Table {
		return true
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if containsTable(c) {
			return true
		}
	}
	return false
}

// htmlTextAbove returns the nearest non-empty text before the table in
// document order within its container or the container's ancestors, unless
// another table comes first.
func htmlTextAbove(tn *html.Node) string {
	n := tn
	for hops := 0; n != nil && hops < 4; hops++ {
		for s := n.PrevSibling; s != nil; s = s.PrevSibling {
			if containsTable(s) {
				return ""
			}
			if txt := lastLineText(s); txt != "" {
				if len(txt) > 300 {
					return ""
				}
				return txt
			}
		}
		n = n.Parent
		if n == nil || n.Type != html.ElementNode || n.DataAtom == atom.Td || n.DataAtom == atom.Th || n.DataAtom == atom.Body {
			break
		}
	}
	return ""
}

// lastLineText returns the last line of text of a node: text after its last
// <br> or in its last block child.
func lastLineText(n *html.Node) string {
	if n.Type == html.TextNode {
		return NormaliseSpace(n.Data)
	}
	if n.Type != html.ElementNode {
		return ""
	}
	for c := n.LastChild; c != nil; c = c.PrevSibling {
		if c.Type == html.ElementNode && c.DataAtom == atom.Br {
			continue
		}
		if t := lastLineText(c); t != "" {
			if c.Type == html.ElementNode && isInline(c.DataAtom) || c.Type == html.TextNode {
				// Gather the inline run back to the previous <br> or block.
				var parts []string
				for d := c; d != nil; d = d.PrevSibling {
					if d.Type == html.ElementNode && (d.DataAtom == atom.Br || !isInline(d.DataAtom)) {
						break
					}
					if s := htmlText(d); s != "" {
						parts = append([]string{s}, parts...)
					} else if d.Type == html.TextNode {
						if s := NormaliseSpace(d.Data); s != "" {
							parts = append([]string{s}, parts...)
						}
					}
				}
				return NormaliseSpace(strings.Join(parts, " "))
			}
			return t
		}
	}
	return ""
}

func isInline(a atom.Atom) bool {
	switch a {
	case atom.B, atom.Strong, atom.I, atom.Em, atom.U, atom.Span, atom.A, atom.Font, atom.Small, atom.Sup, atom.Sub, atom.Code:
		return true
	}
	return false
}

// htmlNotesBelow returns note-like text blocks just after the table.
func htmlNotesBelow(tn *html.Node) []string {
	var notes []string
	for s := tn.NextSibling; s != nil && len(notes) < 8; s = s.NextSibling {
		if containsTable(s) {
			break
		}
		txt := htmlText(s)
		if s.Type == html.TextNode {
			txt = NormaliseSpace(s.Data)
		}
		if txt == "" {
			continue
		}
		if !isNoteText(txt) {
			break
		}
		notes = append(notes, txt)
	}
	return notes
}

// containsNestedTable reports whether a table holds another in a cell.
func containsNestedTable(tn *html.Node) bool {
	for c := tn.FirstChild; c != nil; c = c.NextSibling {
		if containsTable(c) {
			return true
		}
	}
	return false
}

func hasDataValue(grid [][]Cell) bool {
	for _, r := range grid {
		for j := range r {
			if isDataValue(&r[j]) {
				return true
			}
		}
	}
	return false
}
