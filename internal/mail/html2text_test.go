package mail

import (
	"strings"
	"testing"
)

func TestHTMLToText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"paragraphs", "<p>Dear Sir,</p><p>Please find the  information\nattached.</p>",
			"Dear Sir,\n\nPlease find the information attached."},
		{"outlook lines", `<p class=MsoNormal>Kind regards,<o:p></o:p></p><p class=MsoNormal>Samantha<o:p></o:p></p><p class=MsoNormal><o:p>&nbsp;</o:p></p><p class=MsoNormal>GMP</p>`,
			"Kind regards,\nSamantha\nGMP"},
		{"br", "line one<br>line two<br><br>after a blank", "line one\nline two\n\nafter a blank"},
		{"data table", `<table><tr><th>Year</th><th>Arrests</th><th>Charged</th></tr><tr><td>2015</td><td>1,204</td><td><p>87</p></td></tr><tr><td colspan=2>Total</td><td>87</td></tr></table>`,
			"Year\tArrests\tCharged\n2015\t1,204\t87\nTotal\t\t87"},
		{"table between paragraphs", `<p>Figures:</p><table><tr><td>a</td><td>1</td></tr></table><p>Caveat.</p>`,
			"Figures:\n\na\t1\n\nCaveat."},
		{"empty cells keep columns", `<table><tr><td>x</td><td></td><td>3</td></tr></table>`, "x\t\t3"},
		{"layout table", `<table><tr><td><p>First paragraph.</p><p>Second.</p></td></tr></table>`,
			"First paragraph.\n\nSecond."},
		{"nested tables are layout", `<table><tr><td>Header</td><td><table><tr><td>a</td><td>1</td></tr></table></td></tr></table>`,
			"Header\n\na\t1"},
		{"lists", `<ul><li>one</li><li>two</li></ul><ol><li>first</li><li>second</li></ol>`, "- one\n- two\n1. first\n2. second"},
		{"links", `See <a href="https://www.psni.police.uk/foi-disclosure-log">our disclosure log</a> or <a href="mailto:foi@x">foi@x</a>.`,
			"See our disclosure log <https://www.psni.police.uk/foi-disclosure-log> or foi@x."},
		{"link text is the address", `<a href="https://example.police.uk/">https://example.police.uk/</a>`, "https://example.police.uk/"},
		{"image links give nothing", `<a href="https://rate.example/?x=1"><img src="cid:a"></a>Done`, "Done"},
		{"dropped", `<html><head><title>t</title><style>p{}</style><script>x()</script></head><body>Body<!-- c --></body></html>`, "Body"},
		{"entities and nbsp", "&pound;450&nbsp;&ndash; &ldquo;costs&rdquo; &amp; time", "£450 – “costs” & time"},
		{"pre", "<pre>2010  12345\n2011  11143</pre>", "2010  12345\n2011  11143"},
		{"broken html", "<p>unclosed <b>bold <table><tr><td>a<td>b", "unclosed bold\n\na\tb"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HTMLToText(tt.in); got != tt.want {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestHTMLToTextDeepNesting(t *testing.T) {
	// Deeply nested markup must not blow the stack or take long.
	in := strings.Repeat("<div><span>", 20000) + "deep" + strings.Repeat("</span></div>", 20000)
	if got := HTMLToText(in); got != "deep" {
		t.Errorf("got %q", got)
	}
}
