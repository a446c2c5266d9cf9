package mail

import (
	"bytes"
	"encoding/base64"
	"math/rand/v2"
	"mime/quotedprintable"
	"strings"
	"testing"
)

func TestDecodeBase64(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	data := make([]byte, 10000)
	for i := range data {
		data[i] = byte(rng.IntN(256))
	}
	enc := b64Body(data)
	got, over, prob := decodeBase64([]byte(enc), 1<<20)
	if !bytes.Equal(got, data) || over || prob != "" {
		t.Fatalf("round trip: %d bytes, over %v, %q", len(got), over, prob)
	}
	tests := []struct {
		in, want string
		problem  bool
	}{
		{"UmVwbHk=", "Reply", false},
		{"UmVw\r\nbHk=\r\n", "Reply", false},
		{"UmVwbHk", "Reply", false},               // padding missing
		{"UmVwbHk=UmVwbHk=", "ReplyReply", false}, // concatenated encodings
		{"Um*VwbH!k=", "Reply", true},             // stray bytes
		{"UmVwbHkx\r\nU", "Reply1", true},         // ends inside a byte
		{"UmVw_-==", "Rep\xff", false},            // URL alphabet
	}
	for _, tt := range tests {
		got, _, prob := decodeBase64([]byte(tt.in), 100)
		if string(got) != tt.want || (prob != "") != tt.problem {
			t.Errorf("decodeBase64(%q) = %q, %q", tt.in, got, prob)
		}
	}
	// The limit stops decoding.
	got, over, _ = decodeBase64([]byte(base64.StdEncoding.EncodeToString(make([]byte, 3000))), 1000)
	if !over || len(got) != 1000 {
		t.Errorf("limit: %d bytes, over %v", len(got), over)
	}
}

func TestDecodeQP(t *testing.T) {
	text := "£450 – “the cost limit”   \r\nline with trailing spaces   \r\n" + strings.Repeat("long line ", 30) + "\r\n=equals=\r\n"
	var b bytes.Buffer
	w := quotedprintable.NewWriter(&b)
	w.Write([]byte(text))
	w.Close()
	got, over, prob := decodeQP(b.Bytes(), 1<<20)
	if string(got) != text || over || prob != "" {
		t.Fatalf("round trip:\n got %q\nwant %q\n%q", got, text, prob)
	}
	tests := []struct {
		in, want string
		problem  bool
	}{
		{"caf=C3=A9", "café", false},
		{"caf=c3=a9", "café", false},
		{"soft=\r\nbreak", "softbreak", false},
		{"soft=\nbreak", "softbreak", false},
		{"trailing   \r\nx", "trailing\r\nx", false},
		{"100% = 1=ZZ", "100% = 1=ZZ", true},
		{"end=", "end", false},
	}
	for _, tt := range tests {
		got, _, prob := decodeQP([]byte(tt.in), 100)
		if string(got) != tt.want || (prob != "") != tt.problem {
			t.Errorf("decodeQP(%q) = %q, %q", tt.in, got, prob)
		}
	}
}

func TestDecodeTransfer(t *testing.T) {
	body := []byte("plain")
	got, _, prob := decodeTransfer(body, "8bit", 100)
	if string(got) != "plain" || prob != "" {
		t.Errorf("8bit: %q %q", got, prob)
	}
	got[0] = 'X'
	if body[0] != 'p' {
		t.Error("result shares memory with the input")
	}
	if _, _, prob := decodeTransfer(body, "x-uuencode", 100); !strings.Contains(prob, "unknown transfer encoding") {
		t.Errorf("unknown encoding: %q", prob)
	}
	if got, over, _ := decodeTransfer(body, "binary", 3); !over || len(got) != 3 {
		t.Errorf("limit: %q %v", got, over)
	}
}

func TestSplitMultipart(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		parts  []string
		closed bool
	}{
		{"basic", "preamble\r\n--b\r\none\r\n--b\r\ntwo\r\n--b--\r\nepilogue", []string{"one", "two"}, true},
		{"lf", "--b\none\n--b--\n", []string{"one"}, true},
		{"padding after delimiter", "--b  \r\none\r\n--b--\t\r\n", []string{"one"}, true},
		{"prefix boundary is not ours", "--b\r\n--b-inner\r\nx\r\n--b--\r\n", []string{"--b-inner\r\nx"}, true},
		{"not at line start", "--b\r\nsee --b here\r\n--b--", []string{"see --b here"}, true},
		{"missing close", "--b\r\none\r\n--b\r\ntwo cut", []string{"one", "two cut"}, false},
		{"no delimiter", "nothing here", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts, closed := splitMultipart([]byte(tt.body), "b")
			var got []string
			for _, p := range parts {
				got = append(got, string(p))
			}
			if strings.Join(got, "|") != strings.Join(tt.parts, "|") || closed != tt.closed {
				t.Errorf("parts %q closed %v, want %q %v", got, closed, tt.parts, tt.closed)
			}
		})
	}
}
