package mail

import (
	"bytes"
	"mime/quotedprintable"
	"strings"
)

// writeQuotedPrintable encodes text with CRLF line ends.
func writeQuotedPrintable(b *bytes.Buffer, text string) error {
	w := quotedprintable.NewWriter(b)
	text = strings.ReplaceAll(text, "\r\n", "\n")
	if _, err := w.Write([]byte(strings.ReplaceAll(text, "\n", "\r\n"))); err != nil {
		return err
	}
	return w.Close()
}
