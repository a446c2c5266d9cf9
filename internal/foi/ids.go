package foi

import (
	"fmt"
	"strconv"
	"strings"
)

// Workflow IDs. They are stored in the database (campaigns.workflow_id,
// requests.workflow_id, request_documents.workflow_id), typed by
// operators and kept by running workflows: their forms never change.
//
//	campaign/<campaign>/<year>                   CampaignWorkflow
//	request/<campaign>/<year>/<force>            RequestWorkflow
//	document/<campaign>/<year>/<force>/<sha256>  DocumentWorkflow
//	inbox/<mailbox>                              InboxWorkflow
const (
	campaignPrefix = "campaign/"
	requestPrefix  = "request/"
	documentPrefix = "document/"
	inboxPrefix    = "inbox/"
)

// RequestRef names one force's request in one year's run of a campaign.
type RequestRef struct {
	Campaign string // the campaign's slug
	Year     int
	Force    string // the force's slug
}

// WorkflowID is the request's workflow ID.
func (r RequestRef) WorkflowID() string { return RequestWorkflowID(r.Campaign, r.Year, r.Force) }

// CampaignWorkflowID names a campaign run's workflow: "campaign/cro/2025".
func CampaignWorkflowID(campaign string, year int) string {
	return fmt.Sprintf("%s%s/%d", campaignPrefix, campaign, year)
}

// ParseCampaignWorkflowID reads a CampaignWorkflowID.
func ParseCampaignWorkflowID(id string) (campaign string, year int, err error) {
	parts, err := split(id, campaignPrefix, 2, "campaign/<campaign>/<year>")
	if err != nil {
		return "", 0, err
	}
	if year, err = parseYear(id, parts[1]); err != nil {
		return "", 0, err
	}
	return parts[0], year, nil
}

// RequestWorkflowID names a request's workflow: "request/cro/2025/durham".
func RequestWorkflowID(campaign string, year int, force string) string {
	return fmt.Sprintf("%s%s/%d/%s", requestPrefix, campaign, year, force)
}

// ParseRequestWorkflowID reads a RequestWorkflowID.
func ParseRequestWorkflowID(id string) (RequestRef, error) {
	parts, err := split(id, requestPrefix, 3, "request/<campaign>/<year>/<force>")
	if err != nil {
		return RequestRef{}, err
	}
	year, err := parseYear(id, parts[1])
	if err != nil {
		return RequestRef{}, err
	}
	return RequestRef{Campaign: parts[0], Year: year, Force: parts[2]}, nil
}

// ParseRequestRef reads a request named as "<campaign>/<year>/<force>"
// (the form the CLI takes) or by its workflow ID.
func ParseRequestRef(s string) (RequestRef, error) {
	if !strings.HasPrefix(s, requestPrefix) {
		s = requestPrefix + s
	}
	return ParseRequestWorkflowID(s)
}

// RequestToken is the token that marks a request's emails, in their
// subjects and an X-Foidesk-Token header: "cro-2025/durham".
func RequestToken(campaign string, year int, force string) string {
	return fmt.Sprintf("%s-%d/%s", campaign, year, force)
}

// DocumentWorkflowID names the workflow that processes one document of a
// request: "document/<request>/<sha256>", where <request> is the request's
// workflow ID without its "request/" prefix.
func DocumentWorkflowID(requestWorkflowID, sha256 string) string {
	return documentPrefix + strings.TrimPrefix(requestWorkflowID, requestPrefix) + "/" + sha256
}

// ParseDocumentWorkflowID reads a DocumentWorkflowID made from a request's
// workflow ID, giving that ID back with the document's SHA-256.
func ParseDocumentWorkflowID(id string) (requestWorkflowID, sha256 string, err error) {
	parts, err := split(id, documentPrefix, 4, "document/<campaign>/<year>/<force>/<sha256>")
	if err != nil {
		return "", "", err
	}
	if _, err := parseYear(id, parts[1]); err != nil {
		return "", "", err
	}
	return requestPrefix + strings.Join(parts[:3], "/"), parts[3], nil
}

// InboxWorkflowID names a mailbox's InboxWorkflow: "inbox/INBOX".
func InboxWorkflowID(mailbox string) string { return inboxPrefix + mailbox }

// ParseInboxWorkflowID reads an InboxWorkflowID. The mailbox may hold
// slashes of its own ("inbox/Archive/FOI").
func ParseInboxWorkflowID(id string) (mailbox string, err error) {
	mailbox, ok := strings.CutPrefix(id, inboxPrefix)
	if !ok || mailbox == "" {
		return "", fmt.Errorf("workflow ID %q: want inbox/<mailbox>", id)
	}
	return mailbox, nil
}

// split cuts id after prefix into n non-empty parts separated by slashes.
func split(id, prefix string, n int, want string) ([]string, error) {
	rest, ok := strings.CutPrefix(id, prefix)
	parts := strings.Split(rest, "/")
	if !ok || len(parts) != n {
		return nil, fmt.Errorf("workflow ID %q: want %s", id, want)
	}
	for _, p := range parts {
		if p == "" {
			return nil, fmt.Errorf("workflow ID %q: want %s", id, want)
		}
	}
	return parts, nil
}

func parseYear(id, s string) (int, error) {
	y, err := strconv.Atoi(s)
	if err != nil || y < 1000 || y > 9999 || strconv.Itoa(y) != s {
		return 0, fmt.Errorf("workflow ID %q: year %q is not a year", id, s)
	}
	return y, nil
}
