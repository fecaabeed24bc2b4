package downloader

import (
	"fmt"
	"net/url"
)

// checkScheme accepts only absolute http and https URLs with a host.
func checkScheme(u *url.URL) error {
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ErrBadURL
	}
	return nil
}

// ParseURL validates a user-supplied download URL.
func ParseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%q: %w", RedactText(raw), ErrBadURL)
	}
	if err := checkScheme(u); err != nil {
		return nil, fmt.Errorf("%q: %w", RedactURL(raw), err)
	}
	return u, nil
}
