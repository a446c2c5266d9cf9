package mail

import (
	"strings"

	"github.com/foidesk/foidesk/internal/lazyre"
)

// Bounce is a report that a message could not be delivered (or was
// delayed): a delivery status notification (RFC 3464) or a mail server's
// plain-text bounce.
type Bounce struct {
	// Recipient is the address that could not be reached.
	Recipient string
	// Status is the enhanced status code (RFC 3463), such as "5.1.1".
	Status string
	// Action is "failed", "delayed", "delivered", "relayed" or "expanded".
	Action string
	// Diagnostic is the remote server's explanation, such as
	// "550 5.1.1 <foi@example.police.uk>: Recipient address rejected".
	Diagnostic string
	// OriginalMessageID is the Message-ID of the message that bounced,
	// without angle brackets, from the returned message or its header.
	OriginalMessageID string
}

// Permanent reports whether delivery failed for good; a delayed message
// may still arrive.
func (b *Bounce) Permanent() bool {
	switch b.Action {
	case "failed":
		return true
	case "delayed", "delivered", "relayed", "expanded":
		return false
	}
	return strings.HasPrefix(b.Status, "5")
}

// dsnBlock is one group of fields of a delivery-status part.
type dsnBlock map[string]string

// deliveryStatus reads a message/delivery-status part: one block of
// per-message fields, then a block per recipient.
func (p *parser) deliveryStatus(data []byte, st walkState) {
	first := true
	for rest := data; len(rest) > 0; {
		h, body, _ := readHeader(rest)
		if h.Len() > 0 {
			b := dsnBlock{}
			fields := h.Fields()
			for fields.Next() {
				k := strings.ToLower(fields.Key())
				if _, dup := b[k]; !dup {
					b[k] = strings.TrimSpace(to8BitUTF8(fields.Value()))
				}
			}
			if first {
				st.info.dsnMessage = b
				first = false
			} else {
				st.info.dsn = append(st.info.dsn, b)
			}
		}
		if len(body) >= len(rest) {
			break
		}
		rest = body
	}
	if len(st.info.dsn) == 0 && st.info.dsnMessage != nil && st.info.dsnMessage["final-recipient"] != "" {
		// Per-message block missing: the only block is a recipient's.
		st.info.dsn = append(st.info.dsn, st.info.dsnMessage)
		st.info.dsnMessage = nil
	}
}

// typedValue strips the type of a DSN field value: "rfc822; a@b" → "a@b".
func typedValue(v string) string {
	if _, after, ok := strings.Cut(v, ";"); ok {
		v = after
	}
	return strings.Trim(strings.TrimSpace(v), "<>")
}

var (
	enhancedStatus = lazyre.New(`\b([245])\.(\d{1,3})\.(\d{1,3})\b`)
	smtpReply      = lazyre.New(`\b([45]\d\d)[ -]+(?:#?([45]\.\d{1,3}\.\d{1,3}))?`)
	bodyMessageID  = lazyre.New(`(?im)^[ \t>]*Message-Id:[ \t]*<([^<>\s]+)>`)
	addrInText     = lazyre.New(`<?([A-Za-z0-9._%+'=-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})>?`)
	bounceSubject  = lazyre.New(`(?i)^(undeliver(able|ed)|delivery status notification \((failure|delay)\)|` +
		`mail delivery (failed|failure|subsystem)|delivery (failure|has failed|failed|notification)|` +
		`returned mail|failure notice|mail system error|non[- ]?delivery|message not delivered|` +
		`undelivered mail returned to sender|warning: could not send message|delayed mail|` +
		`mail could not be delivered)`)
	bounceSender = lazyre.New(`(?i)^(mailer-daemon|postmaster|mail-daemon|mailerdaemon|microsoftexchange[0-9a-f]*)@`)
	delayWords   = lazyre.New(`(?i)\b(delayed|will (be )?retr(y|ied)|not yet been delivered|temporar(y|ily))\b`)
)

// detectBounce builds the Bounce of a delivery report: from its
// delivery-status part, or from the text of a classic bounce.
func detectBounce(m *Message, info *messageInfo) *Bounce {
	if len(info.dsn) > 0 {
		var rcpt dsnBlock
		for _, b := range info.dsn {
			if a := strings.ToLower(b["action"]); a == "failed" || a == "delayed" {
				rcpt = b
				break
			}
		}
		if rcpt == nil {
			rcpt = info.dsn[0]
		}
		b := &Bounce{
			Recipient:  typedValue(firstNonEmpty(rcpt["final-recipient"], rcpt["original-recipient"])),
			Status:     strings.TrimSpace(rcpt["status"]),
			Action:     strings.ToLower(strings.TrimSpace(rcpt["action"])),
			Diagnostic: typedValue(rcpt["diagnostic-code"]),
		}
		if s := enhancedStatus.FindString(b.Status); s != "" {
			b.Status = s
		}
		b.OriginalMessageID = originalID(m, info)
		return b
	}
	if info.report {
		// A delivery report without a readable delivery-status part.
		return classicBounce(m, info)
	}
	if !bounceSubject.MatchString(m.Subject) && !bounceSender.MatchString(m.From.Address) {
		return nil
	}
	if !bounceSubject.MatchString(m.Subject) && !strings.Contains(strings.ToLower(m.Text), "deliver") {
		return nil
	}
	return classicBounce(m, info)
}

// classicBounce reads a plain-text bounce: the first status code, the
// first address that is not the sender's, and the returned Message-ID.
func classicBounce(m *Message, info *messageInfo) *Bounce {
	b := &Bounce{Action: "failed"}
	text := m.Text
	// The returned message's header, when quoted in the text, is not the
	// report: read the report part only.
	report := text
	if i := strings.Index(strings.ToLower(text), "\nreceived:"); i >= 0 {
		report = text[:i]
	}
	if mm := smtpReply.FindStringSubmatchIndex(report); mm != nil {
		line := lineAt(report, mm[0])
		b.Diagnostic = strings.TrimSpace(line)
		if mm[4] >= 0 {
			b.Status = report[mm[4]:mm[5]]
		}
	}
	if b.Status == "" {
		if s := enhancedStatus.FindString(report); s != "" {
			b.Status = s
			if b.Diagnostic == "" {
				b.Diagnostic = strings.TrimSpace(lineAt(report, strings.Index(report, s)))
			}
		}
	}
	for _, mm := range addrInText.FindAllStringSubmatch(report, -1) {
		a := mm[1]
		if strings.EqualFold(a, m.From.Address) || bounceSender.MatchString(a) {
			continue
		}
		b.Recipient = a
		break
	}
	if strings.HasPrefix(b.Status, "4") || (b.Status == "" && delayWords.MatchString(report)) {
		b.Action = "delayed"
	}
	b.OriginalMessageID = originalID(m, info)
	return b
}

func originalID(m *Message, info *messageInfo) string {
	for _, id := range info.originalIDs {
		if id != m.MessageID {
			return id
		}
	}
	for _, mm := range bodyMessageID.FindAllStringSubmatch(m.Text, -1) {
		if mm[1] != m.MessageID {
			return mm[1]
		}
	}
	return ""
}

func lineAt(s string, i int) string {
	start := strings.LastIndexByte(s[:i], '\n') + 1
	end := strings.IndexByte(s[i:], '\n')
	if end < 0 {
		return s[start:]
	}
	return s[start : i+end]
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}
