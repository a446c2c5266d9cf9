package activities

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"strings"
	"testing"

	"github.com/foidesk/foidesk/internal/dbtest"
	"github.com/foidesk/foidesk/internal/pdfwrite"
	"github.com/foidesk/foidesk/internal/store"
)

// twoPagePDF is a PDF whose first page holds a table of arrests by
// nationality and year as text, and whose second is a scanned page, a
// white image, on which OCR finds no words.
func twoPagePDF(t *testing.T) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 400, 560))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	var j bytes.Buffer
	if err := jpeg.Encode(&j, img, nil); err != nil {
		t.Fatal(err)
	}
	rows := [][]string{
		{"Nationality", "2019", "2020", "2021", "2022", "2023"},
		{"Polish", "12", "7", "9", "11", "14"},
		{"Romanian", "3", "4", "5", "6", "8"},
		{"Albanian", "20", "22", "25", "30", "28"},
		{"Lithuanian", "6", "5", "7", "9", "10"},
	}
	var text strings.Builder
	text.WriteString("BT /F1 10 Tf\n")
	fmt.Fprintf(&text, "1 0 0 1 72 760 Tm (Number of persons arrested by nationality, 2019 to 2023) Tj\n")
	for i, r := range rows {
		y := 720 - 16*i
		for k, c := range r {
			x := 72
			if k > 0 {
				x = 200 + 60*k - 5*len(c) // right-aligned figures
			}
			fmt.Fprintf(&text, "1 0 0 1 %d %d Tm (%s) Tj\n", x, y, c)
		}
	}
	text.WriteString("ET\n")
	return pdfwrite.Write([]pdfwrite.Object{
		{Dict: "<< /Type /Catalog /Pages 2 0 R >>"},
		{Dict: "<< /Type /Pages /Kids [3 0 R 5 0 R] /Count 2 >>"},
		{Dict: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 7 0 R >>"},
		{Dict: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"},
		{Dict: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 6 0 R >> >> /Contents 8 0 R >>"},
		pdfwrite.Stream("/Type /XObject /Subtype /Image /Width 400 /Height 560 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode", j.Bytes()),
		pdfwrite.Stream("", []byte(text.String())),
		pdfwrite.Stream("", []byte("q 595 0 0 842 0 0 cm /Im0 Do Q")),
	})
}

// A PDF whose second page could not be read is loaded from its first, and
// the document and its table say that the result is partial.
func TestProcessDocumentRecordsPartialResult(t *testing.T) {
	data := twoPagePDF(t)
	ctx := context.Background()
	st := dbtest.DB(t)
	must(t, st.UpsertForces(ctx, []store.Force{
		{Slug: "kent", Name: "Kent Police", ShortName: "Kent", Category: "territorial", Regime: "foia", Domains: []string{}},
	}))
	spec := `{"dataset": {"measure": {"name": "arrests", "unit": "count"},
		"dimensions": [{"name": "period", "kind": "period"}, {"name": "nationality", "kind": "nationality"}],
		"periods": {"from": 2019, "to": 2023, "kind": "calendar"}}}`
	_, ids, err := st.CreateCampaign(ctx, store.Campaign{Slug: "arr", Year: 2025, Title: "Arrests", Spec: []byte(spec),
		WorkflowID: "campaign/arr/2025"}, []store.NewRequest{
		{ForceSlug: "kent", WorkflowID: "request/arr/2025/kent", Token: "arr-2025/kent"},
	})
	must(t, err)
	var inbound int64
	must(t, dbtest.SQL(t, st).QueryRow(ctx, `INSERT INTO inbound_messages (mailbox, uid_validity, uid, sha256, raw)
		VALUES ('INBOX', 1, 1, sha256($1::bytea), $1::bytea) RETURNING id`, []byte("kent")).Scan(&inbound))
	docs, err := st.SaveDocuments(ctx, inbound, []store.Document{{Filename: "reply.pdf", ContentType: "application/pdf",
		Data: data, Path: "reply.pdf"}})
	must(t, err)
	a := &Activities{Store: st}
	in := DocumentInput{RequestID: ids["kent"], DocumentID: docs[0], WorkflowID: "document/kent", InboundID: inbound,
		Filename: "reply.pdf", Approve: true}
	must(t, a.AttachDocument(ctx, in))
	out, err := a.ProcessDocument(ctx, in)
	must(t, err)
	if out.Status != "loaded" || out.Inserted == 0 || !strings.Contains(out.Partial, "partial result") || !strings.Contains(out.Partial, "page 2") {
		t.Fatalf("output %+v: want figures loaded from page 1, page 2 named as not read", out)
	}
	t.Logf("partial: %s", out.Partial)
	var status, errText string
	must(t, dbtest.SQL(t, st).QueryRow(ctx, `SELECT status, coalesce(error, '') FROM request_documents WHERE request_id = $1 AND document_id = $2`,
		ids["kent"], docs[0]).Scan(&status, &errText))
	if status != "loaded" || errText != out.Partial {
		t.Errorf("document status %q, error %q; want loaded with %q", status, errText, out.Partial)
	}
	var reasons []string
	must(t, dbtest.SQL(t, st).QueryRow(ctx, `SELECT reasons FROM extracted_tables WHERE document_id = $1 ORDER BY table_index LIMIT 1`,
		docs[0]).Scan(&reasons))
	if !strings.Contains(fmt.Sprint(reasons), "partial result") {
		t.Errorf("table reasons %q lack the partial result", reasons)
	}
}
