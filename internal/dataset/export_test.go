package dataset

// SetMaxSheetLinks lowers the links a worksheet takes, for tests; the
// returned function restores it.
func SetMaxSheetLinks(n int) (restore func()) {
	old := maxSheetLinks
	maxSheetLinks = n
	return func() { maxSheetLinks = old }
}
