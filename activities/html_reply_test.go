package activities

import (
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/foidesk/foidesk/internal/classify"
	fmail "github.com/foidesk/foidesk/internal/mail"
)

// A force that sends its reply as an HTML e-mail is read as the inbox
// reads it (HTML converted to text) and must get the kind its words get as
// plain text. Every reply of the classifier's real corpus is sent both
// ways; only totals are printed (the corpus holds held-out replies).
func TestHTMLRepliesKeepKind(t *testing.T) {
	var names []string
	for _, dir := range []string{"real", "heldout", "heldout3", "heldout4", "heldout5", "replies"} {
		m, err := filepath.Glob(filepath.Join("..", "internal", "classify", "testdata", dir, "*.txt"))
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, m...)
	}
	if len(names) < 250 {
		t.Fatalf("%d corpus replies found, want the whole corpus", len(names))
	}
	changed := 0
	for _, name := range names {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		fx, err := classify.ParseFixture(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		in := fx.Input()
		in.Force = fx.Header("force")
		plain := classify.Classify(in, nil)
		var b strings.Builder
		b.WriteString("<html><body>")
		for _, para := range strings.Split(in.Body, "\n\n") {
			b.WriteString("<p>" + strings.ReplaceAll(html.EscapeString(para), "\n", "<br>") + "</p>\n")
		}
		b.WriteString("</body></html>")
		in.Body = fmail.HTMLToText(b.String())
		if got := classify.Classify(in, nil); got.Kind != plain.Kind {
			changed++
		}
	}
	t.Logf("%d of %d corpus replies change kind when sent as HTML", changed, len(names))
	if changed > len(names)/100 {
		t.Errorf("%d of %d replies change kind when sent as HTML, at most 1%% may", changed, len(names))
	}
}
