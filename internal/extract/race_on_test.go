//go:build race

package extract

// raceEnabled is set when the tests run under the race detector.
const raceEnabled = true
