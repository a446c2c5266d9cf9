package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/foidesk/foidesk/internal/pdfwrite"
)

// replies holds the public police replies kept as the classifier's fixtures.
var replies = filepath.Join("..", "..", "internal", "classify", "testdata", "replies")

type classifyJSON struct {
	Force      string         `json:"force"`
	Kind       string         `json:"kind"`
	Reference  string         `json:"reference"`
	References []string       `json:"references"`
	Sections   []string       `json:"sections"`
	Received   string         `json:"received"`
	Due        string         `json:"due"`
	Evidence   []evidenceJSON `json:"evidence"`
}

type evidenceJSON struct {
	Rule   string `json:"rule"`
	Source string `json:"source"`
	Phrase string `json:"phrase"`
}

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &app{stdout: &out, stderr: &errb, getenv: func(string) string { return "" }})
	return code, out.String(), errb.String()
}

// classifyCLI runs foidesk classify with args and reads its JSON.
func classifyCLI(t *testing.T, args ...string) classifyJSON {
	t.Helper()
	code, stdout, stderr := runCLI(t, append([]string{"classify"}, args...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got classifyJSON
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("output is not one JSON object: %v\n%s", err, stdout)
	}
	return got
}

func TestClassifyCommand(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		force string
		kind  string
		ref   string
		secs  []string
		recv  string
	}{
		{"force from the fixture header", []string{"classify", filepath.Join(replies, "10-refusal-s12-psni.txt")},
			"psni", "refusal", "FOI/15521", []string{"s12(1)"}, ""},
		{"met acknowledgement", []string{"classify", filepath.Join(replies, "01-acknowledgement-metropolitan.txt")},
			"metropolitan", "acknowledgement", "2014060002719", []string{}, "2014-06-25"},
		{"an .eml through the MIME parser", []string{"classify", filepath.Join("..", "..", "internal", "mail", "testdata", "plain-reply.eml")},
			"metropolitan", "acknowledgement", "2014060002719", nil, "2014-06-25"},
		{"flag after the file", []string{"classify", filepath.Join(replies, "20-refusal-s12-kent.txt"), "--force", "kent"},
			"kent", "refusal", "16/06/669", []string{"s12(2)"}, "2016-06-09"},
		// With another force's formats, the West Midlands serial is not read.
		{"flag overrides the header", []string{"classify", "--force", "kent", filepath.Join(replies, "06-response-west-midlands.txt")},
			"kent", "response", "", []string{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			var got classifyJSON
			if err := json.Unmarshal([]byte(stdout), &got); err != nil {
				t.Fatalf("output is not one JSON object: %v\n%s", err, stdout)
			}
			if got.Force != tt.force || got.Kind != tt.kind || got.Reference != tt.ref || got.Received != tt.recv {
				t.Errorf("got force %q kind %q ref %q received %q; want %q %q %q %q",
					got.Force, got.Kind, got.Reference, got.Received, tt.force, tt.kind, tt.ref, tt.recv)
			}
			if !slices.Equal(got.Sections, tt.secs) {
				t.Errorf("sections = %q, want %q", got.Sections, tt.secs)
			}
			if len(got.Evidence) == 0 {
				t.Error("no evidence")
			}
			for _, key := range []string{`"kind"`, `"reference"`, `"sections"`, `"received"`, `"due"`, `"evidence"`} {
				if !strings.Contains(stdout, key) {
					t.Errorf("output lacks %s", key)
				}
			}
		})
	}
}

func TestClassifyCommandPlainText(t *testing.T) {
	path := filepath.Join(t.TempDir(), "reply.txt")
	body := "Dear Sir,\n\nI am currently out of the office until Monday 3 March 2025 with no access to email.\n"
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	got := classifyCLI(t, path)
	if got.Kind != "auto_reply" || got.Force != "" {
		t.Errorf("kind %q force %q, want auto_reply and no force", got.Kind, got.Force)
	}
}

// A PDF letter is classified on its own; one that cannot be read is an
// error that names the file.
func TestClassifyCommandLetter(t *testing.T) {
	dir := t.TempDir()
	letter := filepath.Join(dir, "Response 25-06-1234.pdf")
	if err := os.WriteFile(letter, pdfwrite.Letter([]string{
		"FREEDOM OF INFORMATION REQUEST 25/06/1234", "",
		"To locate and extract the information would exceed the appropriate limit of 18 hours.",
		"This letter represents a refusal notice under Section 12(1) of the Act.",
	}), 0o600); err != nil {
		t.Fatal(err)
	}
	got := classifyCLI(t, "--force", "kent", letter)
	if got.Kind != "refusal" || got.Reference != "25/06/1234" {
		t.Errorf("kind %q reference %q, want refusal 25/06/1234", got.Kind, got.Reference)
	}
	if !slices.ContainsFunc(got.Evidence, func(e evidenceJSON) bool { return e.Rule == "refusal:refusal-notice" && e.Source == "letter" }) {
		t.Errorf("no refusal notice read from the letter: %+v", got.Evidence)
	}
	broken := filepath.Join(dir, "broken.pdf")
	if err := os.WriteFile(broken, []byte("%PDF-1.4\nnot a document"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "classify", broken); code == 0 || !strings.Contains(stderr, "broken.pdf") {
		t.Errorf("broken letter: exit %d, stderr %q; want an error naming the file", code, stderr)
	}
}

// A reply forwarded as an attachment under a line of the forwarder's is
// read as the reply it forwards: the same kind as that reply on its own.
func TestClassifyCommandForwardedAsAttachment(t *testing.T) {
	fwd := classifyCLI(t, "--force", "warwickshire", filepath.Join("..", "..", "internal", "mail", "testdata", "forwarded.eml"))
	alone := classifyCLI(t, filepath.Join(replies, "28-response-warwickshire.txt"))
	if fwd.Kind != alone.Kind || fwd.Reference != alone.Reference {
		t.Errorf("forwarded: %s %q; the reply on its own: %s %q", fwd.Kind, fwd.Reference, alone.Kind, alone.Reference)
	}
	if !slices.ContainsFunc(fwd.Evidence, func(e evidenceJSON) bool { return e.Rule == "letter:read" && e.Phrase == "forwarded message 1" }) {
		t.Errorf("the forwarded message was not read: %+v", fwd.Evidence)
	}
}

func TestClassifyCommandErrors(t *testing.T) {
	eml := filepath.Join(t.TempDir(), "reply.eml")
	if err := os.WriteFile(eml, []byte("\r\n\r\nbody\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no file", []string{"classify"}, 2, "want one FILE"},
		{"two files", []string{"classify", "a.txt", "b.txt"}, 2, "want one FILE"},
		{"missing file", []string{"classify", filepath.Join(t.TempDir(), "nope.txt")}, 1, "nope.txt"},
		{"eml that is not an email", []string{"classify", eml}, 1, "not an email message"},
		{"unknown flag", []string{"classify", "--nope", "x.txt"}, 2, "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d", code, tt.code)
			}
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr %q lacks %q", stderr, tt.stderr)
			}
			if stdout != "" {
				t.Errorf("stdout %q, want nothing", stdout)
			}
		})
	}
}

func TestForceSlug(t *testing.T) {
	tests := map[string]string{
		"Metropolitan Police Service (MPS)":          "metropolitan",
		"Police Service of Northern Ireland (PSNI)":  "psni",
		"Police Service of Northern Ireland":         "psni",
		"Kent Police":                                "kent",
		"Greater Manchester Police":                  "greater-manchester",
		"British Transport Police":                   "british-transport-police",
		"Thames Valley Police":                       "thames-valley",
		"Hampshire and Isle of Wight Constabulary":   "hampshire",
		"Police Scotland":                            "police-scotland",
		"Police Service of Scotland":                 "police-scotland",
		"Norfolk Constabulary":                       "norfolk",
		"Avon and Somerset Constabulary":             "", // no reference formats of its own
		"":                                           "",
		"Information Compliance, West Mercia Police": "",
	}
	for name, want := range tests {
		if got := forceSlug(name); got != want {
			t.Errorf("forceSlug(%q) = %q, want %q", name, got, want)
		}
	}
}

// classify --measure on a directory of labelled replies: the kinds right
// and wrong, the references found of those labelled, and files that are
// not labelled replies named and left out.
func TestClassifyMeasure(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Right: a refusal under s.12, its reference labelled and found.
	write("kent-1.txt", "force: kent\nkind: refusal\nreference: FOI 123/25\nsubject: FOI 123/25\n---\n"+
		"Your request for information has now been considered. We estimate that the cost of complying with your request "+
		"would exceed the appropriate limit, so section 12(1) of the Freedom of Information Act applies and this letter "+
		"serves as a refusal notice.\n")
	// Labelled an answer, but its words are a refusal's: wrong, and its
	// reference is not labelled.
	write("durham-1.txt", "force: durham\nkind: response\nnote: unsure, may be a refusal\n---\n"+
		"We estimate that the cost of complying with your request would exceed the appropriate limit, so section 12(1) "+
		"of the Freedom of Information Act applies and this letter serves as a refusal notice.\n")
	write("notes.txt", "a file that is not a labelled reply\n")
	write("essex-1.txt", "force: essex\nkind: thank-you\n---\nThank you.\n")

	code, stdout, stderr := runCLI(t, "classify", "--measure", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		", 2 forces: 2 replies",
		"kinds lenient         1   50.0%",
		"references found      1  100.0%  (of the 1 replies whose reference is labelled)",
		"labels sure           1  kinds right 1 (100.0%); marked unsure 1, right 0 (0.0%)",
		"response                 0/1     0.0%  refusal 1",
		"refusal                  1/1   100.0%",
		"95% intervals, resampling producers",
		"2 of 4 files left out",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	for _, want := range []string{"notes.txt: left out: not in the fixture format", "essex-1.txt: left out"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}

	if code, _, stderr := runCLI(t, "classify", "--measure", t.TempDir()); code == 0 || !strings.Contains(stderr, "no labelled replies") {
		t.Errorf("an empty directory: exit %d, %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "classify", "--measure", filepath.Join(dir, "kent-1.txt")); code == 0 || !strings.Contains(stderr, "is a file") {
		t.Errorf("a file for a directory: exit %d, %s", code, stderr)
	}
}
