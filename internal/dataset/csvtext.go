package dataset

import "strings"

// formulaStart holds the characters that make a spreadsheet read a CSV
// cell as a formula (OWASP's list for CSV injection): = + - @, tab and
// carriage return.
const formulaStart = "=+-@\t\r"

// CSVText makes a text cell safe to open in Excel, LibreOffice or Google
// Sheets: one that begins with = + - @, a tab or a carriage return (after
// any leading spaces) is prefixed with a single quote, so the spreadsheet
// shows it as text and never evaluates it. A cell that is a plain negative
// number ("-3", "-0.5") is left alone: no spreadsheet reads it as anything
// but that number. Every other cell is returned unchanged.
func CSVText(s string) string {
	t := strings.TrimLeft(s, " ")
	if t == "" || !strings.ContainsRune(formulaStart, rune(t[0])) || plainNegative(t) {
		return s
	}
	return "'" + s
}

// plainNegative reports whether s is a minus sign followed by digits, with
// at most one decimal point between digits.
func plainNegative(s string) bool {
	digits, ok := strings.CutPrefix(s, "-")
	if !ok || digits == "" {
		return false
	}
	whole, frac, dot := strings.Cut(digits, ".")
	return allDigits(whole) && (!dot || allDigits(frac))
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
