package main

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/foidesk/foidesk/internal/classify"
)

// runMeasure classifies the labelled replies in dir and prints how the
// classifier fares on them (foidesk classify --measure DIR).
func runMeasure(ctx context.Context, a *app, dir string) error {
	if fi, err := os.Stat(dir); err != nil {
		return err
	} else if !fi.IsDir() {
		return usageErrorf("--measure wants a directory of labelled replies, and %s is a file", dir)
	}
	names, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		return err
	}
	var cases []classify.Labelled
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return err
		}
		c, err := measureOne(name)
		if err != nil {
			fmt.Fprintf(a.stderr, "foidesk classify: %s: left out: %v\n", name, err)
			continue
		}
		cases = append(cases, c)
	}
	if len(cases) == 0 {
		return fmt.Errorf("no labelled replies in %s: want .txt files in the fixture format with kind: and force: headers (foidesk inbox kinds --export writes them)", dir)
	}
	s := classify.Measure(cases)
	fmt.Fprint(a.stdout, s.Table(fmt.Sprintf("%s, %d forces", dir, s.Producers)))
	fmt.Fprintf(a.stdout, "  %s\n\nby force:\n%s\n", classify.Intervals(cases), classify.ByProducer(cases))
	if left := len(names) - len(cases); left > 0 {
		fmt.Fprintf(a.stdout, "\n%d of %d files left out (named on stderr)\n", left, len(names))
	}
	return nil
}

// measureOne reads and classifies one labelled reply.
func measureOne(name string) (classify.Labelled, error) {
	data, err := readLimited(name, maxClassifyFile)
	if err != nil {
		return classify.Labelled{}, err
	}
	fx, err := classify.ParseFixture(bytes.NewReader(data))
	if errors.Is(err, classify.ErrNotFixture) {
		return classify.Labelled{}, errors.New("not in the fixture format (header lines, a line ---, then the text)")
	}
	if err != nil {
		return classify.Labelled{}, err
	}
	want, err := fx.Kind()
	if err != nil {
		return classify.Labelled{}, err
	}
	force := cmp.Or(fx.Header("force"), fx.Header("authority"))
	if force == "" {
		return classify.Labelled{}, errors.New("no force: or authority: header")
	}
	in := fx.Input()
	// A force's slug chooses its reference formats; a force named in full
	// ("Greater Manchester Police") is known by it too.
	in.Force = cmp.Or(forceSlug(force), force)
	c := classify.Labelled{Name: filepath.Base(name), Producer: in.Force, Want: want, Got: classify.Classify(in, nil),
		Unsure: strings.Contains(strings.ToLower(fx.Header("note")), "unsure")}
	if ref := strings.TrimSpace(fx.Header("reference")); ref != "" {
		var refs []string
		if !strings.EqualFold(ref, "none") {
			refs = strings.Split(ref, " | ")
		}
		c.RefLabelled, c.RefRight = true, classify.ReferenceFound(c.Got, refs)
	}
	return c, nil
}
