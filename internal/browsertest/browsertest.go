// Package browsertest finds the headless browser the browser tests drive.
package browsertest

import (
	"os/exec"
	"testing"
)

// Chromium returns a Chromium or Chrome binary, or skips the test saying
// how to get one.
func Chromium(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no Chromium on this machine: install the Debian package chromium (apt-get install chromium) to run the browser test")
	return ""
}
