package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"

	"github.com/foidesk/foidesk/activities"
	"github.com/foidesk/foidesk/internal/classify"
	"github.com/foidesk/foidesk/internal/mail"
)

var classifyCmd = &command{
	name:    "classify",
	summary: "classify a police reply: kind, reference, sections, dates",
	usage:   "[--force SLUG] [--auto-reply] FILE | --measure DIR",
	help: `Classify one reply from a police force to an FOI request and print the
result as one JSON object: its kind, the force's reference, the FOIA/FOISA
sections it relies on, the received and due dates it states, and the
evidence for each decision.

FILE is plain text, either bare or in the fixture format (header lines
"key: value", a line "---", then the body). The fixture's "subject:" and
"from:" headers are used, and its "force:" header chooses the force's
reference formats unless --force is given. A .eml file is read as an
email: its Subject and From, its text body (HTML converted to text) and
its automatic-reply markers (Auto-Submitted, X-Autoreply, ...) are used,
and so are the letters attached to it (PDF, Word, text), read with the
body as the inbox reads them; the force is guessed from the sender's
display name unless --force is given. Damage found in an email, and
attachments that could not be read as letters, are reported on stderr.
A .pdf, .docx, .doc or .odt FILE is read as a letter on its own.

With --measure, DIR holds labelled replies, one .txt file each in the
fixture format with a "kind:" header and a "force:" (or "authority:")
header, and optionally "reference:" (the force's reference, several
separated by " | ", or "none"): the replies a desk decided, as written by
'foidesk inbox kinds --export DIR', or a corpus of its own. Each is
classified, and the command prints how many kinds came out right (an
acknowledgement and an automatic one count alike), how often the right
kind was among those offered, how many references were found, how many
were wrong and sure enough to move their request without a person, each
kind's tally and its confusions, and 95% intervals that resample forces:
a force's letters share templates, so they are not independent draws.
Files that cannot be read are named on stderr and left out.`,
	flags: func(fs *flag.FlagSet) {
		fs.String("force", "", "slug of the force that sent the reply, e.g. metropolitan, psni\n(default: from the file's force: header)")
		fs.Bool("auto-reply", false, "the reply was marked as sent automatically (Auto-Submitted)")
		fs.Bool("measure", false, "measure the classifier on the labelled replies in the directory given")
	},
	run: runClassify,
}

func init() { register(classifyCmd) }

// maxClassifyFile bounds the file read; the classifier itself reads at most
// classify.DefaultMaxScan bytes of the body.
const maxClassifyFile = 32 << 20

// classifyOutput is what the command prints: the force used, then the
// result's fields.
type classifyOutput struct {
	Force string `json:"force,omitempty"`
	classify.Result
}

func runClassify(ctx context.Context, a *app, args []string) error {
	if len(args) != 1 {
		return usageErrorf("want one FILE, got %d arguments", len(args))
	}
	name := args[0]
	if a.flagBool("measure") {
		return runMeasure(ctx, a, name)
	}
	data, err := readLimited(name, maxClassifyFile)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	in := &classify.Input{Body: string(data)}
	force := ""
	switch ext := strings.ToLower(filepath.Ext(name)); {
	case ext == ".pdf" || ext == ".docx" || ext == ".doc" || ext == ".odt":
		// A letter on its own, as a force attaches it.
		l, _ := activities.ReadLetter(ctx, filepath.Base(name), data)
		if l.Unread != "" {
			return fmt.Errorf("%s: %s", name, l.Unread)
		}
		in = &classify.Input{Letters: []classify.Letter{l}}
	case ext == ".eml":
		m, err := mail.Parse(data, nil)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		for _, p := range m.Problems {
			fmt.Fprintf(a.stderr, "foidesk classify: %s: %s\n", name, p)
		}
		letters := activities.ReadLetters(ctx, m)
		for _, l := range letters {
			if l.Unread != "" {
				fmt.Fprintf(a.stderr, "foidesk classify: %s: %s not read as a letter: %s\n", name, l.Name, l.Unread)
			}
		}
		in = &classify.Input{Subject: m.Subject, Body: m.Text, AutoReply: m.AutoReply, Letters: letters, Attachments: activities.AttachmentNames(m)}
		switch {
		case m.From.Name != "":
			in.From = m.From.Name + " <" + m.From.Address + ">"
		case m.From.Address != "":
			in.From = m.From.Address
		}
		force = forceSlug(m.From.Name)
	default:
		fx, err := classify.ParseFixture(bytes.NewReader(data))
		switch {
		case err == nil:
			in = fx.Input()
			force = forceSlug(fx.Header("force"))
		case !errors.Is(err, classify.ErrNotFixture):
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	if a.flagSet("force") {
		force = strings.ToLower(strings.TrimSpace(a.flagString("force")))
	}
	in.Force = force
	in.AutoReply = in.AutoReply || a.flagBool("auto-reply")

	out := classifyOutput{Force: force, Result: classify.Classify(in, nil)}
	enc := json.NewEncoder(a.stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("write result: %w", err)
	}
	return nil
}

func readLimited(name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: larger than %d MiB", name, limit>>20)
	}
	return data, nil
}

// forceAliases maps acronyms and name remnants to slugs.
var forceAliases = map[string]string{
	"mps": "metropolitan", "met": "metropolitan", "gmp": "greater-manchester",
	"btp": "british-transport-police", "wmp": "west-midlands", "tvp": "thames-valley",
	"wyp": "west-yorkshire", "cnc": "civil-nuclear-constabulary",
	"northern-ireland": "psni", "scotland": "police-scotland",
	"hampshire-and-isle-of-wight": "hampshire",
}

// forceSlug matches a force's display name ("Metropolitan Police Service
// (MPS)", "Police Service of Northern Ireland (PSNI)", "Kent Police") to
// one of the slugs with reference formats of their own; "" when none fits.
func forceSlug(name string) string {
	known := classify.ForceSlugs()
	lookup := func(s string) string {
		if a, ok := forceAliases[s]; ok {
			return a
		}
		if slices.Contains(known, s) {
			return s
		}
		return ""
	}
	if i := strings.IndexByte(name, '('); i >= 0 {
		if j := strings.IndexByte(name[i:], ')'); j > 0 {
			if s := lookup(strings.ToLower(strings.TrimSpace(name[i+1 : i+j]))); s != "" {
				return s
			}
		}
		name = name[:i]
	}
	words := strings.FieldsFunc(strings.ToLower(name), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	if s := lookup(strings.Join(words, "-")); s != "" {
		return s
	}
	for _, drop := range [][]string{{"police", "constabulary", "service"}, {"of", "the"}} {
		words = slices.DeleteFunc(words, func(w string) bool { return slices.Contains(drop, w) })
		if s := lookup(strings.Join(words, "-")); s != "" {
			return s
		}
	}
	return ""
}
