package workflows

import "strings"

// MarkdownText makes text from mail, files or people safe to show in the
// Temporal Web UI, which renders summaries and details as Markdown: every
// character Markdown or HTML gives a meaning is escaped with a backslash,
// and line breaks become spaces, so "<img src=x onerror=…>.csv" shows as
// those characters and not as an image.
func MarkdownText(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for _, c := range s {
		switch {
		case c == '\r' || c == '\n' || c == '\t':
			b.WriteByte(' ')
		case c < 0x20 || c == 0x7f:
			// other control characters are dropped
		case strings.ContainsRune("\\`*_{}[]()<>#+-.!|~&\"'=:", c):
			b.WriteByte('\\')
			b.WriteRune(c)
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}
