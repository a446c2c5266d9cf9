package mail

// The .eml fixtures in testdata are written by TestGenerateFixtures
// (go test -run TestGenerateFixtures -update ./internal/mail/) from the
// police replies in testdata/replies, the TNEF samples in testdata/tnef and
// the files it writes to testdata/files. The tests read the written files;
// they compare what Parse finds with these sources.

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/base64"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	"github.com/foidesk/foidesk/internal/pdfwrite"
)

var update = flag.Bool("update", false, "rewrite the .eml fixtures in testdata")

// ourDomain is the domain of the Message-IDs we send.
const ourDomain = "foidesk.example"

// requestID is the Message-ID of the request we sent to a force.
func requestID(force string) string { return MessageID("cro-2025/"+force+"/request", ourDomain) }

// reply is a police reply fixture: its header lines and body.
type reply struct {
	header map[string]string
	body   string
}

func loadReply(t testing.TB, name string) reply {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "replies", name+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	head, body, ok := strings.Cut(string(data), "\n---\n")
	if !ok {
		t.Fatalf("%s: no --- line", name)
	}
	r := reply{header: map[string]string{}, body: body}
	for _, l := range strings.Split(head, "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok {
			r.header[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return r
}

// norfolkTable reads the flattened "Year Nationality 2007 … 2016" table of
// the Norfolk reply back into rows: a header, then a nationality and ten
// figures per row.
func norfolkTable(t testing.TB, body string) (rows [][]string, start, end int) {
	t.Helper()
	i := strings.Index(body, "Year Nationality ")
	if i < 0 {
		t.Fatal("no table in the Norfolk reply")
	}
	hdrEnd := i + strings.IndexByte(body[i:], '\n')
	header := strings.Fields(body[i:hdrEnd])
	rows = append(rows, append([]string{"Nationality"}, header[2:]...))
	j := hdrEnd + strings.IndexFunc(body[hdrEnd:], func(r rune) bool { return r != '\n' })
	lineEnd := j + strings.IndexByte(body[j:], '\n')
	var row []string
	for _, tok := range strings.Fields(body[j:lineEnd]) {
		if tok[0] < '0' || tok[0] > '9' {
			if row != nil {
				rows = append(rows, row)
			}
			row = []string{tok}
			continue
		}
		row = append(row, tok)
	}
	rows = append(rows, row)
	for _, r := range rows {
		if len(r) != len(rows[0]) {
			t.Fatalf("Norfolk table row %q: %d cells, header has %d", r, len(r), len(rows[0]))
		}
	}
	return rows, i, lineEnd
}

var wmpRow = regexp.MustCompile(`(?m)^(20\d\d) (\d+) (\d+) (\d+)$`)

// wmpTable is the West Midlands figures table of reply 06.
func wmpTable(t testing.TB) [][]string {
	t.Helper()
	rows := [][]string{{"Year", "Community Resolutions", "Offender 0-17 years", "Offender 18+ years"}}
	for _, m := range wmpRow.FindAllStringSubmatch(loadReply(t, "06-response-west-midlands").body, -1) {
		rows = append(rows, m[1:])
	}
	if len(rows) < 5 {
		t.Fatalf("West Midlands table: %d rows", len(rows))
	}
	return rows
}

func csvOf(rows [][]string) []byte {
	var b bytes.Buffer
	for _, r := range rows {
		b.WriteString(strings.Join(r, ",") + "\r\n")
	}
	return b.Bytes()
}

var fixedTime = time.Date(2025, 3, 14, 10, 30, 0, 0, time.UTC)

// makeXLSX writes a minimal Office Open XML workbook with one sheet.
func makeXLSX(t testing.TB, rows [][]string) []byte {
	t.Helper()
	var sheet strings.Builder
	sheet.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	for i, r := range rows {
		fmt.Fprintf(&sheet, `<row r="%d">`, i+1)
		for j, c := range r {
			ref := fmt.Sprintf("%c%d", 'A'+j, i+1)
			if _, err := fmt.Sscanf(c, "%d", new(int)); err == nil && !strings.ContainsAny(c, " -+") {
				fmt.Fprintf(&sheet, `<c r="%s"><v>%s</v></c>`, ref, c)
			} else {
				fmt.Fprintf(&sheet, `<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, ref, c)
			}
		}
		sheet.WriteString(`</row>`)
	}
	sheet.WriteString(`</sheetData></worksheet>`)
	files := []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Figures" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`},
		{"xl/worksheets/sheet1.xml", sheet.String()},
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: fixedTime})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(f.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// makePDF writes a one-page PDF showing lines of ASCII text.
func makePDF(lines []string) []byte {
	var content strings.Builder
	content.WriteString("BT /F1 10 Tf 14 TL 50 790 Td\n")
	esc := strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`)
	for _, l := range lines {
		l = strings.Map(func(r rune) rune {
			if r > 126 {
				return '?'
			}
			return r
		}, l)
		fmt.Fprintf(&content, "(%s) Tj T*\n", esc.Replace(l))
	}
	content.WriteString("ET\n")
	return pdfwrite.Write([]pdfwrite.Object{
		{Dict: "<< /Type /Catalog /Pages 2 0 R >>"},
		{Dict: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"},
		{Dict: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"},
		{Dict: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"},
		pdfwrite.Stream("", []byte(content.String())),
	})
}

// makeLogo draws a small PNG, like a signature logo.
func makeLogo() []byte {
	img := image.NewPaletted(image.Rect(0, 0, 48, 16), color.Palette{color.White, color.RGBA{0, 40, 104, 255}})
	for x := 2; x < 46; x++ {
		for y := 4; y < 12; y++ {
			if (x/4+y/4)%2 == 0 {
				img.SetColorIndex(x, y, 1)
			}
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// makeZip writes a zip archive of the named files, in order.
func makeZip(t testing.TB, files ...any) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for i := 0; i < len(files); i += 2 {
		name := files[i].(string)
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: fixedTime})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(files[i+1].([]byte)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Message building: every line ends in CRLF.

func crlf(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
}

// entity joins header fields and a body.
func entity(fields []string, body string) string {
	return strings.Join(fields, "\r\n") + "\r\n\r\n" + body
}

func multipartBody(boundary string, parts ...string) string {
	var b strings.Builder
	b.WriteString("This is a multi-part message in MIME format.\r\n")
	for _, p := range parts {
		b.WriteString("\r\n--" + boundary + "\r\n" + p)
	}
	b.WriteString("\r\n--" + boundary + "--\r\n")
	return b.String()
}

func qpBody(text string) string {
	var b bytes.Buffer
	w := quotedprintable.NewWriter(&b)
	if _, err := w.Write([]byte(crlf(text))); err != nil {
		panic(err)
	}
	if err := w.Close(); err != nil {
		panic(err)
	}
	return b.String()
}

func b64Body(data []byte) string {
	s := base64.StdEncoding.EncodeToString(data)
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	b.WriteString(s + "\r\n")
	return b.String()
}

func textPart(charset, cte, body string) string {
	return entity([]string{
		`Content-Type: text/plain; charset="` + charset + `"`,
		"Content-Transfer-Encoding: " + cte,
	}, body)
}

func filePart(ctype, name string, data []byte) string {
	return entity([]string{
		`Content-Type: ` + ctype + `; name="` + name + `"`,
		`Content-Disposition: attachment; filename="` + name + `"`,
		"Content-Transfer-Encoding: base64",
	}, b64Body(data))
}

// envelope is the header of a reply from a force to our request.
func envelope(force, from, subject string, date time.Time, extra ...string) []string {
	id := MessageID("reply/"+force+"/"+subject, force+".police.example")
	fields := []string{
		"Return-Path: <" + addrOf(from) + ">",
		"Received: from mx.police.example (mx.police.example [192.0.2.25]) by mail.foidesk.example; " + date.Format(time.RFC1123Z),
		"From: " + from,
		"To: FOI Desk <foi@foidesk.example>",
		"Subject: " + subject,
		"Date: " + date.Format(time.RFC1123Z),
		"Message-ID: <" + id + ">",
		"In-Reply-To: <" + requestID(force) + ">",
		"References: <" + requestID(force) + ">",
		"MIME-Version: 1.0",
	}
	return append(fields, extra...)
}

func addrOf(from string) string {
	if a, err := mail.ParseAddress(from); err == nil {
		return a.Address
	}
	return from
}

func htmlParagraphs(body string) string {
	var b strings.Builder
	for _, para := range strings.Split(strings.TrimSpace(body), "\n\n") {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		esc := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(para)
		b.WriteString("<p class=MsoNormal>" + strings.ReplaceAll(esc, "\n", " ") + "<o:p></o:p></p>\n<p class=MsoNormal><o:p>&nbsp;</o:p></p>\n")
	}
	return b.String()
}

// fixtures builds every .eml fixture and the files they carry.
func fixtures(t testing.TB) (emls map[string]string, files map[string][]byte) {
	emls = map[string]string{}
	files = map[string][]byte{}
	day := func(d int) time.Time { return time.Date(2025, 3, d, 9, 41, 7, 0, time.FixedZone("", 0)) }

	// Plain reply: Metropolitan Police acknowledgement, US-ASCII text.
	met := loadReply(t, "01-acknowledgement-metropolitan")
	emls["plain-reply.eml"] = entity(envelope("metropolitan",
		`"Metropolitan Police Service" <foi.requests@metropolitan.police.example>`,
		"RE: Freedom of Information request - Correspondence [FOI cro-2025/metropolitan]", day(3),
		`Content-Type: text/plain; charset="us-ascii"`, "Content-Transfer-Encoding: 7bit"),
		crlf(met.body))

	// HTML-only reply with the Norfolk table as an HTML table.
	nor := loadReply(t, "08-response-norfolk")
	rows, start, end := norfolkTable(t, nor.body)
	var table strings.Builder
	table.WriteString(`<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0>` + "\n")
	for i, r := range rows {
		table.WriteString("<tr>")
		for _, c := range r {
			tag := "td"
			if i == 0 {
				tag = "th"
			}
			fmt.Fprintf(&table, `<%s style="padding:0cm 5.4pt"><p class=MsoNormal>%s<o:p></o:p></p></%s>`, tag, c, tag)
		}
		table.WriteString("</tr>\n")
	}
	table.WriteString("</table>\n")
	html := `<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>` +
		`<meta http-equiv="Content-Type" content="text/html; charset=utf-8"><style>p.MsoNormal{margin:0cm}</style></head>` +
		"\n<body lang=EN-GB><div class=WordSection1>\n" + htmlParagraphs(nor.body[:start]) + table.String() +
		htmlParagraphs(nor.body[end:]) + "</div></body></html>\n"
	emls["html-table.eml"] = entity(envelope("norfolk",
		`Norfolk Constabulary FOI <foi@norfolk.police.example>`,
		"RE: Freedom of Information request - Arrests by nationality [FOI cro-2025/norfolk]", day(4),
		`Content-Type: text/html; charset="utf-8"`, "Content-Transfer-Encoding: quoted-printable"),
		qpBody(html))

	// Reply with a PDF letter, an XLSX table and an inline logo.
	avon := loadReply(t, "34-response-avon-and-somerset")
	pdf := makePDF(strings.Split(avon.body, "\n")[:12])
	xlsx := makeXLSX(t, wmpTable(t))
	logo := makeLogo()
	files["response.pdf"], files["figures.xlsx"], files["logo.png"] = pdf, xlsx, logo
	avonHTML := "<html><body>" + htmlParagraphs(avon.body) + `<p><img src="cid:logo001.png@01DB9A1C.5E3A2B10" alt="Avon and Somerset Police"></p></body></html>`
	emls["attachments.eml"] = entity(envelope("avon-and-somerset",
		`"Freedom of Information" <foi@avonandsomerset.police.example>`,
		"RE: Freedom of Information request - Total arrests by nationality [FOI cro-2025/avon-and-somerset]", day(5),
		`Content-Type: multipart/mixed; boundary="----=_mixed_0001"`),
		multipartBody("----=_mixed_0001",
			entity([]string{`Content-Type: multipart/alternative; boundary="----=_alt_0002"`},
				multipartBody("----=_alt_0002",
					textPart("utf-8", "quoted-printable", qpBody(avon.body)),
					entity([]string{`Content-Type: multipart/related; type="text/html"; boundary="----=_rel_0003"`},
						multipartBody("----=_rel_0003",
							entity([]string{`Content-Type: text/html; charset="utf-8"`, "Content-Transfer-Encoding: quoted-printable"}, qpBody(avonHTML)),
							entity([]string{`Content-Type: image/png; name="image001.png"`, "Content-Transfer-Encoding: base64",
								"Content-ID: <logo001.png@01DB9A1C.5E3A2B10>", `Content-Disposition: inline; filename="image001.png"`}, b64Body(logo)))))),
			filePart("application/pdf", "FOI 1234-16 Response.pdf", pdf),
			// Sent as octet-stream, as many mail servers do.
			filePart("application/octet-stream", "Arrests 2014-2016.xlsx", xlsx)))

	// A response forwarded as an attachment, with a CSV of its own.
	war := loadReply(t, "28-response-warwickshire")
	dispersal := csvOf([][]string{{"Year", "Dispersal orders"}, {"2022", "3"}, {"2023 (to 31 August)", "14"}})
	files["dispersal-orders.csv"] = dispersal
	inner := entity([]string{
		`From: "Warwickshire Police Disclosure" <disclosure@warwickshire.police.example>`,
		"To: Information Compliance <foi@warwickshire.police.example>",
		"Subject: FOI 1112-2023 response",
		"Date: " + day(6).Format(time.RFC1123Z),
		"Message-ID: <disclosure-1112-2023@warwickshire.police.example>",
		"MIME-Version: 1.0",
		`Content-Type: multipart/mixed; boundary="inner-boundary-42"`,
	}, multipartBody("inner-boundary-42",
		textPart("utf-8", "quoted-printable", qpBody(war.body)),
		filePart("text/csv", "dispersal-orders.csv", dispersal)))
	emls["forwarded.eml"] = entity(envelope("warwickshire",
		`Information Compliance <foi@warwickshire.police.example>`,
		"FW: FOI 1112-2023 response [FOI cro-2025/warwickshire]", day(7),
		`Content-Type: multipart/mixed; boundary="outer-boundary-17"`),
		multipartBody("outer-boundary-17",
			textPart("us-ascii", "7bit", crlf("Good morning,\n\nPlease see the attached response from our disclosure team.\n\nInformation Compliance\nWarwickshire Police\n")),
			entity([]string{"Content-Type: message/rfc822", "Content-Disposition: attachment"}, inner)))

	// A zip with folders and a nested zip.
	wmp := loadReply(t, "06-response-west-midlands")
	figures := csvOf(wmpTable(t))
	notes := []byte(crlf("Figures extracted from the crime recording system.\nEvery effort is made to ensure that the figures presented are accurate and complete.\n"))
	totals := csvOf([][]string{{"Year", "Total"}, {"2010", "12345"}, {"2014", "7820"}})
	innerZip := makeZip(t, "table.xlsx", xlsx, "deeper/totals.csv", totals)
	files["figures.csv"], files["notes.txt"], files["totals.csv"] = figures, notes, totals
	dataZip := makeZip(t, "2024/", []byte{}, "2024/figures.csv", figures, "notes.txt", notes,
		"archive/inner.zip", innerZip, "__MACOSX/._notes.txt", []byte("junk"))
	emls["zip.eml"] = entity(envelope("west-midlands",
		`"b_foi, West Midlands Police" <foi@west-midlands.police.example>`,
		"RE: Freedom of Information request - Community resolutions [FOI cro-2025/west-midlands]", day(10),
		`Content-Type: multipart/mixed; boundary="zzzz-zip"`),
		multipartBody("zzzz-zip",
			textPart("utf-8", "quoted-printable", qpBody(wmp.body)),
			filePart("application/x-zip-compressed", "data.zip", dataZip)))

	// Outlook's winmail.dat beside a plain text body.
	gmp := loadReply(t, "14-extension-greater-manchester")
	tnefAttach, err := os.ReadFile(filepath.Join("testdata", "tnef", "attachments.tnef"))
	if err != nil {
		t.Fatal(err)
	}
	emls["winmail.eml"] = entity(envelope("greater-manchester",
		`"Greater Manchester Police" <foi@gmp.police.example>`,
		"RE: Freedom of Information request - Transforming PSD project [FOI cro-2025/greater-manchester]", day(11),
		`Content-Type: multipart/mixed; boundary="_002_GMP_winmail_"`),
		multipartBody("_002_GMP_winmail_",
			textPart("us-ascii", "quoted-printable", qpBody(gmp.body)),
			entity([]string{`Content-Type: application/ms-tnef; name="winmail.dat"`, "Content-Transfer-Encoding: base64",
				`Content-Disposition: attachment; filename="winmail.dat"`}, b64Body(tnefAttach))))

	// Outlook rich text: the body exists only inside winmail.dat.
	tnefBody, err := os.ReadFile(filepath.Join("testdata", "tnef", "unicode-mapi-attr-name.tnef"))
	if err != nil {
		t.Fatal(err)
	}
	emls["winmail-only.eml"] = entity(envelope("kent",
		`"Kent Police FOI" <foi@kent.police.example>`,
		"RE: [ZGLOSZENIE] THU#29044", day(12),
		`Content-Type: application/ms-tnef; name="winmail.dat"`, "Content-Transfer-Encoding: base64"),
		b64Body(tnefBody))

	// Charsets: ISO-8859-1 quoted-printable, Windows-1252 8bit, UTF-8 QP.
	sw := loadReply(t, "12-refusal-s12-south-wales")
	latin1, err := charmap.ISO8859_1.NewEncoder().String(sw.body)
	if err != nil {
		t.Fatal(err)
	}
	emls["latin1.eml"] = entity(envelope("south-wales",
		`South Wales Police <foi@south-wales.police.example>`,
		"=?iso-8859-1?q?RE=3A_FOI_825/25_=96_cost_limit_=A3450?=", day(13),
		`Content-Type: text/plain; charset=ISO-8859-1`, "Content-Transfer-Encoding: quoted-printable"),
		qpBody(latin1))
	tv := loadReply(t, "25-refusal-s12-thames-valley")
	cp, err := charmap.Windows1252.NewEncoder().String(tv.body)
	if err != nil {
		t.Fatal(err)
	}
	emls["cp1252.eml"] = entity(envelope("thames-valley",
		`"Public Access TV" <publicaccess@thamesvalley.police.example>`,
		"RE: Freedom of Information request - HQ/PA/002769/19", day(14),
		`Content-Type: text/plain; charset="Windows-1252"`, "Content-Transfer-Encoding: 8bit"),
		crlf(cp))
	ir := loadReply(t, "16-internal-review-greater-manchester")
	emls["utf8-qp.eml"] = entity(envelope("greater-manchester",
		`"Information Compliance and Records Management Unit" <foi@gmp.police.example>`,
		"=?utf-8?q?Review_of_Freedom_of_Information_Request_=E2=80=93_GSA4850/11?=", day(17),
		`Content-Type: text/plain; charset=utf-8`, "Content-Transfer-Encoding: quoted-printable"),
		qpBody(ir.body))

	// Automatic replies: an FOI inbox auto-acknowledgement and an
	// out-of-office notice.
	mer := loadReply(t, "03-acknowledgement-merseyside")
	emls["auto-reply.eml"] = entity(envelope("merseyside",
		`"Merseyside Police FOI" <foi@merseyside.police.example>`,
		"Automatic reply: Freedom of Information request - Community resolutions [FOI cro-2025/merseyside]", day(3),
		"Auto-Submitted: auto-replied", "X-Auto-Response-Suppress: All",
		`Content-Type: text/plain; charset="utf-8"`, "Content-Transfer-Encoding: quoted-printable"),
		qpBody(mer.body))
	emls["out-of-office.eml"] = entity(envelope("durham",
		`"Smith, Jane" <jane.smith@durham.police.example>`,
		"Out of Office: Freedom of Information request - Community resolutions [FOI cro-2025/durham]", day(3),
		"Precedence: bulk", `Content-Type: text/plain; charset="us-ascii"`),
		crlf("Thank you for your email.\n\nI am currently out of the office on annual leave, returning on Monday 17 March 2025.\n"+
			"For Freedom of Information matters please contact the Information Rights and Disclosure team.\n"))

	// A delivery status notification for a request we sent.
	sent, err := Compose(Outgoing{
		From:      mail.Address{Name: "FOI Desk", Address: "foi@foidesk.example"},
		To:        []mail.Address{{Address: "foi@kent.police.example"}},
		Subject:   "Freedom of Information request - Community resolutions [FOI cro-2025/kent]",
		Body:      "Dear Kent Police,\n\nPlease send me the following information.\n",
		MessageID: requestID("kent"),
		Date:      day(1),
	})
	if err != nil {
		t.Fatal(err)
	}
	sentHeader, _, _ := strings.Cut(string(sent), "\r\n\r\n")
	emls["dsn.eml"] = entity([]string{
		"From: Mail Delivery System <MAILER-DAEMON@mail.foidesk.example>",
		"To: foi@foidesk.example",
		"Subject: Undelivered Mail Returned to Sender",
		"Date: " + day(1).Add(time.Minute).Format(time.RFC1123Z),
		"Message-ID: <20250301094208.5F3C2A0123@mail.foidesk.example>",
		"Auto-Submitted: auto-replied",
		"MIME-Version: 1.0",
		`Content-Type: multipart/report; report-type=delivery-status; boundary="5F3C2A0123.1740822128/mail.foidesk.example"`,
	}, multipartBody("5F3C2A0123.1740822128/mail.foidesk.example",
		entity([]string{"Content-Description: Notification", `Content-Type: text/plain; charset=us-ascii`}, crlf(
			"This is the mail system at host mail.foidesk.example.\n\n"+
				"I'm sorry to have to inform you that your message could not\n"+
				"be delivered to one or more recipients. It's attached below.\n\n"+
				"                   The mail system\n\n"+
				"<foi@kent.police.example>: host mx.kent.police.example[192.0.2.40] said: 550\n"+
				"    5.1.1 <foi@kent.police.example>: Recipient address rejected: User unknown\n"+
				"    in virtual mailbox table (in reply to RCPT TO command)\n")),
		entity([]string{"Content-Description: Delivery report", "Content-Type: message/delivery-status"}, crlf(
			"Reporting-MTA: dns; mail.foidesk.example\n"+
				"X-Postfix-Queue-ID: 5F3C2A0123\n"+
				"Arrival-Date: "+day(1).Format(time.RFC1123Z)+"\n\n"+
				"Final-Recipient: rfc822; foi@kent.police.example\n"+
				"Original-Recipient: rfc822;foi@kent.police.example\n"+
				"Action: failed\n"+
				"Status: 5.1.1\n"+
				"Remote-MTA: dns; mx.kent.police.example\n"+
				"Diagnostic-Code: smtp; 550 5.1.1 <foi@kent.police.example>: Recipient address\n"+
				"    rejected: User unknown in virtual mailbox table\n")),
		entity([]string{"Content-Description: Undelivered Message Headers", "Content-Type: text/rfc822-headers"}, sentHeader+"\r\n")))

	// A plain-text bounce (Exim style) that quotes the returned message.
	emls["bounce-classic.eml"] = entity([]string{
		"From: Mail Delivery System <Mailer-Daemon@relay.foidesk.example>",
		"To: foi@foidesk.example",
		"Subject: Mail delivery failed: returning message to sender",
		"Date: " + day(2).Format(time.RFC1123Z),
		"Message-ID: <E1tXyZ-000123-AB@relay.foidesk.example>",
	}, crlf("This message was created automatically by mail delivery software.\n\n"+
		"A message that you sent could not be delivered to one or more of its\n"+
		"recipients. This is a permanent error. The following address(es) failed:\n\n"+
		"  foi@durham.police.example\n"+
		"    host mx.durham.police.example [192.0.2.77]\n"+
		"    SMTP error from remote mail server after RCPT TO:<foi@durham.police.example>:\n"+
		"    550 5.7.1 Message rejected as spam by Content Filtering\n\n"+
		"------ This is a copy of the message, including all the headers. ------\n\n"+
		"Return-path: <foi@foidesk.example>\n"+
		"Received: from foidesk.example by relay.foidesk.example with esmtp\n"+
		"Subject: Freedom of Information request - Community resolutions [FOI cro-2025/durham]\n"+
		"Message-ID: <"+requestID("durham")+">\n\n"+
		"Dear Durham Constabulary,\n"))

	// Broken MIME: garbage in the header, an unknown charset, invalid
	// base64, and no closing boundary.
	emls["broken.eml"] = entity([]string{
		"From: b_foi, West Midlands Police <foi@west-midlands.police.example>",
		"To: foi@foidesk.example",
		"this line is not a header field",
		"Subject: RE: Freedom of Information request",
		"Date: Thursday 13th March 2025",
		"MIME-Version: 1.0",
		`Content-Type: multipart/mixed; boundary="broken-b"`,
	}, "--broken-b\r\n"+
		textPart("x-unknown-charset", "8bit", crlf("Please see attached table.\n"))+"\r\n"+
		"--broken-b\r\n"+
		entity([]string{`Content-Type: text/csv; name="figures.csv"`, "Content-Transfer-Encoding: base64"},
			"WWVhcixDb21tdW5pdHkgUmVzb2x1dGlvbnMNCjIwMTAsMTIzNDUNCg==\r\n")+"\r\n"+
		"--broken-b\r\n"+
		entity([]string{`Content-Type: application/pdf; name="letter.pdf"`, "Content-Transfer-Encoding: base64"},
			"JVBERi0xLjQK*&%$\r\nJSVFT0YK\r\nJV")) // no closing boundary: the message was cut
	return emls, files
}

func TestGenerateFixtures(t *testing.T) {
	if !*update {
		t.Skip("run with -update to rewrite the fixtures")
	}
	emls, files := fixtures(t)
	if err := os.MkdirAll(filepath.Join("testdata", "files"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join("testdata", "files", name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name, data := range emls {
		if err := os.WriteFile(filepath.Join("testdata", name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestFixturesUpToDate checks that the committed fixtures are what the
// generator writes, so that the sources and the fixtures cannot drift.
func TestFixturesUpToDate(t *testing.T) {
	emls, files := fixtures(t)
	for name, want := range emls {
		got, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatalf("%v (run with -update)", err)
		}
		if string(got) != want {
			t.Errorf("testdata/%s differs from the generator's output (run with -update)", name)
		}
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join("testdata", "files", name))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("testdata/files/%s differs from the generator's output (run with -update)", name)
		}
	}
}

// readFixture reads a fixture's bytes.
func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// lines splits text into trimmed non-empty lines.
func lines(s string) []string {
	var out []string
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			out = append(out, l)
		}
	}
	return out
}
