package simulate

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"mime"
	"strings"
	"time"

	"github.com/foidesk/foidesk/internal/foi"
)

// Kind is what a simulated reply says.
type Kind string

const (
	KindAck           = Kind(foi.KindAcknowledgement)
	KindClarification = Kind(foi.KindClarification)
	KindExtension     = Kind(foi.KindExtension)
	KindRefusalS12    = Kind("refusal_s12")
	KindRefusalS40    = Kind("refusal_s40")
	KindNotHeld       = Kind(foi.KindNotHeld)
	KindResponse      = Kind(foi.KindResponse)
	KindPartial       = Kind(foi.KindPartialResponse)
	// KindCovering is an answer whose email says no more than "please find
	// attached": the letter, if any, is the attachment.
	KindCovering Kind = "covering"
	// KindCorrection sends a corrected version of an answer already given.
	KindCorrection Kind = "correction"
)

// Expect is the kind internal/classify should read from a reply (a
// foi.Kind's name).
func (k Kind) Expect() string {
	switch k {
	case KindRefusalS12, KindRefusalS40:
		return string(foi.KindRefusal)
	case KindCovering, KindCorrection:
		return string(foi.KindResponse)
	}
	return string(k)
}

// letterFrom is the text of a force's reply in its own voice: Police
// Scotland writes under FOISA 2002, PSNI heads its letters with the
// request number; the rest write as English and Welsh units do.
func letterFrom(force string, k Kind, ref string, received, due time.Time) string {
	switch force {
	case "police-scotland":
		if t := scottishLetter(k, ref, received); t != "" {
			return t
		}
	case "psni":
		if t := psniLetter(k, ref, received); t != "" {
			return t
		}
	}
	return letter(k, ref, received, due)
}

// scottishLetter is a Police Scotland reply under FOISA 2002, or "" for a
// kind it writes as everyone does.
func scottishLetter(k Kind, ref string, received time.Time) string {
	long := received.Format("2 January 2006")
	head := "OFFICIAL\n\nOur Ref: " + ref + "\n\nFreedom of Information (Scotland) Act 2002\n\n"
	tail := "\n\nShould you require any further assistance please contact Information Management quoting the reference number given.\n"
	switch k {
	case KindAck:
		return head + "Thank you for your request for information which we received on " + long + ". " +
			"We will respond as soon as possible and in any event within 20 working days, in accordance with the Freedom of Information (Scotland) Act 2002." + tail
	case KindNotHeld:
		return head + "I refer to your recent request for information which we received on " + long + ".\n\n" +
			"In terms of section 17 of the Act, I am refusing to provide you with the information sought: this represents a notice that the information requested is not held by Police Scotland. " +
			"Nationality is not recorded against the outcome of a recorded police warning or a community resolution." + tail
	case KindResponse, KindCorrection:
		return head + "I refer to your recent request for information which we received on " + long + ".\n\n" +
			"I am pleased to provide you with the information you requested, which is attached to this letter. " +
			"The figures are extracted from our crime recording systems and are correct as at the date of extraction." + tail
	}
	return ""
}

// psniLetter is a PSNI reply, or "" for a kind it writes as everyone does.
func psniLetter(k Kind, ref string, received time.Time) string {
	head := "Request Number: " + ref + "\n\nCategory: Statistics\n\nRequest and Answer:\n"
	switch k {
	case KindAck:
		return "PSNI Freedom of Information Request " + ref + "\n\nThank you for your request for information received on " +
			received.Format("02/01/2006") + ". Your request will be considered in accordance with the Freedom of Information Act 2000 " +
			"and a response will be sent to you within 20 working days, unless a clarification of your request is required.\n"
	case KindPartial:
		return head + "Your request for information has now been considered. In respect of Section 1(1)(a) of the Freedom of Information Act 2000 " +
			"the Police Service of Northern Ireland can confirm that it holds the information you requested. " +
			"The figures are provided in the attached table, however numbers below five have been withheld under Section 40(2) " +
			"(personal information) of the Act, as their disclosure could lead to the identification of individuals.\n"
	case KindResponse, KindCorrection:
		return head + "Your request for information has now been considered. In respect of Section 1(1)(a) of the Freedom of Information Act 2000 " +
			"we can confirm that the Police Service of Northern Ireland does hold information to which your request relates and this is provided in the attached.\n"
	}
	return ""
}

// letter is the text of a reply, written the way police FOI units write.
func letter(k Kind, ref string, received, due time.Time) string {
	long := func(t time.Time) string { return t.Format("2 January 2006") }
	head := "Dear Requester\n\nFreedom of Information Request Reference No: " + ref + "\n\n"
	tail := "\n\nYours sincerely\n\nFreedom of Information Unit\n"
	switch k {
	case KindAck:
		return head + "I write in connection with your request for information which was received on " + long(received) +
			". Your request will now be considered in accordance with the Freedom of Information Act 2000 (the Act).\n\n" +
			"You will receive a response within the statutory timescale of 20 working days as defined by the Act, subject to the information not being exempt or containing a reference to a third party." + tail
	case KindClarification:
		return head + "I write in connection with your request for information received on " + long(received) + ".\n\n" +
			"In order to identify and locate the information you require, we need further clarification. " +
			"Please could you clarify whether you require figures by the offence for which the community resolution was given, or by the most serious offence recorded?\n\n" +
			"Once we receive your clarification the 20 working day period will begin again. If we do not hear from you within two months, we will consider the request closed." + tail
	case KindExtension:
		return head + "I write in connection with your request for information received on " + long(received) + ".\n\n" +
			"Please treat this as an extension notice under section 10(3) of the Act: we require additional time to consider the public interest in disclosure of the information. " +
			"We now expect to respond by " + long(due) + ". Please accept our apologies for the delay." + tail
	case KindRefusalS12:
		return head + "Your request for information has now been considered and I am not obliged to supply the information you have requested.\n\n" +
			"Section 12(1) of the Freedom of Information Act 2000 provides that a public authority is not obliged to comply with a request where the cost of complying would exceed the appropriate limit. " +
			"To answer your request we would need to examine each of several thousand occurrences by hand, which would far exceed the 18 hours (£450) set by the regulations.\n\n" +
			"This letter serves as a refusal notice under section 17(5) of the Act." + tail
	case KindRefusalS40:
		return head + "Your request for information has now been considered and I am not obliged to supply the information you have requested.\n\n" +
			"The information is exempt under section 40(2) of the Freedom of Information Act 2000 (personal information): the numbers are so small that individuals could be identified, and disclosure would breach the data protection principles.\n\n" +
			"This letter serves as a refusal notice under section 17(1) of the Act." + tail
	case KindNotHeld:
		return head + "Your request for information has now been considered.\n\n" +
			"Section 1(1)(a) of the Freedom of Information Act 2000 places two duties on public authorities. " +
			"Following enquiries, I can confirm that the information you have requested is not held by this force: nationality is not recorded against community resolution outcomes on our systems." + tail
	case KindResponse:
		return head + "I write in connection with your request for information received on " + long(received) + ".\n\n" +
			"Following receipt of your request, searches were conducted within the force to locate information relevant to your request. " +
			"I can confirm that the information you have requested is held by the force, and I am pleased to provide it. Please find the information attached." + tail
	case KindCovering:
		return "Please find attached our response to your request.\n\nFOI Team\n"
	case KindCorrection:
		return head + "Please find attached a corrected version of our response to your request. " +
			"An error was found in one of the figures we sent; the attached table replaces the one we sent before.\n\n" +
			"We apologise for any inconvenience." + tail
	case KindPartial:
		return head + "I write in connection with your request for information received on " + long(received) + ".\n\n" +
			"I can confirm that the information you have requested is held in part, and what is held is provided in the attached. " +
			"Your request has been partly complied with: figures by offence before 2022 are not held in a retrievable form." + tail
	}
	return head + tail
}

// wrapText lays text out in lines of at most width runes, as a letter's
// page does, keeping its paragraphs' blank lines.
func wrapText(text string, width int) []string {
	var out []string
	for _, para := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		line := ""
		for _, w := range strings.Fields(para) {
			if line != "" && len([]rune(line))+1+len([]rune(w)) > width {
				out = append(out, line)
				line = ""
			}
			if line != "" {
				line += " "
			}
			line += w
		}
		out = append(out, line)
	}
	return out
}

// email builds a reply to one of foidesk's messages.
type email struct {
	From, To, Subject, MessageID, InReplyTo string
	Date                                    time.Time
	Text                                    string
	HTML                                    string // replaces Text as the body's alternative
	Attachment                              *Attachment
}

func (e email) raw() []byte {
	var b bytes.Buffer
	h := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	h("From", e.From)
	h("To", e.To)
	h("Subject", mime.QEncoding.Encode("utf-8", e.Subject))
	h("Date", e.Date.Format(time.RFC1123Z))
	h("Message-ID", "<"+e.MessageID+">")
	if e.InReplyTo != "" {
		h("In-Reply-To", "<"+e.InReplyTo+">")
		h("References", "<"+e.InReplyTo+">")
	}
	h("MIME-Version", "1.0")
	text := base64Lines([]byte(strings.ReplaceAll(e.Text, "\n", "\r\n")))
	bodyPart := "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" + text
	if e.HTML != "" {
		bodyPart = "Content-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n--alt\r\n" + bodyPart +
			"--alt\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
			base64Lines([]byte(e.HTML)) + "--alt--\r\n"
	}
	if e.Attachment == nil {
		b.WriteString(bodyPart)
		return b.Bytes()
	}
	h("Content-Type", "multipart/mixed; boundary=\"mix\"")
	b.WriteString("\r\n--mix\r\n" + bodyPart + "--mix\r\n")
	fmt.Fprintf(&b, "Content-Type: %s; name=\"%s\"\r\nContent-Disposition: attachment; filename=\"%s\"\r\nContent-Transfer-Encoding: base64\r\n\r\n",
		e.Attachment.ContentType, e.Attachment.Filename, e.Attachment.Filename)
	b.WriteString(base64Lines(e.Attachment.Data))
	b.WriteString("--mix--\r\n")
	return b.Bytes()
}

func base64Lines(data []byte) string {
	s := base64.StdEncoding.EncodeToString(data)
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	b.WriteString(s + "\r\n")
	return b.String()
}
