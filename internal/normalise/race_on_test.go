//go:build race

package normalise

// raceDetector: the race detector slows the randomised comparisons by an
// order of magnitude, so they draw fewer inputs under it.
const raceDetector = true
