package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strconv"
	"text/tabwriter"

	"go.temporal.io/sdk/client"

	"github.com/foidesk/foidesk/activities"
	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/workflows"
)

func init() {
	register(&command{
		name:    "inbox",
		summary: "the inbox's queues: triage, assign, kinds to check",
		help: `Mail that matches no request, or whose sender's domain does not belong to
the force it names, waits in triage with the reason; nothing is dropped.
An operator assigns such a message to a request, which then takes it as if
it had matched on its own.`,
		subs: append([]*command{
			{name: "triage", summary: "list messages waiting in triage", usage: "[--json]",
				flags: func(fs *flag.FlagSet) { fs.Bool("json", false, "print JSON") },
				run:   runInboxTriage},
			{name: "assign", summary: "assign a message to a request",
				usage: "MESSAGE-ID CAMPAIGN/YEAR/FORCE [--by NAME] [--mailbox INBOX]",
				help: `Assign the stored message (its number in 'foidesk inbox triage') to the
request named by campaign slug, year and force slug, e.g.
  foidesk inbox assign 42 cro-foreign-nationals/2026/durham`,
				flags: func(fs *flag.FlagSet) {
					byFlag(fs)
					fs.String("mailbox", "", "mailbox whose inbox workflow takes the update (default FOIDESK_IMAP_MAILBOX)")
				},
				run: runInboxAssign},
		}, kindCommands()...),
	})
}

func runInboxTriage(ctx context.Context, a *app, args []string) error {
	st, err := a.store(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	items, err := st.Triage(ctx, 1000)
	if err != nil {
		return err
	}
	if a.flagBool("json") {
		return json.NewEncoder(a.stdout).Encode(items)
	}
	if len(items) == 0 {
		fmt.Fprintln(a.stdout, "triage is empty")
		return nil
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTORED\tFROM\tSUBJECT\tREASON")
	for _, it := range items {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", it.ID, it.StoredAt.Format("2006-01-02 15:04"), it.From, it.Subject, it.Reason)
	}
	return tw.Flush()
}

func runInboxAssign(ctx context.Context, a *app, args []string) error {
	if len(args) != 2 {
		return usageErrorf("want MESSAGE-ID and CAMPAIGN/YEAR/FORCE")
	}
	id, err := strconv.ParseInt(args[0], 10, 64)
	if err != nil {
		return usageErrorf("message id %q is not a number", args[0])
	}
	ref, err := parseRequestArg(args[1])
	if err != nil {
		return err
	}
	cfg, err := a.config()
	if err != nil {
		return err
	}
	mailbox := a.flagString("mailbox")
	if mailbox == "" {
		mailbox = cfg.IMAP.Mailbox
	}
	by := a.flagString("by")
	if by == "" {
		by = os.Getenv("USER")
	}
	tc, err := a.temporal(ctx)
	if err != nil {
		return err
	}
	defer tc.Close()
	in := activities.AssignInput{InboundID: id, RequestWorkflowID: ref.WorkflowID(), By: by}
	h, err := tc.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: foi.InboxWorkflowID(mailbox),
		UpdateName: workflows.UpdateAssign, Args: []any{in}, WaitForStage: client.WorkflowUpdateStageCompleted})
	if err != nil {
		return fmt.Errorf("assign message %d: %w", id, err)
	}
	var msg string
	if err := h.Get(ctx, &msg); err != nil {
		return fmt.Errorf("assign message %d: %w", id, err)
	}
	fmt.Fprintln(a.stdout, msg)
	return nil
}

// parseRequestArg reads a request named on the command line, as
// CAMPAIGN/YEAR/FORCE or by its workflow ID (request/CAMPAIGN/YEAR/FORCE).
func parseRequestArg(s string) (foi.RequestRef, error) {
	ref, err := foi.ParseRequestRef(s)
	if err != nil {
		return foi.RequestRef{}, usageErrorf("request %q: want CAMPAIGN/YEAR/FORCE", s)
	}
	return ref, nil
}
