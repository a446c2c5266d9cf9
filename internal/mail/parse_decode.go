package mail

import (
	"bytes"
	"fmt"
	"strings"
)

// decodeTransfer undoes a Content-Transfer-Encoding, leniently. At most
// limit bytes are returned; over reports that the decoded body is longer.
// The result never shares memory with body. problem describes damage that
// was worked around ("" if none).
func decodeTransfer(body []byte, cte string, limit int64) (out []byte, over bool, problem string) {
	cte = strings.ToLower(strings.Trim(strings.TrimSpace(cte), `"`))
	switch cte {
	case "base64":
		return decodeBase64(body, limit)
	case "quoted-printable":
		return decodeQP(body, limit)
	case "", "7bit", "8bit", "binary", "7-bit", "8-bit":
	default:
		problem = fmt.Sprintf("unknown transfer encoding %s: body kept as is", quoteShort([]byte(cte)))
	}
	if int64(len(body)) > limit {
		return bytes.Clone(body[:limit]), true, problem
	}
	return bytes.Clone(body), false, problem
}

// b64 maps base64 characters (standard and URL alphabets) to their values;
// 0xff marks other bytes.
var b64 = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	const std = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := 0; i < len(std); i++ {
		t[std[i]] = byte(i)
	}
	t['-'], t['_'] = 62, 63
	return t
}()

// decodeBase64 decodes base64 that may hold line breaks, stray characters,
// padding in the middle (concatenated encodings) or a truncated end.
func decodeBase64(src []byte, limit int64) ([]byte, bool, string) {
	dst := make([]byte, 0, min(int64(len(src)/4*3+3), limit+3))
	var q [4]byte
	n, bad := 0, 0
	truncated := false
	flush := func() {
		switch n {
		case 1:
			truncated = true
		case 2:
			dst = append(dst, q[0]<<2|q[1]>>4)
		case 3:
			dst = append(dst, q[0]<<2|q[1]>>4, q[1]<<4|q[2]>>2)
		}
		n = 0
	}
	for _, c := range src {
		v := b64[c]
		if v == 0xff {
			switch c {
			case '=':
				flush()
			case ' ', '\t', '\r', '\n', '\f', '\v':
			default:
				bad++
			}
			continue
		}
		q[n] = v
		n++
		if n == 4 {
			dst = append(dst, q[0]<<2|q[1]>>4, q[1]<<4|q[2]>>2, q[2]<<6|q[3])
			n = 0
			if int64(len(dst)) > limit {
				return dst[:limit], true, ""
			}
		}
	}
	flush()
	if int64(len(dst)) > limit {
		return dst[:limit], true, ""
	}
	var p []string
	if bad > 0 {
		p = append(p, fmt.Sprintf("invalid base64: %d stray bytes skipped", bad))
	}
	if truncated {
		p = append(p, "base64 ends in the middle of a byte")
	}
	return dst, false, strings.Join(p, "; ")
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// decodeQP decodes quoted-printable leniently: an "=" that starts no valid
// escape is kept as it is, and trailing white space is dropped from lines.
func decodeQP(src []byte, limit int64) ([]byte, bool, string) {
	dst := make([]byte, 0, min(int64(len(src)), limit+1))
	bad := 0
	for pos := 0; pos < len(src); {
		end := bytes.IndexByte(src[pos:], '\n')
		var line []byte
		hardBreak := end >= 0
		if end < 0 {
			line, pos = src[pos:], len(src)
		} else {
			line, pos = src[pos:pos+end], pos+end+1
		}
		line = bytes.TrimRight(line, " \t\r")
		soft := false
		for i := 0; i < len(line); i++ {
			c := line[i]
			if c != '=' {
				dst = append(dst, c)
				continue
			}
			if i == len(line)-1 {
				soft = true
				break
			}
			if i+2 < len(line) {
				if h, ok := unhex(line[i+1]); ok {
					if l, ok := unhex(line[i+2]); ok {
						dst = append(dst, h<<4|l)
						i += 2
						continue
					}
				}
			}
			bad++
			dst = append(dst, '=')
		}
		if hardBreak && !soft {
			dst = append(dst, '\r', '\n')
		}
		if int64(len(dst)) > limit {
			return dst[:limit], true, ""
		}
	}
	if bad > 0 {
		return dst, false, fmt.Sprintf("invalid quoted-printable: %d bare '=' kept", bad)
	}
	return dst, false, ""
}
