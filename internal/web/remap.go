package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/foidesk/foidesk/internal/campaign"
	"github.com/foidesk/foidesk/internal/dataset"
	"github.com/foidesk/foidesk/internal/extract"
	"github.com/foidesk/foidesk/internal/normalise"
	"github.com/foidesk/foidesk/internal/store"
)

// The review form without JSON: for each heading the normaliser could not
// place or was unsure of, a choice of the campaign's dimensions; for each
// value, a code from its dimension's vocabulary (searchable, by code or by
// name); a constant for any dimension; rows and columns to leave out. The
// choices become the table's normalise.Overrides, which a preview runs on
// the stored table before anything is sent to the workflow.

// unsure is the confidence below which a reading is offered for correction.
const unsure = 0.8

// maxChoices bounds how many values one item's form offers.
const maxChoices = 60

// remapForm is the choices one review item's form offers.
type remapForm struct {
	Headers    []headerChoice
	Values     []valueChoice
	Dims       []dimChoice
	Targets    []string // what a heading may name: the dimensions, then ignore, measure, total
	IgnoreRows string
	IgnoreCols string
	Advanced   string // the overrides as JSON, for what the form does not offer
}

// headerChoice names what a label column's heading holds.
type headerChoice struct {
	N        int
	Subject  string // "column A"
	Text     string // the heading's text, the override's key
	Sample   string // some of its values
	Proposed string // the dimension the normaliser chose, if any
	Selected string
}

// valueChoice codes one value of a dimension.
type valueChoice struct {
	N        int
	Dim      string // "" when the value's axis has no dimension: the form asks
	Text     string
	Proposed string
	Selected string
	Reason   string
	List     string // the datalist of the dimension's codes
}

// dimChoice is one of the campaign's dimensions, for constants and lists.
type dimChoice struct {
	Name     string
	Kind     string
	List     string // datalist id, "" for a period
	Options  []dataset.Option
	Constant string // the constant given
	Needed   string // why the table needs one, when the normaliser found none
}

// remapPreview is what a remap would load, computed on the stored table.
type remapPreview struct {
	Figures      int
	Flagged      int
	NeedsReview  bool
	Reasons      []string
	Observations []previewObs
	More         int
	Err          string
}

type previewObs struct {
	Ref, Period, Breakdown, Value, Flag string
}

// reviewSchema reads the dataset schema of a review item's campaign.
func (s *server) reviewSchema(ctx context.Context, requestID int64) (*normalise.Schema, error) {
	req, err := s.st.Request(ctx, requestID)
	if err != nil {
		return nil, fmt.Errorf("campaign of request %d: %w", requestID, err)
	}
	schema, err := campaign.SchemaOf(req.Spec)
	if err != nil {
		return nil, fmt.Errorf("campaign %s: %w", req.CampaignSlug, err)
	}
	return schema, nil
}

// vocabOptions lists a dimension's codes with their names.
func vocabOptions(d normalise.Dimension) []dataset.Option {
	var codes []string
	switch d.Kind {
	case normalise.DimNationality:
		codes = normalise.Nationalities().Codes()
	case normalise.DimOffenceGroup:
		codes = normalise.OffenceGroups().Codes()
	case normalise.DimCategory:
		codes = slices.Clone(d.Values)
		for c := range d.Synonyms {
			if !slices.Contains(codes, c) {
				codes = append(codes, c)
			}
		}
	}
	if len(d.Values) > 0 {
		codes = slices.DeleteFunc(codes, func(c string) bool { return !slices.Contains(d.Values, c) })
	}
	var out []dataset.Option
	for _, c := range codes {
		out = append(out, dataset.Option{Value: c, Label: dataset.DimLabel(string(d.Kind), c)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out
}

// columnIndex reads "column B" as 1.
func columnIndex(subject string) (int, bool) {
	letters, ok := strings.CutPrefix(subject, "column ")
	if !ok || letters == "" {
		return 0, false
	}
	n := 0
	for _, r := range letters {
		if r < 'A' || r > 'Z' {
			return 0, false
		}
		n = n*26 + int(r-'A'+1)
	}
	return n - 1, true
}

// buildRemapForm offers a choice for every reading the normaliser could not
// make or was unsure of, prefilled from form (a previewed remap) when set.
func buildRemapForm(schema *normalise.Schema, decisions []proposedDecision, grid [][]extract.Cell, headerRows int, form url.Values) *remapForm {
	f := &remapForm{}
	for _, d := range schema.Dimensions {
		f.Targets = append(f.Targets, d.Name)
		dc := dimChoice{Name: d.Name, Kind: string(d.Kind)}
		if d.Kind != normalise.DimPeriod {
			dc.List = "codes-" + d.Name
			dc.Options = vocabOptions(d)
		}
		dc.Constant = form.Get("constant." + d.Name)
		f.Dims = append(f.Dims, dc)
	}
	f.Targets = append(f.Targets, normalise.TargetIgnore, normalise.TargetMeasure, normalise.TargetTotal)
	list := func(dim string) string {
		for _, d := range f.Dims {
			if d.Name == dim {
				return d.List
			}
		}
		return ""
	}
	seenHead, seenValue := map[string]bool{}, map[string]bool{}
	addValue := func(dim, text, proposed, reason string) {
		if len(f.Values) >= maxChoices || seenValue[dim+"\x00"+text] {
			return
		}
		seenValue[dim+"\x00"+text] = true
		n := len(f.Values)
		v := valueChoice{N: n, Dim: dim, Text: text, Proposed: proposed, Selected: proposed, Reason: reason, List: list(dim)}
		if form != nil {
			v.Selected = form.Get("value." + strconv.Itoa(n))
			if v.Dim == "" {
				v.Dim = form.Get("value_dim." + strconv.Itoa(n))
				v.List = list(v.Dim)
			}
		}
		f.Values = append(f.Values, v)
	}
	for _, d := range decisions {
		switch {
		case d.Kind == "axis" && (d.Dimension == "" || d.Confidence < unsure) && d.Text != "":
			col, isCol := columnIndex(d.Subject)
			if isCol {
				heading := ""
				for r := 0; r < headerRows && r < len(grid); r++ {
					if col < len(grid[r]) {
						if t := strings.TrimSpace(grid[r][col].Text); t != "" {
							heading = t
						}
					}
				}
				if heading != "" && !seenHead[heading] {
					seenHead[heading] = true
					n := len(f.Headers)
					h := headerChoice{N: n, Subject: d.Subject, Text: heading, Sample: sample(d.Text), Proposed: d.Dimension}
					if form != nil {
						h.Selected = form.Get("header." + strconv.Itoa(n))
					}
					f.Headers = append(f.Headers, h)
					continue
				}
			}
			if d.Dimension == "" {
				// Headings with no dimension: code each value, choosing
				// its dimension.
				for _, t := range strings.Split(d.Text, " | ") {
					addValue("", t, "", "no dimension matches the "+d.Subject)
				}
			}
		case d.Kind == "value" && d.Dimension != "" && (d.Code == "" || d.Confidence < unsure) && d.Text != "":
			addValue(d.Dimension, d.Text, d.Code, d.Reason)
		case d.Kind == "constant" && d.Dimension != "" && d.Code == "" && d.Confidence < unsure:
			for i := range f.Dims {
				if f.Dims[i].Name == d.Dimension {
					f.Dims[i].Needed = d.Reason
				}
			}
		}
	}
	if form != nil {
		f.IgnoreRows, f.IgnoreCols = form.Get("ignore_rows"), form.Get("ignore_cols")
		f.Advanced = form.Get("overrides")
	}
	return f
}

// sample is the first few of an axis's values ("A | B | C").
func sample(text string) string {
	parts := strings.Split(text, " | ")
	if len(parts) > 4 {
		return strings.Join(parts[:4], ", ") + ", …"
	}
	return strings.Join(parts, ", ")
}

// formOverrides reads the review form's choices as a table's overrides: the
// advanced JSON first (if any), then each choice over it. Names typed for
// codes ("Poland") are read through the dimension's vocabulary.
func formOverrides(f url.Values, schema *normalise.Schema) (*normalise.Overrides, error) {
	o := &normalise.Overrides{}
	if raw := strings.TrimSpace(f.Get("overrides")); raw != "" {
		dec := json.NewDecoder(bytes.NewReader([]byte(raw)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(o); err != nil {
			return nil, fmt.Errorf("overrides are not valid JSON for a table's overrides (headers, values, ignore_rows, ignore_cols, constants): %v", err)
		}
	}
	for i := 0; i < 1000; i++ {
		n := strconv.Itoa(i)
		text, target := f.Get("header_text."+n), strings.TrimSpace(f.Get("header."+n))
		if !f.Has("header_text." + n) {
			break
		}
		if text != "" && target != "" {
			if o.Headers == nil {
				o.Headers = map[string]string{}
			}
			o.Headers[text] = target
		}
	}
	for i := 0; i < 1000; i++ {
		n := strconv.Itoa(i)
		if !f.Has("value_text." + n) {
			break
		}
		dim, text, code := f.Get("value_dim."+n), f.Get("value_text."+n), strings.TrimSpace(f.Get("value."+n))
		if code == "" {
			continue
		}
		if dim == "" {
			return nil, fmt.Errorf("choose the dimension of %q", text)
		}
		code = readCode(schema, dim, code)
		if o.Values == nil {
			o.Values = map[string]map[string]string{}
		}
		if o.Values[dim] == nil {
			o.Values[dim] = map[string]string{}
		}
		o.Values[dim][text] = code
	}
	for _, d := range schema.Dimensions {
		if c := strings.TrimSpace(f.Get("constant." + d.Name)); c != "" {
			if o.Constants == nil {
				o.Constants = map[string]string{}
			}
			o.Constants[d.Name] = readCode(schema, d.Name, c)
		}
	}
	rows, err := positions(f.Get("ignore_rows"), false)
	if err != nil {
		return nil, fmt.Errorf("rows to leave out: %w", err)
	}
	cols, err := positions(f.Get("ignore_cols"), true)
	if err != nil {
		return nil, fmt.Errorf("columns to leave out: %w", err)
	}
	o.IgnoreRows = append(o.IgnoreRows, rows...)
	o.IgnoreCols = append(o.IgnoreCols, cols...)
	if len(o.Headers) == 0 && len(o.Values) == 0 && len(o.IgnoreRows) == 0 && len(o.IgnoreCols) == 0 && len(o.Constants) == 0 {
		return nil, errors.New("the remap changes nothing: choose a dimension, a code, a constant or rows to leave out (or approve the table as it is)")
	}
	return o, nil
}

// readCode reads a code typed for a dimension: a code as it is, else a
// name its vocabulary knows ("Poland" → POL); anything else is kept for
// the schema's check to name.
func readCode(schema *normalise.Schema, dim, typed string) string {
	d := schema.Dimension(dim)
	if d == nil || d.CheckCode(typed) == nil {
		return typed
	}
	if up := strings.ToUpper(typed); d.CheckCode(up) == nil {
		return up
	}
	var v *normalise.Vocabulary
	switch d.Kind {
	case normalise.DimNationality:
		v = normalise.Nationalities()
	case normalise.DimOffenceGroup:
		v = normalise.OffenceGroups()
	}
	if v != nil {
		if m := v.Match(typed); m.OK() && d.CheckCode(m.Code) == nil {
			return m.Code
		}
	}
	return typed
}

// positions reads "2, 5-7" (1-based rows, as the grid shows them) or
// "A, C" (columns) as 0-based positions.
func positions(s string, columns bool) ([]int, error) {
	var out []int
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := position(lo, columns)
		if err != nil {
			return nil, err
		}
		b := a
		if isRange {
			if b, err = position(hi, columns); err != nil {
				return nil, err
			}
		}
		if b < a || b-a > 10000 {
			return nil, fmt.Errorf("%q is not a range", part)
		}
		for p := a; p <= b; p++ {
			out = append(out, p)
		}
	}
	return out, nil
}

func position(s string, column bool) (int, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.Atoi(s); err == nil && n >= 1 {
		return n - 1, nil
	}
	if column {
		if c, ok := columnIndex("column " + strings.ToUpper(s)); ok {
			return c, nil
		}
	}
	return 0, fmt.Errorf("%q is not a %s", s, map[bool]string{true: "column letter or number", false: "row number"}[column])
}

// previewRemap runs the normaliser with the overrides on a review item's
// stored table: what a remap would load, before it is sent.
func previewRemap(t store.DocumentTable, schema *normalise.Schema, o *normalise.Overrides) (*remapPreview, map[cellKey]*obsView) {
	var grid [][]extract.Cell
	if err := json.Unmarshal(t.Cells, &grid); err != nil {
		return &remapPreview{Err: "the stored table could not be read: " + err.Error()}, nil
	}
	et := &extract.Table{Index: t.Index, Source: extract.Source{Page: t.Page, Sheet: t.Sheet}, Method: extract.Method(t.Method),
		Title: t.Title, Notes: t.Notes, HeaderRows: t.HeaderRows, Rows: grid, Confidence: t.Confidence}
	res, err := normalise.Table(et, schema, &normalise.Options{Overrides: o})
	if err != nil {
		return &remapPreview{Err: err.Error()}, nil
	}
	p := &remapPreview{NeedsReview: res.NeedsReview, Reasons: res.ReviewReasons}
	cells := map[cellKey]*obsView{}
	for _, ob := range res.Observations {
		p.Figures++
		if ob.Value == nil {
			p.Flagged++
		}
		var parts []string
		for _, k := range sortedDims(ob.Dims) {
			parts = append(parts, k+" "+dataset.LabelWithCode(k, ob.Dims[k]))
		}
		cells[cellKey{ob.Row, ob.Col}] = &obsView{Period: ob.Period.Label, Dims: dimsText(ob.Dims), Value: formatValue(ob.Value), Flag: ob.Flag}
		if len(p.Observations) < maxProposedRows {
			p.Observations = append(p.Observations, previewObs{Ref: ob.Ref, Period: ob.Period.Label,
				Breakdown: strings.Join(parts, ", "), Value: formatValue(ob.Value), Flag: ob.Flag})
		} else {
			p.More++
		}
	}
	return p, cells
}

func sortedDims(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// previewState is a remap being previewed: the item, the form as posted
// and the overrides read from it.
type previewState struct {
	id        int64
	form      url.Values
	overrides *normalise.Overrides
	schema    *normalise.Schema
}

// remapForms gives each open item its remap form, and the previewed item
// its preview, with the grid marking the figures the remap would load.
func (s *server) remapForms(ctx context.Context, items []reviewView, pv *previewState) error {
	var docs []int64
	for _, it := range items {
		if it.Status == "open" && !slices.Contains(docs, it.DocumentID) {
			docs = append(docs, it.DocumentID)
		}
	}
	if len(docs) == 0 {
		return nil
	}
	ts, err := s.st.DocumentTables(ctx, docs)
	if err != nil {
		return err
	}
	type key struct {
		doc int64
		idx int
	}
	stored := map[key]*store.DocumentTable{}
	for i := range ts {
		stored[key{ts[i].DocumentID, ts[i].Index}] = &ts[i]
	}
	schemas := map[int64]*normalise.Schema{}
	for i := range items {
		it := &items[i]
		if it.Status != "open" {
			continue
		}
		schema, ok := schemas[it.RequestID]
		if !ok {
			var err error
			if schema, err = s.reviewSchema(ctx, it.RequestID); err != nil {
				s.log.Warn("review: campaign schema", "review_id", it.ID, "err", err)
			}
			schemas[it.RequestID] = schema
		}
		if schema == nil {
			continue
		}
		t := stored[key{it.DocumentID, it.TableIndex}]
		var grid [][]extract.Cell
		headerRows := 0
		if t != nil {
			if err := json.Unmarshal(t.Cells, &grid); err != nil {
				s.log.Warn("review: table cells", "review_id", it.ID, "err", err)
			}
			headerRows = t.HeaderRows
		}
		var form url.Values
		if pv != nil && pv.id == it.ID {
			form = pv.form
		}
		it.Remap = buildRemapForm(schema, it.Decisions, grid, headerRows, form)
		if form == nil || t == nil || pv.overrides == nil {
			continue
		}
		var cells map[cellKey]*obsView
		it.Preview, cells = previewRemap(*t, pv.schema, pv.overrides)
		if it.Table != nil && cells != nil {
			rows, truncated, err := renderGrid(t.Cells, t.HeaderRows, cells)
			if err != nil {
				return err
			}
			it.Table.Rows, it.Table.Truncated, it.Table.Observations = rows, truncated, len(cells)
		}
	}
	return nil
}

// codeList is a datalist of a dimension's codes, named.
type codeList struct {
	ID      string
	Options []dataset.Option
}

// codeLists gathers the lists the items' forms name, each once.
func codeLists(items []reviewView) []codeList {
	var out []codeList
	seen := map[string]bool{}
	for _, it := range items {
		if it.Remap == nil {
			continue
		}
		for _, d := range it.Remap.Dims {
			if d.List != "" && !seen[d.List] {
				seen[d.List] = true
				out = append(out, codeList{ID: d.List, Options: d.Options})
			}
		}
	}
	return out
}
