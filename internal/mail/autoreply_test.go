package mail

import (
	"strings"
	"testing"
)

func TestDetectAutoReply(t *testing.T) {
	tests := []struct {
		name    string
		header  string
		subject string
		text    string
		auto    bool
		reason  string
	}{
		{"auto-submitted", "Auto-Submitted: auto-replied\n", "RE: x", "", true, "Auto-Submitted: auto-replied"},
		{"auto-generated with params", "Auto-Submitted: auto-generated; owner-email=a@b\n", "x", "", true, "Auto-Submitted: auto-generated"},
		{"auto-submitted no", "Auto-Submitted: no\n", "RE: Freedom of Information request", "", false, ""},
		{"x-autoreply", "X-Autoreply: yes\n", "x", "", true, "X-Autoreply: yes"},
		{"x-autorespond", "X-Autorespond: 1\n", "x", "", true, "X-Autorespond: 1"},
		{"precedence auto_reply", "Precedence: auto_reply\n", "x", "", true, "Precedence: auto_reply"},
		{"precedence bulk with OOO", "Precedence: bulk\n", "Re: FOI", "I am on annual leave until Monday.", true, "Precedence: bulk with out-of-office wording"},
		{"precedence bulk alone", "Precedence: bulk\n", "Newsletter", "Our latest disclosure log entries.", false, ""},
		{"subject automatic reply", "", "Automatic reply: Freedom of Information request", "", true, "subject: Automatic reply"},
		{"subject out of office", "", "Out of Office: RE: FOI 1234", "", true, "subject: Out of Office"},
		{"subject autoreply", "", "AutoReply: FOI", "", true, "subject: AutoReply"},
		{"ordinary reply", "", "RE: Freedom of Information request - Community resolutions", "Please find attached.", false, ""},
		// A reply quoting an out-of-office phrase is not an auto reply.
		{"phrase without header", "", "RE: FOI", "I was out of the office last week, sorry for the delay.", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, _, _ := readHeader([]byte("Subject: " + tt.subject + "\n" + tt.header + "\n"))
			auto, reason := detectAutoReply(h, tt.subject, tt.text)
			if auto != tt.auto || !strings.EqualFold(reason, tt.reason) {
				t.Errorf("got %v %q, want %v %q", auto, reason, tt.auto, tt.reason)
			}
		})
	}
}
