package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/foidesk/foidesk/internal/engine"
	"github.com/foidesk/foidesk/internal/store"
	"github.com/foidesk/foidesk/workflows"
)

var reprocessCmd = &command{
	name:    "reprocess",
	summary: "process a document again after a fix (vocabulary, OCR or LibreOffice installed)",
	usage:   "DOCUMENT-ID [--request CAMPAIGN/YEAR/FORCE] [--wait]",
	help: `Run a stored document through extraction, normalisation and loading again,
for every request it answers (or the one --request names): after a
vocabulary entry is added, or Tesseract or LibreOffice is installed on the
workers, say. Each run replaces the document's figures in one transaction,
so running it again changes nothing it does not have to. A document still
being processed, or waiting in review, is refused: decide the review with
'foidesk review' instead.

Document IDs are in 'foidesk review list', on the dashboard's force pages,
and in 'foidesk data export' (source document).`,
	flags: func(fs *flag.FlagSet) {
		fs.String("request", "", "only for this request (CAMPAIGN/YEAR/FORCE)")
		fs.Bool("wait", false, "wait for each run and print its outcome")
	},
	run: runReprocess,
}

func init() { register(reprocessCmd) }

func runReprocess(ctx context.Context, a *app, args []string) error {
	if len(args) != 1 {
		return usageErrorf("want one DOCUMENT-ID")
	}
	id, err := strconv.ParseInt(args[0], 10, 64)
	if err != nil || id <= 0 {
		return usageErrorf("document id %q is not a number", args[0])
	}
	cfg, err := a.config()
	if err != nil {
		return err
	}
	st, err := a.store(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	tc, err := a.temporal(ctx)
	if err != nil {
		return err
	}
	defer tc.Close()
	return reprocessDocument(ctx, a, st, tc, cfg.TemporalTaskQueue, id, a.flagString("request"), a.flagBool("wait"))
}

// reprocessDocument starts a new run of document id's DocumentWorkflow for
// each request it answers (or only request, "CAMPAIGN/YEAR/FORCE").
func reprocessDocument(ctx context.Context, a *app, st *store.Store, tc client.Client, taskQueue string,
	id int64, request string, wait bool) error {
	docs, err := st.RequestDocuments(ctx, id)
	if err != nil {
		return err
	}
	if len(docs) == 0 {
		return fmt.Errorf("document %d is not a document of any request", id)
	}
	want := ""
	if request != "" {
		ref, err := parseRequestArg(request)
		if err != nil {
			return err
		}
		want = ref.WorkflowID()
	}
	started := 0
	for _, d := range docs {
		if want != "" && d.RequestWorkflowID != want {
			continue
		}
		opts, in := engine.RerunDocument(d, taskQueue)
		run, err := tc.ExecuteWorkflow(ctx, opts, workflows.DocumentWorkflow, in)
		var running *serviceerror.WorkflowExecutionAlreadyStarted
		if errors.As(err, &running) {
			return fmt.Errorf("%s (%s) is still being processed or waits in review: decide it with 'foidesk review'", d.WorkflowID, d.Status)
		}
		if err != nil {
			return fmt.Errorf("reprocess %s: %w", d.WorkflowID, err)
		}
		started++
		fmt.Fprintf(a.stdout, "%s: started (was %s)\n", d.WorkflowID, d.Status)
		if !wait {
			continue
		}
		var out workflows.DocumentStatus
		if err := run.Get(ctx, &out); err != nil {
			return fmt.Errorf("%s: %w", d.WorkflowID, err)
		}
		line := string(out.Status)
		if r := out.Result; r != nil {
			line = fmt.Sprintf("%s: %d tables, %d figures (%d inserted, %d updated, %d deleted)",
				out.Status, r.Tables, r.Observations, r.Inserted, r.Updated, r.Deleted)
			if r.Error != "" {
				line += ": " + r.Error
			}
		}
		fmt.Fprintf(a.stdout, "%s: %s\n", d.WorkflowID, line)
	}
	if started == 0 {
		return fmt.Errorf("document %d is not a document of request %s", id, request)
	}
	return nil
}
