package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"go.temporal.io/sdk/client"

	"github.com/foidesk/foidesk/internal/campaign"
	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/internal/normalise"
	"github.com/foidesk/foidesk/internal/store"
	"github.com/foidesk/foidesk/workflows"
)

var reviewCmd = &command{
	name:    "review",
	summary: "tables waiting for a person: list, show, approve, reject, remap",
	help: `Documents whose tables the normaliser could not place with confidence wait
in review, loading nothing, until someone decides. Each decision goes to the
document's workflow, which loads, drops or re-runs it.`,
	subs: []*command{
		{name: "list", summary: "list review items", usage: "[--all] [--json]",
			flags: func(fs *flag.FlagSet) {
				fs.Bool("all", false, "include resolved items")
				fs.Bool("json", false, "print JSON")
			},
			run: runReviewList},
		{name: "show", summary: "show a review item: reasons, the table and the proposed mapping", usage: "ID",
			run: runReviewShow},
		{name: "approve", summary: "load the document as proposed", usage: "ID [--by NAME]",
			flags: byFlag, run: reviewAction("approve")},
		{name: "reject", summary: "load nothing from the document", usage: "ID [--by NAME]",
			flags: byFlag, run: reviewAction("reject")},
		{name: "remap", summary: "map a heading or value and run the document again",
			usage: "ID [--header 'TEXT=DIMENSION'...] [--value 'DIMENSION:TEXT=CODE'...] [--ignore-row N...] [--by NAME]",
			help: `Run the document again with mappings for the item's table:
  --header 'Country=nationality'     a heading names a dimension (or ignore, measure, total)
  --value 'nationality:Kosovan=XKX'  a text means a code on a dimension
  --ignore-row 7                     drop a row of the extracted grid (0-based)
Flags may be repeated.`,
			flags: func(fs *flag.FlagSet) {
				byFlag(fs)
				fs.Var(&multiFlag{}, "header", "TEXT=DIMENSION (repeatable)")
				fs.Var(&multiFlag{}, "value", "DIMENSION:TEXT=CODE (repeatable)")
				fs.Var(&multiFlag{}, "ignore-row", "0-based row to ignore (repeatable)")
			},
			run: reviewAction("remap")},
	},
}

func init() { register(reviewCmd) }

func byFlag(fs *flag.FlagSet) {
	fs.String("by", os.Getenv("USER"), "who decides (recorded)")
}

// multiFlag collects a repeated string flag.
type multiFlag struct{ vals []string }

func (m *multiFlag) String() string     { return strings.Join(m.vals, ",") }
func (m *multiFlag) Set(v string) error { m.vals = append(m.vals, v); return nil }

func runReviewList(ctx context.Context, a *app, args []string) error {
	st, err := a.store(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	status := foi.ReviewOpen
	if a.flagBool("all") {
		status = ""
	}
	items, err := st.Reviews(ctx, status, 1000)
	if err != nil {
		return err
	}
	if a.flagBool("json") {
		return json.NewEncoder(a.stdout).Encode(items)
	}
	if len(items) == 0 {
		fmt.Fprintln(a.stdout, "nothing waits for review")
		return nil
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCAMPAIGN\tFORCE\tDOCUMENT\tTABLE\tSTATUS\tFIRST REASON")
	for _, it := range items {
		reason := ""
		if len(it.Reasons) > 0 {
			reason = it.Reasons[0]
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%s\t%s\n", it.ID, it.Campaign, it.ForceSlug, it.Filename, it.TableIndex, it.Status, reason)
	}
	return tw.Flush()
}

func reviewItem(ctx context.Context, st *store.Store, args []string) (*store.ReviewItem, error) {
	if len(args) != 1 {
		return nil, usageErrorf("want one review item ID")
	}
	id, err := strconv.ParseInt(args[0], 10, 64)
	if err != nil {
		return nil, usageErrorf("review item ID %q is not a number", args[0])
	}
	it, err := st.Review(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("no review item %d ('foidesk review list' shows them)", id)
	}
	return it, err
}

func runReviewShow(ctx context.Context, a *app, args []string) error {
	st, err := a.store(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	it, err := reviewItem(ctx, st, args)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "review %d (%s): %s, %s, table %d\nworkflow %s\n\nreasons:\n", it.ID, it.Status, it.ForceSlug, it.Filename, it.TableIndex, it.WorkflowID)
	for _, r := range it.Reasons {
		fmt.Fprintf(a.stdout, "  - %s\n", r)
	}
	var cells [][]struct {
		Text string `json:"text"`
	}
	if raw, err := st.ExtractedTableCells(ctx, it.DocumentID, it.TableIndex); err == nil && json.Unmarshal(raw, &cells) == nil {
		fmt.Fprintln(a.stdout, "\ntable:")
		tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
		for i, row := range cells {
			fmt.Fprintf(tw, "  %d", i)
			for _, c := range row {
				fmt.Fprintf(tw, "\t%s", c.Text)
			}
			fmt.Fprintln(tw)
		}
		tw.Flush()
	}
	prop, err := foi.DecodeProposal[normalise.Decision, normalise.Observation](it.Proposal)
	if err != nil {
		fmt.Fprintf(a.stderr, "review %d: the proposed mapping cannot be shown: %v\n", it.ID, err)
		return nil
	}
	if len(prop.Decisions) > 0 {
		fmt.Fprintln(a.stdout, "\nproposed mapping:")
		for _, d := range prop.Decisions {
			b, _ := json.Marshal(d)
			fmt.Fprintf(a.stdout, "  %s\n", b)
		}
	}
	return nil
}

func reviewAction(action string) func(context.Context, *app, []string) error {
	return func(ctx context.Context, a *app, args []string) error {
		st, err := a.store(ctx)
		if err != nil {
			return err
		}
		defer st.Close()
		it, err := reviewItem(ctx, st, args)
		if err != nil {
			return err
		}
		in := workflows.ReviewInput{Action: action, By: a.flagString("by")}
		if action == "remap" {
			o, err := parseOverrides(a)
			if err != nil {
				return err
			}
			if err := checkRemap(ctx, st, it.RequestID, o); err != nil {
				return fmt.Errorf("review %d: %w", it.ID, err)
			}
			in.Overrides = map[int]*normalise.Overrides{it.TableIndex: o}
		}
		tc, err := a.temporal(ctx)
		if err != nil {
			return err
		}
		defer tc.Close()
		h, err := tc.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: it.WorkflowID, UpdateName: workflows.UpdateReview,
			Args: []any{in}, WaitForStage: client.WorkflowUpdateStageCompleted})
		if err != nil {
			return fmt.Errorf("review %d: %w", it.ID, err)
		}
		if err := h.Get(ctx, nil); err != nil {
			return fmt.Errorf("review %d: %w", it.ID, err)
		}
		fmt.Fprintf(a.stdout, "review %d: %s sent to %s\n", it.ID, action, it.WorkflowID)
		return nil
	}
}

func parseOverrides(a *app) (*normalise.Overrides, error) {
	o := &normalise.Overrides{Headers: map[string]string{}, Values: map[string]map[string]string{}}
	for _, h := range a.flags.Lookup("header").Value.(*multiFlag).vals {
		text, dim, ok := strings.Cut(h, "=")
		if !ok {
			return nil, usageErrorf("--header %q: want TEXT=DIMENSION", h)
		}
		o.Headers[text] = dim
	}
	for _, v := range a.flags.Lookup("value").Value.(*multiFlag).vals {
		dim, rest, ok1 := strings.Cut(v, ":")
		text, code, ok2 := strings.Cut(rest, "=")
		if !ok1 || !ok2 {
			return nil, usageErrorf("--value %q: want DIMENSION:TEXT=CODE", v)
		}
		if o.Values[dim] == nil {
			o.Values[dim] = map[string]string{}
		}
		o.Values[dim][text] = code
	}
	for _, r := range a.flags.Lookup("ignore-row").Value.(*multiFlag).vals {
		n, err := strconv.Atoi(r)
		if err != nil {
			return nil, usageErrorf("--ignore-row %q: want a number", r)
		}
		o.IgnoreRows = append(o.IgnoreRows, n)
	}
	if len(o.Headers)+len(o.Values)+len(o.IgnoreRows) == 0 {
		return nil, usageErrorf("remap needs at least one --header, --value or --ignore-row")
	}
	return o, nil
}

// checkRemap checks a remap against the dataset of the review item's
// campaign, so that a code outside a dimension's vocabulary or a heading
// naming no dimension is refused here, naming the value.
func checkRemap(ctx context.Context, st *store.Store, requestID int64, o *normalise.Overrides) error {
	req, err := st.Request(ctx, requestID)
	if err != nil {
		return fmt.Errorf("campaign of request %d: %w", requestID, err)
	}
	schema, err := campaign.SchemaOf(req.Spec)
	if err != nil {
		return fmt.Errorf("campaign %s: %w", req.CampaignSlug, err)
	}
	return schema.CheckOverrides(o)
}
