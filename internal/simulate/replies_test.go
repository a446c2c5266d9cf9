package simulate

import (
	"testing"
	"time"

	"github.com/foidesk/foidesk/internal/classify"
	"github.com/foidesk/foidesk/internal/mail"
)

// The replies the simulator writes are read by the real MIME parser and
// classifier as what they are, with the force's reference.
func TestRepliesClassify(t *testing.T) {
	received := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	for _, k := range []Kind{KindAck, KindClarification, KindExtension, KindRefusalS12, KindRefusalS40, KindNotHeld, KindResponse, KindPartial} {
		e := email{From: "FOI Unit <foi@durham.police.uk>", To: "desk@foidesk.test", Subject: "RE: Freedom of Information request [FOI cro-2026/durham]",
			MessageID: "x@durham.police.uk", Date: received, Text: letter(k, "FOI/01234/26", received, received.AddDate(0, 1, 0))}
		m, err := mail.Parse(e.raw(), nil)
		if err != nil {
			t.Fatal(err)
		}
		res := classify.Classify(&classify.Input{Subject: m.Subject, From: m.From.Address, Body: m.Text, Force: "durham"}, nil)
		if string(res.Kind) != k.Expect() {
			t.Errorf("%s classified %s: %+v", k, res.Kind, res.Evidence)
		}
		if res.Reference != "FOI/01234/26" {
			t.Errorf("%s: reference %q", k, res.Reference)
		}
		if k == KindExtension && res.Due != "2026-04-02" {
			t.Errorf("extension due %q, want 2026-04-02", res.Due)
		}
	}
}
