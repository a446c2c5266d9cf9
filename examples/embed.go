// Package examples holds sample campaigns; the demo runs the CRO one.
package examples

import _ "embed"

// CROForeignNationals is examples/cro-foreign-nationals.yaml: community
// resolutions issued to foreign nationals, by offence group and
// nationality, asked of all 44 forces of England and Wales.
//
//go:embed cro-foreign-nationals.yaml
var CROForeignNationals []byte
