package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/foidesk/foidesk/internal/normalise"
	"github.com/foidesk/foidesk/workflows"
)

// The review form offers choices, not JSON: the unsure heading "Country"
// is offered the campaign's dimensions, codes are searchable by name, a
// preview shows what a remap would load before anything is sent, and the
// remap sends the same overrides.
func TestRemapWithoutJSON(t *testing.T) {
	fx := seed(t)
	up := &updater{}
	h := newHandler(t, fx.st, &Options{Temporal: up})
	path := "/review/" + strconv.FormatInt(fx.reviewID, 10)

	queue := get(t, h, "/review", http.StatusOK)
	for _, s := range []string{
		`column A <q>Country</q> <span class="muted">(Country)</span> holds`,
		`<input type="hidden" name="header_text.0" value="Country">`,
		`<option value="nationality">nationality</option>`,
		`<option value="ignore">ignore</option>`,
		`<input name="constant.nationality" value="" list="codes-nationality"`,
		`<datalist id="codes-nationality">`,
		`<option value="POL">Poland</option>`,
		`<button name="action" value="preview" formnovalidate class="preview">Preview</button>`,
	} {
		if !strings.Contains(queue, s) {
			t.Errorf("review form lacks %s", s)
		}
	}
	if n := strings.Count(queue, `<datalist id="codes-nationality">`); n != 1 {
		t.Errorf("%d nationality lists on the page, want one", n)
	}

	form, cookies := reviewForm(t, h, fx.reviewID)
	form.Set("header_text.0", "Country")
	form.Set("header.0", "nationality")
	form.Set("constant.period", "2023")
	form.Set("action", "preview")

	// Preview: no name needed, nothing sent; the figure the remap would
	// load is listed and marked in the grid.
	rec := post(t, h, path, form, cookies)
	if rec.Code != http.StatusOK {
		t.Fatalf("preview: %d\n%s", rec.Code, rec.Body)
	}
	body := rec.Body.String()
	if n := len(up.recorded()); n != 0 {
		t.Fatalf("a preview sent %d updates", n)
	}
	if !strings.Contains(body, `<strong>1</strong> figure would load`) ||
		!regexp.MustCompile(`<td>r2c2</td><td>2023</td><td>nationality Poland \(POL\)</td><td class="n">12</td>`).MatchString(body) {
		t.Errorf("the preview does not show Poland 2023 = 12:\n%s", regexp.MustCompile(`(?s)<section class="preview".*?</section>`).FindString(body))
	}
	if !strings.Contains(body, `<option value="nationality" selected>`) || !strings.Contains(body, `name="constant.period" value="2023"`) {
		t.Error("the previewed form forgot its choices")
	}

	// A value typed by name is read through the vocabulary.
	form.Set("value_text.0", "Polska")
	form.Set("value_dim.0", "nationality")
	form.Set("value.0", "Poland")
	form.Set("action", "remap")
	form.Set("by", "Sam Reporter")
	rec = post(t, h, path, form, cookies)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("remap: %d\n%s", rec.Code, rec.Body)
	}
	calls := up.recorded()
	if len(calls) != 1 {
		t.Fatalf("%d updates sent, want 1", len(calls))
	}
	in := calls[0].Args[0].(workflows.ReviewInput)
	o := in.Overrides[1]
	if in.Action != "remap" || o == nil || o.Headers["Country"] != "nationality" || o.Constants["period"] != "2023" || o.Values["nationality"]["Polska"] != "POL" {
		t.Errorf("remap sent %#v", o)
	}

	// A code the dimension does not have is refused, naming it, with the
	// form kept as it was sent.
	form.Set("constant.nationality", "Atlantis")
	rec = post(t, h, path, form, cookies)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `nationality constant &#34;Atlantis&#34;`) ||
		!strings.Contains(rec.Body.String(), `name="constant.nationality" value="Atlantis"`) {
		t.Errorf("unknown code: %d\n%s", rec.Code, regexp.MustCompile(`(?s)role="alert".{0,400}`).FindString(rec.Body.String()))
	}
	// A choice of nothing is refused.
	empty, cookies2 := reviewForm(t, h, fx.reviewID)
	empty.Set("action", "preview")
	if rec := post(t, h, path, empty, cookies2); rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "changes nothing") {
		t.Errorf("empty remap: %d", rec.Code)
	}
	if n := len(up.recorded()); n != 1 {
		t.Errorf("%d updates sent, want still 1", n)
	}
}

func TestFormOverrides(t *testing.T) {
	schema, err := normalise.ParseSchema([]byte(`{"measure": {"name": "count"}, "dimensions": [{"name": "period", "kind": "period"},
		{"name": "nationality", "kind": "nationality"}, {"name": "offence_group", "kind": "offence_group"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	f := url.Values{
		"header_text.0": {"Land"}, "header.0": {"nationality"},
		"header_text.1": {"Notes"}, "header.1": {""},
		"value_text.0": {"Eritrea"}, "value_dim.0": {"nationality"}, "value.0": {"eri"},
		"value_text.1": {"Stateless person"}, "value_dim.1": {"nationality"}, "value.1": {""},
		"ignore_rows": {"1, 12-14"}, "ignore_cols": {"F"},
		"overrides": {`{"headers": {"Total": "total"}}`},
	}
	o, err := formOverrides(f, schema)
	if err != nil {
		t.Fatal(err)
	}
	if o.Headers["Land"] != "nationality" || o.Headers["Total"] != "total" || len(o.Headers) != 2 {
		t.Errorf("headers %v", o.Headers)
	}
	if o.Values["nationality"]["Eritrea"] != "ERI" || len(o.Values["nationality"]) != 1 {
		t.Errorf("values %v", o.Values)
	}
	if got := o.IgnoreRows; len(got) != 4 || got[0] != 0 || got[3] != 13 {
		t.Errorf("ignore rows %v, want 0, 11, 12, 13", got)
	}
	if got := o.IgnoreCols; len(got) != 1 || got[0] != 5 {
		t.Errorf("ignore cols %v, want 5 (F)", got)
	}
	if _, err := formOverrides(url.Values{"ignore_rows": {"two"}}, schema); err == nil {
		t.Error("a row that is not a number was taken")
	}
	if _, err := formOverrides(url.Values{"value_text.0": {"X"}, "value.0": {"POL"}}, schema); err == nil || !strings.Contains(err.Error(), "choose the dimension") {
		t.Errorf("a value without a dimension: %v", err)
	}
}
