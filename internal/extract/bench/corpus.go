package bench

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// ExpectedSuffix names the expected CSV beside a corpus document.
const ExpectedSuffix = ".expected.csv"

// WriteCorpus renders every case in its formats into dir, each document
// beside its expected CSV. With pdf set it also converts the XLSX and DOCX
// renderings to PDF with LibreOffice ("NAME.from-xlsx.pdf" and
// "NAME.from-docx.pdf"), for the PDF extractor to be scored on, and saves
// the workbooks again as LibreOffice writes them ("NAME.from-lo.xlsx").
func WriteCorpus(ctx context.Context, dir string, pdf bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "foidesk-corpus-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	for _, c := range Cases() {
		for _, f := range c.Formats {
			data, err := Render(c, f)
			if err != nil {
				return fmt.Errorf("render %s as %s: %w", c.Name, f, err)
			}
			name := c.Name + "." + f
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(dir, name+ExpectedSuffix), []byte(ExpectedCSV(c, f)), 0o644); err != nil {
				return err
			}
			if !pdf || (f != "xlsx" && f != "docx") {
				continue
			}
			src := filepath.Join(tmp, c.Name+"."+f)
			if err := os.WriteFile(src, data, 0o644); err != nil {
				return err
			}
			if f == "xlsx" {
				// The same workbook as LibreOffice writes it: another
				// producer's styles, shared strings and formula cells.
				out, err := convert(ctx, src, tmp, "xlsx")
				if err != nil {
					return fmt.Errorf("resave %s with LibreOffice: %w", name, err)
				}
				b, err := os.ReadFile(out)
				if err != nil {
					return err
				}
				loName := c.Name + ".from-lo.xlsx"
				if err := os.WriteFile(filepath.Join(dir, loName), b, 0o644); err != nil {
					return err
				}
				if err := os.WriteFile(filepath.Join(dir, loName+ExpectedSuffix), []byte(ExpectedCSV(c, f)), 0o644); err != nil {
					return err
				}
			}
			out, err := convert(ctx, src, tmp, "pdf")
			if err != nil {
				return fmt.Errorf("convert %s to pdf: %w", name, err)
			}
			pdfName := c.Name + ".from-" + f + ".pdf"
			b, err := os.ReadFile(out)
			if err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(dir, pdfName), b, 0o644); err != nil {
				return err
			}
			want := ExpectedCSV(c, "pdf")
			if f == "docx" {
				want = ExpectedCSV(c, "docx")
			}
			if err := os.WriteFile(filepath.Join(dir, pdfName+ExpectedSuffix), []byte(want), 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

// convert converts one document with LibreOffice to the format named by
// ext and returns the result's path.
func convert(ctx context.Context, src, tmp, ext string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	outDir := filepath.Join(tmp, "out-"+ext)
	cmd := exec.CommandContext(ctx, "soffice",
		"-env:UserInstallation=file://"+filepath.ToSlash(filepath.Join(tmp, "profile")),
		"--headless", "--norestore", "--convert-to", ext, "--outdir", outDir, src)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("%v: %s", err, out)
	}
	base := strings.TrimSuffix(filepath.Base(src), filepath.Ext(src)) + "." + ext
	return filepath.Join(outDir, base), nil
}

// Doc is one corpus document with its expected tables.
type Doc struct {
	Path     string
	Format   string // by extension: xlsx, csv, docx, html, txt, pdf
	Expected string // path of the expected CSV
}

// CorpusDocs lists the documents of dir that have an expected CSV.
func CorpusDocs(dir string) ([]Doc, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []Doc
	for _, e := range ents {
		n := e.Name()
		if e.IsDir() || strings.HasSuffix(n, ExpectedSuffix) {
			continue
		}
		exp := filepath.Join(dir, n+ExpectedSuffix)
		if _, err := os.Stat(exp); err != nil {
			continue
		}
		out = append(out, Doc{Path: filepath.Join(dir, n), Format: strings.TrimPrefix(filepath.Ext(n), "."), Expected: exp})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}
