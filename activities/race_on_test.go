//go:build race

package activities

// raceEnabled is set when the tests run under the race detector.
const raceEnabled = true
