package downloader

import (
	"fmt"
	"net/http"
	"strings"

	"golang.org/x/net/http/httpguts"
)

// ParseHeaderLine reads one "Name: value" header line as curl -H,
// aria2's --header and aria2 input files take it: the name must be a
// field name (an RFC 9110 §5.1 token), the value is trimmed and must be
// a valid field value (§5.5: no line breaks or other control
// characters). The name comes back in canonical form. Errors wrap
// ErrBadOption.
func ParseHeaderLine(line string) (name, value string, err error) {
	name, value, ok := strings.Cut(line, ":")
	name, value = strings.TrimSpace(name), strings.TrimSpace(value)
	if !ok || !httpguts.ValidHeaderFieldName(name) {
		return "", "", fmt.Errorf("header %q must look like 'Name: value': %w", truncForError(line), ErrBadOption)
	}
	if !httpguts.ValidHeaderFieldValue(value) {
		return "", "", fmt.Errorf("header %s: the value must be one line of text: %w", name, ErrBadOption)
	}
	return http.CanonicalHeaderKey(name), value, nil
}

// ParseHeaderLines reads "Name: value" lines (ParseHeaderLine) into a
// header; blank lines are skipped. It returns nil for no headers.
func ParseHeaderLines(lines ...string) (http.Header, error) {
	var h http.Header
	for _, line := range lines {
		if strings.TrimSpace(line) == "" {
			continue
		}
		name, value, err := ParseHeaderLine(line)
		if err != nil {
			return nil, err
		}
		if h == nil {
			h = http.Header{}
		}
		h.Add(name, value)
	}
	return h, nil
}
