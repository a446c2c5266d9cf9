// Package browsertest finds the headless browser the browser tests drive.
package browsertest

import (
	"os/exec"
	"testing"

	"github.com/chromedp/chromedp"
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

// Options are the options the browser tests start Chromium bin with:
// chromedp's defaults (headless among them), no sandbox and no GPU, which
// containers lack, and a window wide enough for the dashboard's tables.
func Options(bin string) []chromedp.ExecAllocatorOption {
	return append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin),
		chromedp.Flag("no-sandbox", true), chromedp.Flag("disable-gpu", true), chromedp.WindowSize(1280, 1000))
}
