//go:build !race

package normalise

const raceDetector = false
