package main

import (
	"cmp"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/foidesk/foidesk/internal/classify"
	"github.com/foidesk/foidesk/internal/engine"
	"github.com/foidesk/foidesk/internal/foi"
	fmail "github.com/foidesk/foidesk/internal/mail"
	"github.com/foidesk/foidesk/internal/store"
	"github.com/foidesk/foidesk/workflows"
)

// kindCommands are the inbox's subcommands for replies whose kind a person
// confirms or corrects.
func kindCommands() []*command {
	return []*command{
		{name: "kinds", summary: "list replies whose kind waits for a person",
			usage: "[--all] [--evidence] [--json] [--export DIR]",
			help: `A reply the classifier is unsure of (confidence below the threshold, or no
kind fits a reply that brings documents or figures) does not move its
request: its documents are read at once, and the request waits, without
chasing, for a person to confirm or correct the kind with
'foidesk inbox kind'. The OR column lists the kinds the reply most
likely is if it is not the one proposed, likeliest first. --evidence
prints the classifier's evidence that counted under each reply. --all
lists the decided ones too, and says how often the kind a person gave
was the one proposed or one of those offered. --export DIR
writes every decided reply as a labelled example in the classifier's
fixture format (internal/classify/testdata), for measuring it.`,
			flags: func(fs *flag.FlagSet) {
				fs.Bool("all", false, "list decided replies too")
				fs.Bool("evidence", false, "print the classifier's evidence under each reply")
				fs.Bool("json", false, "print JSON")
				fs.String("export", "", "write decided replies as labelled examples into this directory")
			},
			run: runInboxKinds},
		{name: "kind", summary: "confirm or correct a reply's kind", usage: "ID KIND [--why TEXT] [--by NAME]",
			help: `Give the reply listed as ID by 'foidesk inbox kinds' its kind, one of:
  ` + strings.Join(replyKindNames(), ", ") + `
The request moves as a reply of that kind would have (an answer whose
documents are loaded becomes data_loaded); a request whose run has ended
is reopened to take the decision. Who and why are recorded.`,
			flags: func(fs *flag.FlagSet) {
				byFlag(fs)
				fs.String("why", "", "why, for the record")
			},
			run: runInboxKind},
	}
}

func replyKindNames() []string {
	var out []string
	for _, k := range classify.Kinds() {
		out = append(out, string(k))
	}
	return out
}

func runInboxKinds(ctx context.Context, a *app, args []string) error {
	if len(args) != 0 {
		return usageErrorf("inbox kinds takes no arguments")
	}
	st, err := a.store(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	status := string(foi.ReplyReviewOpen)
	if a.flagBool("all") {
		status = ""
	}
	if dir := a.flagString("export"); dir != "" {
		status = "resolved"
		items, err := st.ReplyReviews(ctx, status, 100000)
		if err != nil {
			return err
		}
		n, err := exportLabelled(ctx, st, dir, items)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "%d labelled replies written to %s\n", n, dir)
		return nil
	}
	items, err := st.ReplyReviews(ctx, status, 1000)
	if err != nil {
		return err
	}
	if a.flagBool("json") {
		return json.NewEncoder(a.stdout).Encode(items)
	}
	if len(items) == 0 {
		fmt.Fprintln(a.stdout, "no reply waits for a person")
		return nil
	}
	evidence := a.flagBool("evidence")
	var tally decidedTally
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tRECEIVED\tFORCE\tCAMPAIGN\tPROPOSED\tCONF\tOR\tSTATUS\tSUBJECT\tWHY")
	for _, it := range items {
		status := string(it.Status)
		if it.Kind != "" {
			status += " as " + string(it.Kind)
		}
		res := storedResult(it)
		alts := res.AlternativesTo(it.ProposedKind)
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%.2f\t%s\t%s\t%s\t%s\n", it.ID, it.ReceivedAt.Format("2006-01-02 15:04"),
			it.ForceSlug, it.Campaign, it.ProposedKind, it.Confidence, cmp.Or(kindList(alts), "-"), status,
			clipLine(it.Subject, 60), it.Reason)
		if evidence {
			for _, line := range evidenceLines(res) {
				fmt.Fprintf(tw, "\t%s\n", line)
			}
		}
		tally.add(it, alts)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if t := tally; t.decided > 0 {
		fmt.Fprintf(a.stdout, "\n%d decided by a person: the kind proposed right for %d (%.0f%%), the right kind among those offered for %d (%.0f%%)\n",
			t.decided, t.proposed, 100*float64(t.proposed)/float64(t.decided), t.offered, 100*float64(t.offered)/float64(t.decided))
	}
	return nil
}

// decidedTally measures the classifier on the desk's own decisions.
type decidedTally struct {
	decided  int // replies a person gave a kind
	proposed int // of them, the kind proposed was the one given
	offered  int // of them, the kind given was proposed or an alternative
}

// add counts it, whose classifier offered alts beside the kind proposed,
// if a person has given it a kind.
func (t *decidedTally) add(it store.ReplyReview, alts []foi.Kind) {
	if it.Kind == "" {
		return
	}
	t.decided++
	switch {
	case it.Kind == it.ProposedKind:
		t.proposed++
		t.offered++
	case slices.Contains(alts, it.Kind):
		t.offered++
	}
}

// evidenceLines are a classification's counted evidence, one line each:
// the kind it points to (or the rule), where, and the phrase.
func evidenceLines(res classify.Result) []string {
	var out []string
	for _, e := range res.CountedEvidence(classify.ShownEvidence) {
		what := e.Rule
		if e.Kind != "" {
			what = strings.ReplaceAll(string(e.Kind), "_", " ")
		}
		out = append(out, fmt.Sprintf("  %s, %s: %q", what, e.Source, clipLine(e.Phrase, 100)))
	}
	return out
}

// alternativeKinds are the kinds the classifier offers beside the one it
// proposed (classify.Result.Alternatives), likeliest first.
func alternativeKinds(it store.ReplyReview) []foi.Kind {
	return storedResult(it).AlternativesTo(it.ProposedKind)
}

// kindList writes kinds as "partial_response, not_held".
func kindList(kinds []foi.Kind) string {
	s := make([]string, len(kinds))
	for i, k := range kinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// storedResult is a reply's classification as stored; the zero Result
// when there is none or it cannot be read.
func storedResult(it store.ReplyReview) classify.Result {
	var res classify.Result
	if json.Unmarshal(it.Classification, &res) != nil {
		return classify.Result{}
	}
	return res
}

func runInboxKind(ctx context.Context, a *app, args []string) error {
	if len(args) != 2 {
		return usageErrorf("want ID and KIND")
	}
	id, err := strconv.ParseInt(args[0], 10, 64)
	if err != nil {
		return usageErrorf("id %q is not a number", args[0])
	}
	kind := foi.Kind(strings.ReplaceAll(args[1], "-", "_"))
	if !kind.Valid() {
		return usageErrorf("unknown kind %q (want one of %s)", args[1], strings.Join(replyKindNames(), ", "))
	}
	st, err := a.store(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	it, err := st.ReplyReviewByID(ctx, id)
	if err != nil {
		return err
	}
	cfg, err := a.config()
	if err != nil {
		return err
	}
	tc, err := a.temporal(ctx)
	if err != nil {
		return err
	}
	defer tc.Close()
	rs, err := engine.UpdateRequest(ctx, tc, cfg.TemporalTaskQueue, it.WorkflowID, workflows.UpdateConfirmKind,
		workflows.KindInput{InboundID: it.InboundID, Kind: kind, By: a.flagString("by"), Why: a.flagString("why")})
	if err != nil {
		return fmt.Errorf("reply %d of %s: %w", id, it.WorkflowID, err)
	}
	fmt.Fprintf(a.stdout, "%s: reply %d is %s; the request is %s\n", rs.ForceName, it.InboundID,
		strings.ReplaceAll(string(kind), "_", " "), strings.ReplaceAll(string(rs.State), "_", " "))
	return nil
}

// exportLabelled writes decided replies in the classifier's fixture format,
// one file each, and returns how many it wrote.
func exportLabelled(ctx context.Context, st *store.Store, dir string, items []store.ReplyReview) (int, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	n := 0
	for _, it := range items {
		m, err := st.InboundMessage(ctx, it.InboundID)
		if err != nil {
			return n, err
		}
		msg, err := fmail.Parse(m.Raw, nil)
		if err != nil {
			continue // unreadable mail has no text to label
		}
		var b strings.Builder
		fmt.Fprintf(&b, "source: foidesk inbound message %d\nforce: %s\nkind: %s\n", it.InboundID, it.ForceSlug,
			strings.ReplaceAll(string(it.Kind), "_", "-"))
		fmt.Fprintf(&b, "subject: %s\nfrom: %s\n", clipLine(msg.Subject, 500), clipLine(msg.From.String(), 200))
		offered := ""
		if alts := alternativeKinds(it); len(alts) > 0 {
			offered = ", or else " + kindList(alts)
		}
		fmt.Fprintf(&b, "note: %s by %s (classifier said %s at %.2f%s)%s\n---\n", it.Status, it.ResolvedBy, it.ProposedKind,
			it.Confidence, offered, whyNote(it.Why))
		b.WriteString(msg.Text)
		name := filepath.Join(dir, fmt.Sprintf("%s-%d-%s.txt", it.ForceSlug, it.InboundID, strings.ReplaceAll(string(it.Kind), "_", "-")))
		if err := os.WriteFile(name, []byte(b.String()), 0o644); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func whyNote(why string) string {
	if why == "" {
		return ""
	}
	return ": " + clipLine(why, 300)
}

// clipLine folds s onto one line of at most n runes.
func clipLine(s string, n int) string {
	s = oneLine(s)
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
