package workflows

import (
	"fmt"
	"strings"
)

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

// The summaries below are the one line the Temporal Web UI shows for each
// workflow. Each puts every name, title or file name through MarkdownText;
// the rest is foidesk's own words and numbers.

// CampaignRunSummary names a campaign run: "Title 2025".
func CampaignRunSummary(title string, year int) string {
	return fmt.Sprintf("%s %d", MarkdownText(title), year)
}

// yearlyRunSummary names a scheduled year's run: "Title 2025 (period)".
func yearlyRunSummary(title string, year int, period string) string {
	return fmt.Sprintf("%s %d (%s)", MarkdownText(title), year, MarkdownText(period))
}

// requestRunSummary names one force's request: "Force — Title 2025".
func requestRunSummary(force, title string, year int) string {
	return fmt.Sprintf("%s — %s %d", MarkdownText(force), MarkdownText(title), year)
}

// documentRunSummary names one attachment's workflow: "Force — file.csv".
func documentRunSummary(force, filename string) string {
	return MarkdownText(force) + " — " + MarkdownText(filename)
}

// RerunSummary names a document's run started again: "rerun: file.csv".
func RerunSummary(filename string) string { return "rerun: " + MarkdownText(filename) }
