package mail

import (
	"testing"
)

func TestBounces(t *testing.T) {
	ours := requestID("essex")
	tests := []struct {
		name string
		raw  string
		want *Bounce
	}{
		{"delayed DSN with the returned message", entity([]string{
			"From: postmaster@relay.example",
			"To: foi@foidesk.example",
			"Subject: Delivery Status Notification (Delay)",
			`Content-Type: multipart/report; report-type="delivery-status"; boundary=r`,
		}, multipartBody("r",
			textPart("us-ascii", "7bit", "Delivery is delayed.\r\n"),
			entity([]string{"Content-Type: message/delivery-status"},
				"Reporting-MTA: dns; relay.example\r\n\r\nFinal-Recipient: rfc822; <foi@essex.police.example>\r\nAction: delayed\r\nStatus: 4.4.7\r\n"),
			entity([]string{"Content-Type: message/rfc822"},
				"Message-ID: <"+ours+">\r\nSubject: FOI\r\n\r\nBody\r\n"))),
			&Bounce{Recipient: "foi@essex.police.example", Status: "4.4.7", Action: "delayed", OriginalMessageID: ours}},
		{"DSN without per-message block", entity([]string{
			"From: MAILER-DAEMON@x.example",
			`Content-Type: multipart/report; report-type=delivery-status; boundary=r`,
		}, multipartBody("r",
			textPart("us-ascii", "7bit", "Failed.\r\n"),
			entity([]string{"Content-Type: message/delivery-status"},
				"Final-Recipient: rfc822;a@b.example\r\nAction: failed\r\nStatus: 5.2.2 (mailbox full)\r\n"))),
			&Bounce{Recipient: "a@b.example", Status: "5.2.2", Action: "failed"}},
		{"exchange NDR text", entity([]string{
			"From: Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@police.example>",
			"Subject: Undeliverable: Freedom of Information request",
			"Content-Type: text/plain",
		}, "Delivery has failed to these recipients or groups:\r\n\r\nfoi@essex.police.example\r\nThe email address you entered couldn't be found.\r\n\r\n"+
			"Diagnostic information for administrators:\r\nRemote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; not found'\r\n\r\n"+
			"Original message headers:\r\n\r\nReceived: from x\r\nMessage-ID: <"+ours+">\r\n"),
			&Bounce{Recipient: "foi@essex.police.example", Status: "5.1.10", Action: "failed", OriginalMessageID: ours}},
		{"reply mentioning delivery", entity([]string{
			"From: foi@essex.police.example",
			"Subject: RE: Freedom of Information request",
		}, "The delivery of information will take 20 working days. 550 pages.\r\n"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse([]byte(tt.raw), nil)
			if err != nil {
				t.Fatal(err)
			}
			got := m.Bounce
			if (got == nil) != (tt.want == nil) {
				t.Fatalf("bounce %+v, want %+v", got, tt.want)
			}
			if got == nil {
				return
			}
			if got.Recipient != tt.want.Recipient || got.Status != tt.want.Status || got.Action != tt.want.Action ||
				got.OriginalMessageID != tt.want.OriginalMessageID {
				t.Errorf("bounce %+v, want %+v", got, tt.want)
			}
			if got.Permanent() != (tt.want.Action == "failed") {
				t.Errorf("Permanent() = %v", got.Permanent())
			}
		})
	}
}
