package simulate

import (
	"bytes"
	"testing"
)

// The forces that behave as real ones do beyond the usual letters: two
// send the very same file, one answers with a one-line covering email, one
// corrects its figures, one answers after its request was closed, and two
// send their decision as a PDF letter under a covering line. A seed
// picks them the same way every time.
func TestBehavioursBeyondTheLetter(t *testing.T) {
	for _, seed := range []uint64{1, 7} {
		s, err := Start(&Options{Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		var twins, covering, corrects, afterClose []*Force
		letters := map[Behaviour]int{}
		for _, f := range s.Forces {
			if f.Letter {
				letters[f.Behaviour]++
			}
			switch {
			case f.Twin != "":
				twins = append(twins, f)
			case f.Covering:
				covering = append(covering, f)
			}
			switch f.Behaviour {
			case Corrects:
				corrects = append(corrects, f)
			case AfterClose:
				afterClose = append(afterClose, f)
			}
		}
		if len(twins) != 2 || len(covering) != 1 || len(corrects) != 1 || len(afterClose) != 1 {
			t.Fatalf("seed %d: %d twins, %d covering, %d correcting, %d after close; want 2, 1, 1, 1",
				seed, len(twins), len(covering), len(corrects), len(afterClose))
		}
		if len(letters) != 2 || letters[RefusesCost] != 1 || letters[NotHeld] != 1 {
			t.Errorf("seed %d: forces answering with a letter attached: %v, want one refusing on cost and one not holding", seed, letters)
		}
		a, b := twins[0], twins[1]
		fa, _, err := Render(a.Data, a.Layout, "Regional collaboration")
		if err != nil {
			t.Fatal(err)
		}
		fb, _, err := Render(b.Data, b.Layout, "Regional collaboration")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(fa.Data, fb.Data) || fa.Filename != fb.Filename {
			t.Errorf("seed %d: the twins' files differ", seed)
		}
		if a.Data.Figures[0].Force != a.Slug || b.Data.Figures[0].Force != b.Slug {
			t.Errorf("seed %d: a twin's figures are not its own", seed)
		}
		c := corrects[0].Data
		fixed := c.corrected()
		changed := 0
		for i := range c.Figures {
			if c.Figures[i] != fixed.Figures[i] {
				changed++
				if fixed.Figures[i].Value != c.Figures[i].Value+3 || fixed.Figures[i].Suppressed() {
					t.Errorf("seed %d: correction %+v of %+v", seed, fixed.Figures[i], c.Figures[i])
				}
			}
		}
		if changed != 1 {
			t.Errorf("seed %d: the correction changes %d figures, want 1", seed, changed)
		}
		if covering[0].Layout == LayoutHTMLBody {
			t.Errorf("seed %d: a covering email without an attachment carries nothing", seed)
		}
	}
	if got := KindCorrection.Expect(); got != "response" {
		t.Errorf("a correction should read as %q, reads %q", "response", got)
	}
}
