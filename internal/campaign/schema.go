package campaign

import (
	"encoding/json"
	"fmt"

	"github.com/foidesk/foidesk/internal/normalise"
)

// Schema decodes and checks the spec's dataset section.
func (s *Spec) Schema() (*normalise.Schema, error) {
	return normalise.SchemaFrom(s.Dataset)
}

// SchemaOf reads the dataset of a spec stored as JSON (as a campaign run
// keeps it), for checking an operator's remap before it is sent.
func SchemaOf(specJSON []byte) (*normalise.Schema, error) {
	var s Spec
	if err := json.Unmarshal(specJSON, &s); err != nil {
		return nil, fmt.Errorf("campaign spec: %w", err)
	}
	return s.Schema()
}
