// Package browser holds `make test-browser`: Haul's extension in a real
// Chromium under Xvfb hands a cookie-protected download to Haul through the
// native messaging host, and the browser keeps the download when the host
// is missing.
package browser
