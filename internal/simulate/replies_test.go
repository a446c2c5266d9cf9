package simulate

import (
	"context"
	"testing"
	"time"

	"github.com/foidesk/foidesk/activities"
	"github.com/foidesk/foidesk/internal/classify"
	"github.com/foidesk/foidesk/internal/mail"
	"github.com/foidesk/foidesk/internal/pdfwrite"
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

// Police Scotland (FOISA 2002) and PSNI write in their own voice and
// reference formats; their letters are read as what they are, or sent to a
// person, never confidently misread.
func TestScottishAndNorthernIrishLetters(t *testing.T) {
	received := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		force, ref string
		kinds      []Kind
	}{
		{"police-scotland", reference("police-scotland", 1234, 2026), []Kind{KindAck, KindNotHeld, KindResponse}},
		{"psni", reference("psni", 875, 2026), []Kind{KindAck, KindPartial, KindResponse}},
	} {
		for _, k := range tt.kinds {
			text := letterFrom(tt.force, k, tt.ref, received, received.AddDate(0, 1, 0))
			if text == letter(k, tt.ref, received, received.AddDate(0, 1, 0)) {
				t.Errorf("%s %s: written as an English force writes", tt.force, k)
			}
			res := classify.Classify(&classify.Input{Subject: "RE: Freedom of Information request", Body: text, Force: tt.force}, nil)
			need, _ := res.NeedsPerson(true)
			if string(res.Kind) != k.Expect() && !need {
				t.Errorf("%s %s confidently read as %s (%.2f)", tt.force, k, res.Kind, res.Confidence)
			}
			if res.Reference != tt.ref {
				t.Errorf("%s %s: reference %q, want %q", tt.force, k, res.Reference, tt.ref)
			}
			t.Logf("%s %s → %s %.2f (to a person: %v)", tt.force, k, res.Kind, res.Confidence, need)
		}
	}
	if got := reference("police-scotland", 1234, 2026); got != "IM-FOI-2026-1234" {
		t.Errorf("Scottish reference %q", got)
	}
	if got := reference("durham", 1234, 2026); got != "FOI/02234/26" {
		t.Errorf("English reference %q", got)
	}
}

// A force that puts its decision in a PDF letter under a covering line
// sends a message that the inbox reads, letter and all, as the decision it
// is, with the letter's reference, confidently enough to act on.
func TestLetterAttachedUnderACoveringLine(t *testing.T) {
	received := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	for _, k := range []Kind{KindRefusalS12, KindRefusalS40, KindNotHeld} {
		text := letter(k, "FOI/01234/26", received, received.AddDate(0, 1, 0))
		e := email{From: "FOI Unit <foi@durham.police.uk>", To: "desk@foidesk.test", Subject: "RE: Freedom of Information request [FOI cro-2026/durham]",
			MessageID: "x@durham.police.uk", Date: received, Text: letter(KindCovering, "FOI/01234/26", received, received),
			Attachment: &Attachment{Filename: "FOI response.pdf", ContentType: "application/pdf", Data: pdfwrite.Letter(wrapText(text, 90))}}
		m, err := mail.Parse(e.raw(), nil)
		if err != nil {
			t.Fatal(err)
		}
		letters := activities.ReadLetters(context.Background(), m)
		if len(letters) != 1 || letters[0].Unread != "" {
			t.Fatalf("%s: letters %+v, want one read", k, letters)
		}
		res := classify.Classify(&classify.Input{Subject: m.Subject, From: m.From.Address, Body: m.Text, Force: "durham", Letters: letters}, nil)
		if string(res.Kind) != k.Expect() || res.Reference != "FOI/01234/26" {
			t.Errorf("%s read as %s, reference %q: %+v", k, res.Kind, res.Reference, res.Evidence)
		}
		body := classify.Classify(&classify.Input{Subject: m.Subject, From: m.From.Address, Body: m.Text, Force: "durham"}, nil)
		if string(body.Kind) == k.Expect() {
			t.Errorf("%s: the covering line alone already reads as %s; the test shows nothing", k, body.Kind)
		}
	}
}
