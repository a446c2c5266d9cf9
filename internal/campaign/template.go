package campaign

import (
	"bytes"
	"fmt"
	"strings"
	"text/template"
)

// TemplateData is what subject and body templates see.
type TemplateData struct {
	Campaign  CampaignData
	Force     ForceData
	Token     string // subject token, e.g. "cro-2025/durham"
	Period    string // "2022 to 2024"
	Requester Requester
	// Filled in for chasers:
	Reference          string // the force's own reference, once known
	SentOn             string // "3 March 2025"
	DueOn              string
	WorkingDaysOverdue int
	Regulator          string // "the Information Commissioner's Office"
}

// CampaignData names the campaign in templates.
type CampaignData struct {
	Slug  string
	Title string
	Year  int
}

// ForceData names the force in templates.
type ForceData struct {
	Slug      string
	Name      string
	ShortName string
}

func sampleData() TemplateData {
	return TemplateData{
		Campaign:  CampaignData{Slug: "sample", Title: "Sample", Year: 2025},
		Force:     ForceData{Slug: "durham", Name: "Durham Constabulary", ShortName: "Durham"},
		Token:     "sample-2025/durham",
		Period:    "2022 to 2024",
		Requester: Requester{Name: "A Journalist", Organisation: "A Newspaper", Email: "desk@example.org"},
		Reference: "DC/FOI 782/17", SentOn: "3 March 2025", DueOn: "31 March 2025",
		WorkingDaysOverdue: 3, Regulator: "the Information Commissioner's Office",
	}
}

// Render executes a template over data.
func Render(name, text string, data TemplateData) (string, error) {
	t, err := template.New(name).Option("missingkey=error").Parse(text)
	if err != nil {
		return "", fmt.Errorf("campaign: template %s: %w", name, err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return "", fmt.Errorf("campaign: template %s: %w", name, err)
	}
	return b.String(), nil
}

// SubjectWithToken appends the campaign token to a subject unless present:
// "Community resolutions [FOI cro-2025/durham]".
func SubjectWithToken(subject, token string) string {
	tag := "[FOI " + token + "]"
	if strings.Contains(subject, tag) {
		return subject
	}
	return strings.TrimSpace(subject) + " " + tag
}

// Default chaser texts, used when a rung declares none.
var defaultRungText = map[Step][2]string{
	StepReminder: {
		"Re: {{.Campaign.Title}}",
		`Dear {{.Force.Name}},

I wrote to you on {{.SentOn}} with a request for information under the Freedom
of Information Act{{if .Reference}} (your reference {{.Reference}}){{end}}. A
response was due by {{.DueOn}} and I have not yet received one.

Please let me know when I can expect it.

Yours faithfully,
{{.Requester.Name}}
{{.Requester.Organisation}}
`},
	StepSecondReminder: {
		"Re: {{.Campaign.Title}} - second reminder",
		`Dear {{.Force.Name}},

My request of {{.SentOn}}{{if .Reference}} (your reference {{.Reference}}){{end}}
is now {{.WorkingDaysOverdue}} working days past the statutory deadline of
{{.DueOn}}. Please respond without further delay; if I do not hear from you I
will ask for an internal review.

Yours faithfully,
{{.Requester.Name}}
{{.Requester.Organisation}}
`},
	StepInternalReview: {
		"Internal review request: {{.Campaign.Title}}",
		`Dear {{.Force.Name}},

Please pass this on to the person who conducts Freedom of Information reviews.

I am requesting an internal review of your handling of my request of
{{.SentOn}}{{if .Reference}} (your reference {{.Reference}}){{end}}. No response
has been received, although the statutory deadline of {{.DueOn}} passed
{{.WorkingDaysOverdue}} working days ago, in breach of section 10(1).

Yours faithfully,
{{.Requester.Name}}
{{.Requester.Organisation}}
`},
	StepRegulator: {
		"Complaint: failure to respond to an information request ({{.Force.Name}})",
		`To {{.Regulator}},

I wish to complain that {{.Force.Name}} has not responded to my request for
information of {{.SentOn}}{{if .Reference}} (its reference {{.Reference}}){{end}},
due by {{.DueOn}}, nor to my request for an internal review. The request is
now {{.WorkingDaysOverdue}} working days overdue.

The correspondence is attached in this thread.

Yours faithfully,
{{.Requester.Name}}
{{.Requester.Organisation}}
{{.Requester.Email}}
`},
}

// Text returns a rung's subject and body templates, the defaults where
// the spec gives none.
func (r Rung) Text() (subject, body string) {
	d := defaultRungText[r.Step]
	subject, body = r.Subject, r.Body
	if subject == "" {
		subject = d[0]
	}
	if body == "" {
		body = d[1]
	}
	return subject, body
}
