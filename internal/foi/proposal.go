package foi

import (
	"encoding/json"
	"fmt"
)

// Proposal is what the normaliser proposed for a table it was unsure of,
// kept with the table's review item (review_items.proposal) for the person
// who decides: the mapping decisions, the figures it would load and its
// confidence. D and O are the normaliser's decision and observation types
// (internal/normalise's Decision and Observation), or a reader's own types
// for the parts it shows: the JSON form is fixed here, not by them.
type Proposal[D, O any] struct {
	Decisions    []D     `json:"decisions"`
	Observations []O     `json:"observations"`
	Confidence   float64 `json:"confidence"`
}

// Encode gives the proposal's JSON, as stored.
func (p Proposal[D, O]) Encode() (json.RawMessage, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("encode review proposal: %w", err)
	}
	return b, nil
}

// DecodeProposal reads a stored proposal. Empty data (a review item with no
// proposal: a whole document waiting) and JSON null give a zero Proposal;
// anything that is not a proposal is an error.
func DecodeProposal[D, O any](data []byte) (Proposal[D, O], error) {
	var p Proposal[D, O]
	if len(data) == 0 {
		return p, nil
	}
	if err := json.Unmarshal(data, &p); err != nil {
		return Proposal[D, O]{}, fmt.Errorf("decode review proposal: %w", err)
	}
	return p, nil
}
