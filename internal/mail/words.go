package mail

import (
	"mime"

	"github.com/emersion/go-message/charset"
)

// mimeWordDecoder decodes RFC 2047 words in any charset go-message knows.
func mimeWordDecoder() *mime.WordDecoder {
	return &mime.WordDecoder{CharsetReader: charset.Reader}
}
