package web

import "net/http"

// baseURL is the dashboard's address as the request reached it, for links
// that leave the browser (in an exported workbook).
func (s *server) baseURL(r *http.Request) string {
	scheme := "http"
	if s.auth.secure(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
