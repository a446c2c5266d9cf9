// Package match decides which requests an inbound email answers.
//
// Evidence is weighed strongest first:
//
//  1. thread: In-Reply-To or References name a message in our outbound
//     ledger;
//  2. token: the subject carries a request's token, "[FOI cro-2025/durham]";
//  3. reference: the force's own reference number for the request, learned
//     from its acknowledgement, appears in the subject or body;
//  4. domain: the sender's domain belongs to a force with exactly one open
//     request.
//
// An email may answer several requests (one force, several campaigns): it
// matches each request any evidence of the strongest kind found names. A
// sender whose domain does not belong to the force of the request it claims
// to answer is not matched: it goes to triage with the reason, as does mail
// nothing matches. Nothing is dropped.
package match

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/foidesk/foidesk/internal/classify"
	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/internal/force"
)

// Candidate is a request a message might answer.
type Candidate struct {
	RequestID  int64
	WorkflowID string
	ForceSlug  string
	Token      string
	Reference  string // the force's reference, once learned
	State      foi.State
}

// Lookup finds candidate requests; internal/store implements it.
type Lookup interface {
	// ByMessageIDs returns the requests whose outbound ledger holds any of
	// the Message-IDs (without angle brackets).
	ByMessageIDs(ctx context.Context, ids []string) ([]Candidate, error)
	// ByTokens returns the requests with these subject tokens.
	ByTokens(ctx context.Context, tokens []string) ([]Candidate, error)
	// ByForceReferences returns the force's requests whose learned
	// reference normalises (classify.NormaliseReference) to one of refs.
	ByForceReferences(ctx context.Context, forceSlug string, refs []string) ([]Candidate, error)
	// OpenByForce returns the force's requests not yet in a final state.
	OpenByForce(ctx context.Context, forceSlug string) ([]Candidate, error)
}

// Input is what matching needs of a message.
type Input struct {
	From       string   // sender address
	InReplyTo  []string // Message-IDs without <>
	References []string
	Subject    string
	Body       string
	// Bounce is the Message-ID a delivery-status report is about, if the
	// message is one; the report comes from a mail server, not the force.
	BounceOf string
}

// Match is one request the message answers.
type Match struct {
	Candidate
	Method   foi.MatchMethod
	Evidence string
}

// Result is the decision for one message.
type Result struct {
	Matches []Match
	// SenderForce is the force the sender's domain belongs to, if any.
	SenderForce string
	// Triage, when set, says why the message needs a person.
	Triage string
}

// regulatorDomains may write in a request's thread without being its force.
var regulatorDomains = []string{"ico.org.uk", "foi.scot", "itspublicknowledge.info"}

var tokenRe = regexp.MustCompile(`(?i)\[FOI ([a-z0-9][a-z0-9-]*-\d{4}/[a-z0-9-]+)\]`)

// Tokens returns the request tokens in a subject line.
func Tokens(subject string) []string {
	var out []string
	for _, m := range tokenRe.FindAllStringSubmatch(subject, -1) {
		if t := strings.ToLower(m[1]); !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// Find matches a message to its requests.
func Find(ctx context.Context, lk Lookup, in Input) (*Result, error) {
	res := &Result{}
	sender, senderOK := force.ByAddress(in.From)
	if senderOK {
		res.SenderForce = sender.Slug
	}
	domain := ""
	if i := strings.LastIndexByte(in.From, '@'); i >= 0 {
		domain = strings.ToLower(strings.Trim(in.From[i+1:], "> "))
	}

	if in.BounceOf != "" {
		cs, err := lk.ByMessageIDs(ctx, []string{in.BounceOf})
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			res.Matches = append(res.Matches, Match{Candidate: c, Method: foi.MatchThread,
				Evidence: "delivery report about our message <" + in.BounceOf + ">"})
		}
		if len(res.Matches) == 0 {
			res.Triage = "delivery report about a message not in our ledger"
		}
		return res, nil
	}

	// 1. Thread.
	ids := append(slices.Clone(in.InReplyTo), in.References...)
	if len(ids) > 0 {
		cs, err := lk.ByMessageIDs(ctx, ids)
		if err != nil {
			return nil, err
		}
		if err := res.add(cs, foi.MatchThread, "replies to our message in the thread", sender, senderOK, domain); err != nil {
			return nil, err
		}
	}
	// 2. Subject token.
	if len(res.Matches) == 0 && res.Triage == "" {
		if toks := Tokens(in.Subject); len(toks) > 0 {
			cs, err := lk.ByTokens(ctx, toks)
			if err != nil {
				return nil, err
			}
			if err := res.add(cs, foi.MatchToken, "subject token "+strings.Join(toks, ", "), sender, senderOK, domain); err != nil {
				return nil, err
			}
		}
	}
	// 3 and 4 need to know the force from the sender.
	if len(res.Matches) == 0 && res.Triage == "" && senderOK {
		if ref, _, ok := classify.Reference(sender.Slug, in.Subject, in.Body); ok {
			cs, err := lk.ByForceReferences(ctx, sender.Slug, []string{classify.NormaliseReference(ref)})
			if err != nil {
				return nil, err
			}
			if err := res.add(cs, foi.MatchReference, "the force's reference "+ref, sender, senderOK, domain); err != nil {
				return nil, err
			}
		}
		if len(res.Matches) == 0 {
			cs, err := lk.OpenByForce(ctx, sender.Slug)
			if err != nil {
				return nil, err
			}
			switch len(cs) {
			case 0:
				res.Triage = fmt.Sprintf("from %s, which has no open request", sender.Name)
			case 1:
				res.Matches = append(res.Matches, Match{Candidate: cs[0], Method: foi.MatchDomain,
					Evidence: "sender domain " + domain + " belongs to " + sender.Name + ", whose only open request this is"})
			default:
				res.Triage = fmt.Sprintf("from %s, which has %d open requests, and nothing in the message says which", sender.Name, len(cs))
			}
		}
	}
	if len(res.Matches) == 0 && res.Triage == "" {
		res.Triage = "no request matches: not in a thread of ours, no token, and the sender's domain belongs to no force"
		if domain == "" {
			res.Triage = "no request matches and the sender has no address"
		}
	}
	return res, nil
}

// add records candidates found by method, after checking that the sender
// may speak for each one's force.
func (r *Result) add(cs []Candidate, method foi.MatchMethod, evidence string, sender force.Force, senderOK bool, domain string) error {
	seen := map[int64]bool{}
	for _, m := range r.Matches {
		seen[m.RequestID] = true
	}
	for _, c := range cs {
		if seen[c.RequestID] {
			continue
		}
		seen[c.RequestID] = true
		owner, ok := force.Lookup(c.ForceSlug)
		switch {
		case ok && owner.OwnsDomain(domain):
		case isRegulator(domain):
		default:
			who := "a domain of no force"
			if senderOK {
				who = "the domain of " + sender.Name
			}
			r.Matches = nil
			r.Triage = fmt.Sprintf("possible spoof: %s names the request to %s, but the sender's domain %q is %s",
				method, owner.Name, domain, who)
			return nil
		}
		r.Matches = append(r.Matches, Match{Candidate: c, Method: method, Evidence: evidence})
	}
	return nil
}

func isRegulator(domain string) bool {
	for _, d := range regulatorDomains {
		if domain == d || strings.HasSuffix(domain, "."+d) {
			return true
		}
	}
	return false
}
