package mail

import (
	"strings"

	"github.com/emersion/go-message/textproto"

	"github.com/foidesk/foidesk/internal/lazyre"
)

var (
	autoSubject = lazyre.New(`(?i)^(automatic reply|auto[- ]?reply|auto[- ]?response|automated (reply|response)|` +
		`autosvar|automatische antwort|réponse automatique|out of (the )?office\b)`)
	oooWords = lazyre.New(`(?i)\b(out of (the )?office|on (annual )?leave|away from (the |my )?(office|desk)|` +
		`currently away|limited access to (my )?e-?mail|will respond (to your (e-?mail|message) )?(up)?on my return|` +
		`return(ing)? to the office on|back in the office on)\b`)
)

// detectAutoReply says whether a message was sent automatically, and
// which signal said so: an Auto-Submitted field other than "no" (RFC
// 3834), X-Autoreply or X-Autorespond, Precedence auto_reply, Precedence
// bulk or junk with out-of-office wording, or an automatic-reply subject
// ("Automatic reply:", "Out of Office").
func detectAutoReply(h textproto.Header, subject, text string) (bool, string) {
	if v := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))); v != "" {
		if kw, _, _ := strings.Cut(v, ";"); strings.TrimSpace(kw) != "no" {
			return true, "Auto-Submitted: " + strings.TrimSpace(kw)
		}
	}
	for _, k := range []string{"X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Auto-Reply"} {
		if v := strings.ToLower(strings.TrimSpace(h.Get(k))); v != "" && v != "no" && v != "false" {
			return true, k + ": " + v
		}
	}
	prec := strings.ToLower(strings.TrimSpace(h.Get("Precedence")))
	if prec == "" {
		prec = strings.ToLower(strings.TrimSpace(h.Get("X-Precedence")))
	}
	switch prec {
	case "auto_reply", "auto-reply", "autoreply":
		return true, "Precedence: " + prec
	case "bulk", "junk", "list":
		if oooWords.MatchString(subject) || oooWords.MatchString(head(text, 2000)) {
			return true, "Precedence: " + prec + " with out-of-office wording"
		}
	}
	if s := strings.TrimSpace(subject); autoSubject.MatchString(s) {
		return true, "subject: " + autoSubject.FindString(s)
	}
	return false, ""
}

func head(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
