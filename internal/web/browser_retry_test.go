package web

import (
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestInBrowserStartsAgainWhenChromiumDies kills Chromium during a test's
// first attempt: inBrowser starts the test again with a fresh browser,
// which runs it to the end.
func TestInBrowserStartsAgainWhenChromiumDies(t *testing.T) {
	attempts, finished := 0, 0
	inBrowser(t, 30*time.Second, func(b *tab) {
		attempts++
		if got := b.eval(`1 + 2`); got != 3 {
			t.Fatalf("1 + 2 = %d", got)
		}
		if attempts == 1 {
			must(t, chromedp.FromContext(b.ctx).Browser.Process().Signal(os.Kill))
			for {
				b.eval(`1 + 2`) // the first calls can race the loss of the connection
			}
		}
		finished++
	})
	if attempts != 2 || finished != 1 {
		t.Errorf("%d attempts, %d finished; want the second attempt to finish", attempts, finished)
	}
}
