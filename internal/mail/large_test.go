package mail_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"testing"

	"github.com/foidesk/foidesk/internal/dbtest"
	"github.com/foidesk/foidesk/internal/mail"
)

// A reply with a 25 MB attachment is synced whole, stored once and parsed
// back to the same bytes.
func TestLargeAttachmentSyncsAndParses(t *testing.T) {
	srv, o := memServer(t)
	st := dbtest.DB(t)
	payload := make([]byte, 25<<20)
	if _, err := rand.Read(payload); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: foi@durham.police.uk\r\nTo: desk@foidesk.test\r\nSubject: RE: FOI [FOI cro-2026/durham]\r\n"+
		"Message-ID: <big-1@durham.police.uk>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"+
		"--b\r\nContent-Type: text/plain\r\n\r\nPlease find the data attached.\r\n--b\r\n"+
		"Content-Type: application/pdf; name=big.pdf\r\nContent-Disposition: attachment; filename=big.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	enc := base64.StdEncoding.EncodeToString(payload)
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n--b--\r\n")
	if err := srv.Deliver("INBOX", b.Bytes()); err != nil {
		t.Fatal(err)
	}
	s := mail.NewSyncer(o, st)
	defer s.Close()
	res, err := s.Sync(context.Background())
	if err != nil || len(res.Stored) != 1 {
		t.Fatalf("sync: %+v, %v", res, err)
	}
	m, err := st.InboundMessage(context.Background(), res.Stored[0])
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mail.Parse(m.Raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(msg.Attachments) != 1 || sha256.Sum256(msg.Attachments[0].Data) != sha256.Sum256(payload) {
		t.Fatalf("attachment not recovered intact: %d attachments", len(msg.Attachments))
	}
}
