package workflows

import (
	"regexp"
	"strings"
	"testing"
)

var escaped = regexp.MustCompile(`\\.`)

func TestMarkdownText(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Durham Constabulary", "Durham Constabulary"},
		{`<img src=x onerror=alert(1)>.csv`, `\<img src\=x onerror\=alert\(1\)\>\.csv`},
		{"[Click](http://evil.example)", `\[Click\]\(http\:\/\/evil\.example\)`},
		{"two\nlines\r\n# heading", `two lines  \# heading`},
		{"bell\x07", "bell"},
	} {
		got := MarkdownText(tt.in)
		if strings.Contains(tt.want, "/") {
			tt.want = strings.ReplaceAll(tt.want, `\/`, "/")
		}
		if got != tt.want {
			t.Errorf("MarkdownText(%q) = %q, want %q", tt.in, got, tt.want)
		}
		// With every escaped character taken out, no markup is left.
		bare := escaped.ReplaceAllString(got, "")
		if strings.ContainsAny(bare, "<>[]()\n`*_#") {
			t.Errorf("MarkdownText(%q) = %q leaves markup unescaped: %q", tt.in, got, bare)
		}
	}
}
