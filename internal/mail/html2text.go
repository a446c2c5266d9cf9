package mail

import (
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// HTMLToText renders an HTML document or fragment as plain text: block
// elements start new lines, paragraphs are separated by a blank line, list
// items start with "- ", links keep their address as "text <url>", and
// each row of a data table becomes one line of tab-separated cells
// (cells spanning several columns are followed by empty cells, so columns
// stay aligned). Tables used for layout (a single column, or cells holding
// tables) are rendered as blocks. Scripts, styles and images are dropped.
func HTMLToText(src string) (out string) {
	defer func() {
		if r := recover(); r != nil {
			out = ""
		}
	}()
	doc, err := html.Parse(strings.NewReader(src))
	if err != nil {
		// Markup the parser refuses (nesting past its limit): keep the
		// text of the tokens.
		return tokenText(src)
	}
	w := &textWriter{}
	w.node(doc)
	return w.String()
}

// textWriter accumulates text, collapsing white space outside <pre> and
// turning block boundaries into at most one blank line.
type textWriter struct {
	b       strings.Builder
	space   bool // white space pending between words
	breaks  int  // line breaks pending before the next text
	started bool // some text was written
	pre     int  // depth of <pre>
	listN   []int
}

func (w *textWriter) String() string {
	lines := strings.Split(w.b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// block asks for n line breaks (1: new line, 2: blank line) before the
// next text.
func (w *textWriter) block(n int) {
	if w.started && n > w.breaks {
		w.breaks = n
	}
	w.space = false
}

// br is a forced line break: consecutive <br> make blank lines.
func (w *textWriter) br() {
	if w.started {
		w.breaks++
		if w.breaks > 2 {
			w.breaks = 2
		}
	}
	w.space = false
}

func (w *textWriter) flush() {
	if w.breaks > 0 {
		w.b.WriteString(strings.Repeat("\n", w.breaks))
		w.breaks = 0
		w.space = false
	} else if w.space && w.started {
		w.b.WriteByte(' ')
	}
	w.space = false
}

func (w *textWriter) text(s string) {
	s = strings.ReplaceAll(s, "\u00a0", " ")
	if w.pre > 0 {
		if s == "" {
			return
		}
		w.flush()
		w.b.WriteString(strings.ReplaceAll(s, "\r\n", "\n"))
		w.started = true
		return
	}
	lead := len(s) > 0 && isSpace(s[0])
	trail := len(s) > 0 && isSpace(s[len(s)-1])
	words := strings.Fields(s)
	if len(words) == 0 {
		if len(s) > 0 {
			w.space = true
		}
		return
	}
	if lead {
		w.space = true
	}
	w.flush()
	w.b.WriteString(strings.Join(words, " "))
	w.started = true
	w.space = trail
}

// raw writes s as it is, after pending breaks.
func (w *textWriter) raw(s string) {
	w.flush()
	w.b.WriteString(s)
	w.started = true
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func (w *textWriter) children(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.node(c)
	}
}

func (w *textWriter) node(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		w.text(n.Data)
		return
	case html.DocumentNode:
		w.children(n)
		return
	case html.ElementNode:
	default:
		return
	}
	switch n.DataAtom {
	case atom.Head, atom.Script, atom.Style, atom.Title, atom.Noscript, atom.Template, atom.Img,
		atom.Object, atom.Iframe, atom.Svg, atom.Button, atom.Select, atom.Textarea, atom.Input:
		return
	case atom.Br:
		w.br()
		return
	case atom.Hr:
		w.block(2)
		return
	case atom.Table:
		w.table(n)
		return
	case atom.Pre:
		w.block(2)
		w.pre++
		w.children(n)
		w.pre--
		w.block(2)
		return
	case atom.Ul, atom.Ol:
		w.block(1)
		if n.DataAtom == atom.Ol {
			w.listN = append(w.listN, 1)
		} else {
			w.listN = append(w.listN, 0)
		}
		w.children(n)
		w.listN = w.listN[:len(w.listN)-1]
		w.block(1)
		return
	case atom.Li:
		w.block(1)
		prefix := "- "
		if k := len(w.listN); k > 0 && w.listN[k-1] > 0 {
			prefix = strconv.Itoa(w.listN[k-1]) + ". "
			w.listN[k-1]++
		}
		if k := len(w.listN); k > 1 {
			prefix = strings.Repeat("  ", k-1) + prefix
		}
		w.raw(prefix)
		w.children(n)
		w.block(1)
		return
	case atom.A:
		href := strings.TrimSpace(attr(n, "href"))
		start := w.b.Len()
		w.children(n)
		// Links around images only (rating buttons, logos) give no text.
		text := w.b.String()[start:]
		if (strings.HasPrefix(href, "http://") || strings.HasPrefix(href, "https://")) &&
			strings.TrimSpace(text) != "" && !strings.Contains(text, href) && !strings.ContainsAny(href, "<> ") {
			w.text(" ")
			w.raw("<" + href + ">")
		}
		return
	}
	switch n.DataAtom {
	case atom.P:
		// Outlook writes each line as <p class=MsoNormal>: lines, not
		// paragraphs.
		gap := 2
		if strings.HasPrefix(strings.ToLower(attr(n, "class")), "mso") {
			gap = 1
		}
		w.block(gap)
		w.children(n)
		w.block(gap)
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Blockquote, atom.Dl, atom.Figure:
		w.block(2)
		w.children(n)
		w.block(2)
	case atom.Div, atom.Section, atom.Article, atom.Header, atom.Footer, atom.Address, atom.Dt, atom.Dd,
		atom.Caption, atom.Form, atom.Fieldset, atom.Legend, atom.Center, atom.Main, atom.Nav, atom.Aside,
		atom.Tr, atom.Body, atom.Html:
		w.block(1)
		w.children(n)
		w.block(1)
	case atom.Td, atom.Th:
		w.children(n)
		w.text(" ")
	default:
		w.children(n)
	}
}

// table renders a table: a data table as tab-separated rows, a layout
// table as blocks.
func (w *textWriter) table(t *html.Node) {
	rows := tableRows(t)
	cols, nested := 0, false
	for _, r := range rows {
		n := 0
		for _, c := range r {
			n += span(c)
			if hasDescendant(c, atom.Table) {
				nested = true
			}
		}
		cols = max(cols, n)
	}
	if cols < 2 || nested {
		w.block(1)
		for _, r := range rows {
			for _, c := range r {
				w.block(1)
				w.children(c)
				w.block(1)
			}
		}
		w.block(1)
		return
	}
	w.block(2)
	if capt := firstChild(t, atom.Caption); capt != nil {
		w.raw(cellText(capt))
		w.block(1)
	}
	for _, r := range rows {
		cells := make([]string, 0, cols)
		for _, c := range r {
			cells = append(cells, cellText(c))
			for i := 1; i < span(c); i++ {
				cells = append(cells, "")
			}
		}
		line := strings.TrimRight(strings.Join(cells, "\t"), "\t")
		if strings.TrimSpace(line) == "" {
			continue
		}
		w.raw(line)
		w.block(1)
	}
	w.block(2)
}

// tableRows returns the cells of each row of a table, not of tables
// nested in it.
func tableRows(t *html.Node) [][]*html.Node {
	var rows [][]*html.Node
	var visit func(n *html.Node)
	visit = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch c.DataAtom {
			case atom.Thead, atom.Tbody, atom.Tfoot:
				visit(c)
			case atom.Tr:
				var cells []*html.Node
				for d := c.FirstChild; d != nil; d = d.NextSibling {
					if d.Type == html.ElementNode && (d.DataAtom == atom.Td || d.DataAtom == atom.Th) {
						cells = append(cells, d)
					}
				}
				rows = append(rows, cells)
			}
		}
	}
	visit(t)
	return rows
}

func span(c *html.Node) int {
	n, err := strconv.Atoi(strings.TrimSpace(attr(c, "colspan")))
	if err != nil || n < 1 {
		return 1
	}
	return min(n, 100)
}

func hasDescendant(n *html.Node, a atom.Atom) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && (c.DataAtom == a || hasDescendant(c, a)) {
			return true
		}
	}
	return false
}

func firstChild(n *html.Node, a atom.Atom) *html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.DataAtom == a {
			return c
		}
	}
	return nil
}

// cellText is a cell's text on one line.
func cellText(c *html.Node) string {
	sub := &textWriter{}
	sub.children(c)
	return strings.Join(strings.Fields(strings.ReplaceAll(sub.String(), "\t", " ")), " ")
}

// tokenText is the text of an HTML document read token by token, with
// line breaks at block elements: the fallback for markup html.Parse
// rejects.
func tokenText(src string) string {
	w := &textWriter{}
	z := html.NewTokenizer(strings.NewReader(src))
	skip := 0
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return w.String()
		case html.TextToken:
			if skip == 0 {
				w.text(string(z.Text()))
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch a {
			case atom.Script, atom.Style, atom.Head, atom.Title:
				if tt == html.StartTagToken {
					skip++
				} else if skip > 0 {
					skip--
				}
			case atom.Br:
				w.br()
			case atom.P, atom.Div, atom.Tr, atom.Li, atom.Table, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
				w.block(1)
			case atom.Td, atom.Th:
				w.text(" ")
			}
		}
	}
}
