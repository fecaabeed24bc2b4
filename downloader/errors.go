package downloader

import (
	"errors"
	"fmt"
	"net/http"
)

// Sentinel errors. Compare with errors.Is.
var (
	ErrNotFound        = errors.New("no such task")
	ErrClosed          = errors.New("manager closed")
	ErrBadURL          = errors.New("not a valid http or https URL")
	ErrTooManyRedirect = errors.New("too many redirects")
	ErrRemoteChanged   = errors.New("the file on the server changed")
	ErrChecksum        = errors.New("checksum mismatch")
	ErrBadChecksum     = errors.New("checksum must look like sha256=HEX, sha1=HEX or md5=HEX")
	ErrSizeMismatch    = errors.New("downloaded size does not match")
	ErrNoSpace         = errors.New("not enough disk space")
	ErrBrokenRecord    = errors.New("task record is unreadable")
	ErrPartMissing     = errors.New("partial file is missing")
	ErrNoProgress      = errors.New("connection stalled")
	ErrTooLarge        = errors.New("server sent more data than announced")
	ErrBadResponse     = errors.New("the server sent an answer Haul cannot use")
	ErrNoFreeName      = errors.New("no free file name in the folder")
	ErrBadProxy        = errors.New("proxy must look like http://host:port, https://host:port or socks5://user:pass@host:port")
	ErrBadOption       = errors.New("invalid option")
	ErrBadSettings     = errors.New("invalid settings")
	ErrBroken          = errors.New("task record is damaged; it can only be removed")
	ErrDiskFull        = errors.New("disk full")
	// ErrLinkExpired: every connection of the task, including ones that
	// worked, is now refused (401, 403, 410) after bytes flowed.
	ErrLinkExpired = errors.New("the link expired")
)

// StatusError is an HTTP answer the engine did not accept.
type StatusError struct {
	// Code is the HTTP status code (RFC 9110 §15).
	Code int
	// RetryAfter is the raw Retry-After header (RFC 9110 §10.2.3), if
	// any: seconds or an HTTP date.
	RetryAfter string
	// Credentials is true when the refused request carried a login (an
	// Authorization header: the link's user:password, a site's login or
	// the user's own header), so a 401 means that login was refused.
	Credentials bool
}

// Error gives the status line, "server answered 404 Not Found".
func (e *StatusError) Error() string {
	return fmt.Sprintf("server answered %d %s", e.Code, http.StatusText(e.Code))
}
