package activities

import (
	"context"
	"errors"
	"net/mail"
	"testing"

	"github.com/emersion/go-smtp"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/foidesk/foidesk/internal/dbtest"
	"github.com/foidesk/foidesk/internal/foi"
	fmail "github.com/foidesk/foidesk/internal/mail"
	"github.com/foidesk/foidesk/internal/mailtest"
	"github.com/foidesk/foidesk/internal/store"
)

// A message the mail server refuses for good (550 at RCPT) fails the send
// as not retryable, and the ledger marks it failed with the server's
// answer; a transient refusal (451) leaves it pending for the retry, and
// the retry sends it under the same Message-ID.
func TestSendEmailRefusedForGoodAndForNow(t *testing.T) {
	ctx := context.Background()
	st := dbtest.DB(t)
	must(t, st.UpsertForces(ctx, []store.Force{
		{Slug: "durham", Name: "Durham Constabulary", ShortName: "Durham", Category: "territorial", Regime: "foia", Domains: []string{}},
	}))
	_, ids, err := st.CreateCampaign(ctx, store.Campaign{Slug: "cro", Year: 2025, Title: "CRO", Spec: []byte(`{}`),
		WorkflowID: "campaign/cro/2025"}, []store.NewRequest{
		{ForceSlug: "durham", WorkflowID: "request/cro/2025/durham", Token: "cro-2025/durham"},
	})
	must(t, err)
	sink, err := mailtest.StartSMTP()
	must(t, err)
	defer sink.Close()
	sink.Reject = func(to string) error {
		if to == "gone@durham.police.uk" {
			return errors.New("mailbox unavailable")
		}
		return nil
	}
	transient := 1
	sink.Fault = func() error {
		if transient > 0 {
			transient--
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
		}
		return nil
	}
	a := &Activities{Store: st, From: mail.Address{Address: "desk@newsroom.example"}, MessageIDDomain: "newsroom.example",
		SMTP: &fmail.SMTPOptions{Addr: sink.Addr, Username: "desk", Password: "desk", TLS: "insecure"}}
	var ts testsuite.WorkflowTestSuite
	send := func(key, to string) (*SendResult, error) {
		env := ts.NewTestActivityEnvironment()
		env.RegisterActivity(a)
		v, err := env.ExecuteActivity(a.SendEmail, SendInput{RequestID: ids["durham"], Purpose: foi.PurposeRequest, Key: key,
			To: to, Token: "cro-2025/durham", Subject: "FOI request", Body: "Please send the figures."})
		if err != nil {
			return nil, err
		}
		var res SendResult
		return &res, v.Get(&res)
	}
	ledger := func(key string) (status, lastErr string) {
		must(t, dbtest.SQL(t, st).QueryRow(ctx, `SELECT status, coalesce(last_error, '') FROM outbound_messages WHERE message_id = $1`,
			fmail.MessageID(key, "newsroom.example")).Scan(&status, &lastErr))
		return status, lastErr
	}

	_, err = send("request/cro/2025/durham/request/1", "gone@durham.police.uk")
	var app *temporal.ApplicationError
	if !errors.As(err, &app) || app.Type() != ErrTypeRejected || !app.NonRetryable() {
		t.Fatalf("refused send: err %v, want a non-retryable %s", err, ErrTypeRejected)
	}
	if status, lastErr := ledger("request/cro/2025/durham/request/1"); status != string(foi.OutboundFailed) || lastErr == "" {
		t.Errorf("refused message in the ledger: %s %q, want failed with the server's answer", status, lastErr)
	}

	// 451: the attempt fails, retryable; the message stays pending.
	if _, err := send("request/cro/2025/durham/request/2", "foi@durham.police.uk"); err == nil || errors.As(err, &app) && app.NonRetryable() {
		t.Fatalf("451: err %v, want a retryable failure", err)
	}
	if status, _ := ledger("request/cro/2025/durham/request/2"); status != string(foi.OutboundPending) {
		t.Errorf("after a 451 the message is %s, want pending", status)
	}
	res, err := send("request/cro/2025/durham/request/2", "foi@durham.police.uk")
	if err != nil || res.Status != foi.OutboundSent || res.Attempts != 2 {
		t.Fatalf("retry after 451: %+v, %v; want sent on the second attempt", res, err)
	}
	if n := len(sink.Messages()); n != 1 {
		t.Errorf("the server holds %d messages, want 1", n)
	}
}
