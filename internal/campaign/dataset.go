package campaign

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/foidesk/foidesk/internal/lazyre"
	"github.com/foidesk/foidesk/internal/normalise"
)

// datasetKeys are the keys allowed at each level of the dataset section.
var datasetKeys = map[string][]string{
	"dataset":   {"measure", "dimensions", "periods", "review_threshold"},
	"measure":   {"name", "unit", "headers"},
	"dimension": {"name", "kind", "synonyms", "values", "headers"},
	"periods":   {"from", "to", "kind"},
}

// validateDataset checks the dataset section as the normaliser will read
// it, at spec time rather than when the first force answers: unknown keys
// at every level, dimensions and their kinds, the measure, the periods and
// the review threshold. Each problem names its line.
func (s *Spec) validateDataset(root *yaml.Node, bad func(msg string, path ...string)) []error {
	node := valueAt(root, "dataset")
	if len(s.Dataset) == 0 || node == nil {
		bad("is required: the measure and dimensions the answers feed", "dataset")
		return nil
	}
	var errs []error
	unknown := func(n *yaml.Node, level, at string) {
		if n == nil || n.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if !slices.Contains(datasetKeys[level], k.Value) {
				errs = append(errs, &FieldError{Line: k.Line, Field: at + "." + k.Value,
					Msg: fmt.Sprintf("unknown key (%s takes %s)", at, strings.Join(datasetKeys[level], ", "))})
			}
		}
	}
	unknown(node, "dataset", "dataset")
	unknown(valueAt(node, "measure"), "measure", "dataset.measure")
	unknown(valueAt(node, "periods"), "periods", "dataset.periods")
	dims := valueAt(node, "dimensions")
	if dims != nil && dims.Kind == yaml.SequenceNode {
		for i, d := range dims.Content {
			unknown(d, "dimension", fmt.Sprintf("dataset.dimensions[%d]", i))
		}
	}
	if len(errs) > 0 {
		return errs // the normaliser would stop at the first of them
	}
	_, err := normalise.SchemaFrom(s.Dataset)
	se, ok := err.(*normalise.SchemaError)
	if err != nil && !ok {
		bad(err.Error(), "dataset")
	}
	if se != nil {
		for _, p := range se.Problems {
			errs = append(errs, &FieldError{Line: problemLine(node, dims, p), Field: "dataset", Msg: p})
		}
	}
	return errs
}

var (
	reDimIndex = lazyre.New(`^dimensions\[(\d+)\]`)
	reDimName  = lazyre.New(`^dimension "([^"]*)"`)
)

// problemLine finds the line a normaliser's problem is about: the
// dimension it names, or the key it starts with, else the dataset's.
func problemLine(dataset, dims *yaml.Node, problem string) int {
	line := dataset.Line
	if dims != nil && dims.Kind == yaml.SequenceNode {
		if m := reDimIndex.FindStringSubmatch(problem); m != nil {
			if i, _ := strconv.Atoi(m[1]); i < len(dims.Content) {
				return dims.Content[i].Line
			}
		}
		if m := reDimName.FindStringSubmatch(problem); m != nil {
			for _, d := range dims.Content {
				if n := valueAt(d, "name"); n != nil && n.Value == m[1] {
					if k := keyAt(d, "kind"); k != nil && strings.Contains(problem, "kind") {
						return k.Line
					}
					return d.Line
				}
			}
		}
	}
	for _, key := range []string{"measure", "dimensions", "periods", "review_threshold"} {
		if strings.HasPrefix(problem, key) {
			if k := keyAt(dataset, key); k != nil {
				return k.Line
			}
		}
	}
	return line
}

// valueAt is the value node of key in mapping n, or nil.
func valueAt(n *yaml.Node, key string) *yaml.Node {
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// keyAt is the key node of key in mapping n, or nil.
func keyAt(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i]
		}
	}
	return nil
}
