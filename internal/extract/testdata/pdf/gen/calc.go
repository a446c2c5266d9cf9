package main

import (
	"fmt"
	"log"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// calcSheet writes an XLSX whose sheet holds a title in A1, the table from
// row 3, and notes under it; Calc converts it to PDF.
func calcSheet(path string, title string, rows [][]string, notes []string, borders bool, printTitles bool, firstColW float64) {
	f := excelize.NewFile()
	defer f.Close()
	sh := "Sheet1"
	f.SetCellValue(sh, "A1", title)
	var border []excelize.Border
	if borders {
		for _, side := range []string{"left", "right", "top", "bottom"} {
			border = append(border, excelize.Border{Type: side, Color: "000000", Style: 1})
		}
	}
	num, _ := f.NewStyle(&excelize.Style{NumFmt: 3, Border: border})
	txt, _ := f.NewStyle(&excelize.Style{Border: border})
	hdr, _ := f.NewStyle(&excelize.Style{Border: border, Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Horizontal: "center"}})
	for r, row := range rows {
		for c, cell := range row {
			ref, _ := excelize.CoordinatesToCellName(c+1, r+3)
			style := txt
			if r == 0 {
				style = hdr
			}
			if v, err := strconv.Atoi(strings.ReplaceAll(cell, ",", "")); err == nil && r > 0 && c > 0 {
				f.SetCellValue(sh, ref, v)
				style = num
			} else {
				f.SetCellValue(sh, ref, cell)
			}
			f.SetCellStyle(sh, ref, ref, style)
		}
	}
	for i, n := range notes {
		f.SetCellValue(sh, fmt.Sprintf("A%d", len(rows)+4+i), n)
	}
	last, _ := excelize.ColumnNumberToName(len(rows[0]))
	f.SetColWidth(sh, "A", "A", firstColW)
	f.SetColWidth(sh, "B", last, 11)
	{
		orient, one, zero := "portrait", 1, 0
		if len(rows[0]) > 6 {
			orient = "landscape"
		}
		f.SetPageLayout(sh, &excelize.PageLayoutOptions{Orientation: &orient, FitToWidth: &one, FitToHeight: &zero})
		fit := true
		f.SetSheetProps(sh, &excelize.SheetPropsOptions{FitToPage: &fit})
	}
	if printTitles {
		f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: "Sheet1!$3:$3", Scope: "Sheet1"})
	}
	if err := f.SaveAs(path); err != nil {
		log.Fatal(err)
	}
}

func genCalc(src string) {
	// C1: bordered, wide nationality × year, totals row.
	{
		file := "lo04-calc-ruled-wide.pdf"
		rows := append([][]string{header("Nationality", years(2016, 8))}, dataRows(nationalities[:14], 8, 31)...)
		rows = append(rows, []string{"Total", "2,903", "3,015", "2,877", "2,410", "2,596", "2,788", "3,120", "3,305"})
		title := "Community resolutions by nationality, 2016 to 2023"
		notes := []string{"* figures below 5 suppressed"}
		p := filepath.Join(src, "lo04-calc-ruled-wide.xlsx")
		calcSheet(p, title, rows, notes, true, false, 16)
		soffice(p, "")
		cases = append(cases, Case{File: file, Producer: "libreoffice", Features: []string{"Calc", "ruled", "wide", "totals row"},
			Tables: []Expect{expect(file, 1, 1, title, notes, (&tableSpec{}).grid(rows))}})
	}
	// C2: no borders, offence group × year.
	{
		file := "lo05-calc-unruled.pdf"
		rows := append([][]string{header("Offence group", []string{"2019/20", "2020/21", "2021/22", "2022/23"})}, dataRows(offences, 4, 32)...)
		title := "Arrests by offence group and financial year"
		notes := []string{"Figures are taken from a live system and may change."}
		p := filepath.Join(src, "lo05-calc-unruled.xlsx")
		calcSheet(p, title, rows, notes, false, false, 30)
		soffice(p, "")
		cases = append(cases, Case{File: file, Producer: "libreoffice", Features: []string{"Calc", "unruled", "right-aligned figures"},
			Tables: []Expect{expect(file, 1, 1, title, notes, (&tableSpec{}).grid(rows))}})
	}
	// C3: long bordered table with a print-title header row repeated on each page.
	{
		file := "lo06-calc-multipage.pdf"
		var labels []string
		for i := 0; i < 110; i++ {
			labels = append(labels, fmt.Sprintf("%s %03d", []string{"Beat", "Ward", "Zone"}[i%3], i+1))
		}
		rows := append([][]string{{"Area", "Stops", "Arrests", "Resolutions"}}, dataRows(labels, 3, 33)...)
		title := "Stop and search outcomes by area"
		notes := []string{"<5 and * denote suppressed figures"}
		p := filepath.Join(src, "lo06-calc-multipage.xlsx")
		calcSheet(p, title, rows, notes, true, true, 14)
		soffice(p, "")
		cases = append(cases, Case{File: file, Producer: "libreoffice", Features: []string{"Calc", "multi-page", "print titles"},
			Tables: []Expect{expect(file, 1, 1, title, notes, (&tableSpec{}).grid(rows))}})
	}
}
