package activities

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/foidesk/foidesk/internal/dbtest"
	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/internal/pdfwrite"
	"github.com/foidesk/foidesk/internal/store"
)

// mimeWithAttachments is a reply to Kent's request: a text body and the
// given attachments.
func mimeWithAttachments(body string, atts map[string][]byte) []byte {
	var b bytes.Buffer
	b.WriteString("From: Kent Police FOI <foi@kent.police.uk>\r\nTo: desk@foidesk.test\r\n" +
		"Subject: RE: Freedom of Information request [FOI cro-2025/kent]\r\nMessage-ID: <letter-1@kent.police.uk>\r\n" +
		"Date: Mon, 02 Jun 2025 10:00:00 +0100\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n")
	fmt.Fprintf(&b, "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n", strings.ReplaceAll(body, "\n", "\r\n"))
	for name, data := range atts {
		fmt.Fprintf(&b, "--b1\r\nContent-Type: application/octet-stream; name=\"%s\"\r\nContent-Disposition: attachment; filename=\"%s\"\r\n"+
			"Content-Transfer-Encoding: base64\r\n\r\n%s\r\n", name, name, base64.StdEncoding.EncodeToString(data))
	}
	b.WriteString("--b1--\r\n")
	return b.Bytes()
}

// A force that answers with a covering line and its decision in a PDF
// letter: the inbox reads the letter, so the reply is the refusal the
// letter says, with the letter's reference and section, not a "response"
// guessed from the covering line. A second attachment that is not a
// letter (a spreadsheet) is left to the tables' extraction.
func TestProcessInboundReadsTheAttachedLetter(t *testing.T) {
	ctx := context.Background()
	st := dbtest.DB(t)
	must(t, st.UpsertForces(ctx, []store.Force{
		{Slug: "kent", Name: "Kent Police", ShortName: "Kent", Category: "territorial", Regime: "foia", Domains: []string{"kent.police.uk"}},
	}))
	_, _, err := st.CreateCampaign(ctx, store.Campaign{Slug: "cro", Year: 2025, Title: "CRO", Spec: []byte(`{}`),
		WorkflowID: "campaign/cro/2025"}, []store.NewRequest{
		{ForceSlug: "kent", WorkflowID: "request/cro/2025/kent", Token: "cro-2025/kent"},
	})
	must(t, err)
	letter := pdfwrite.Letter([]string{
		"FREEDOM OF INFORMATION REQUEST 25/06/1234",
		"",
		"I can confirm that Kent Police holds the information you have requested. However, to",
		"locate and extract it would exceed the appropriate limit of 18 hours, and this letter",
		"represents a refusal notice under Section 12(1) of the Freedom of Information Act 2000.",
	})
	cover := "Dear Requester,\n\nPlease find attached our response to your request.\n\nKind regards\nFreedom of Information Unit"
	for i, tc := range []struct {
		name      string
		atts      map[string][]byte
		kind      foi.Kind
		ref       string
		letters   int
		unread    int
		uncertain bool
		why       string // in the reason it waits for a person
	}{
		{"the covering line alone", nil, foi.KindResponse, "", 0, 0, true, ""},
		// A refusal waits for a person however sure: a cost refusal may
		// give figures as advice ...
		{"with its letter", map[string][]byte{"Response 25-06-1234.pdf": letter}, foi.KindRefusal, "25/06/1234", 1, 0, true, "cost limit"},
		// ... and figures that come with one say it may answer a part.
		{"with its letter and a spreadsheet", map[string][]byte{"Response 25-06-1234.pdf": letter, "figures.csv": []byte("a,b\n1,2\n")},
			foi.KindRefusal, "25/06/1234", 1, 0, true, "documents or figures"},
		// A spreadsheet named after the request gives the reference the
		// covering line does not.
		{"the covering line and a named spreadsheet", map[string][]byte{"FOI 25-06-1234 figures.csv": []byte("a,b\n1,2\n")},
			foi.KindResponse, "25-06-1234", 0, 0, true, ""},
		// A damaged letter is named in the evidence, for the person.
		{"with a letter that cannot be read", map[string][]byte{"Response.pdf": letter[:len(letter)/2]}, foi.KindResponse, "", 0, 1, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := mimeWithAttachments(cover, tc.atts)
			var id int64
			must(t, dbtest.SQL(t, st).QueryRow(ctx, `INSERT INTO inbound_messages (mailbox, uid_validity, uid, sha256, raw)
				VALUES ('INBOX', 1, $1, sha256($2::bytea), $2::bytea) RETURNING id`, i+1, raw).Scan(&id))
			a := &Activities{Store: st}
			out, err := a.ProcessInbound(ctx, id)
			must(t, err)
			if len(out.Replies) != 1 {
				t.Fatalf("%d replies, want 1: %+v", len(out.Replies), out)
			}
			r := out.Replies[0]
			if r.Kind != tc.kind || r.Reference != tc.ref {
				t.Errorf("kind %s, reference %q; want %s, %q", r.Kind, r.Reference, tc.kind, tc.ref)
			}
			if r.Uncertain != tc.uncertain || !strings.Contains(r.UncertainWhy, tc.why) {
				t.Errorf("to a person: %v (%s), want %v (%q)", r.Uncertain, r.UncertainWhy, tc.uncertain, tc.why)
			}
			var read, unread int
			must(t, dbtest.SQL(t, st).QueryRow(ctx, `SELECT count(*) FILTER (WHERE e->>'rule' = 'letter:read'),
				count(*) FILTER (WHERE e->>'rule' = 'letter:unread')
				FROM inbound_messages, jsonb_array_elements(classification->'result'->'evidence') e
				WHERE id = $1`, id).Scan(&read, &unread))
			if read != tc.letters || unread != tc.unread {
				t.Errorf("%d letters read and %d unread, want %d and %d", read, unread, tc.letters, tc.unread)
			}
			// Every attachment is stored, letter or not.
			var docs int
			must(t, dbtest.SQL(t, st).QueryRow(ctx, `SELECT count(*) FROM message_documents WHERE inbound_id = $1`, id).Scan(&docs))
			if docs != len(tc.atts) {
				t.Errorf("%d documents stored, want %d", docs, len(tc.atts))
			}
		})
	}
}
