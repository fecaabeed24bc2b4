package downloader

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"syscall"
)

// errProtocol marks an answer that is not usable HTTP or contradicts
// itself: not HTTP at all, a malformed or duplicated Content-Length,
// headers over the transport's limit, a Content-Length that disagrees
// with the Content-Range. Retrying the same request cannot help; the run
// tries once a different way (a plain GET), then fails with a sentence.
// It wraps ErrBadResponse, so programs see KindBadResponse.
var errProtocol = fmt.Errorf("protocol fault: %w", ErrBadResponse)

// protocolError is a protocol fault with what was wrong, for the sentence.
type protocolError struct {
	what string
	err  error // the transport's error, if any
}

// protocolf builds a protocol fault; what says what was wrong.
func protocolf(format string, args ...any) error {
	return &protocolError{what: fmt.Sprintf(format, args...)}
}

func (e *protocolError) Error() string   { return "protocol fault: " + e.what }
func (e *protocolError) Detail() string  { return e.what }
func (e *protocolError) Unwrap() []error { return []error{errProtocol, e.err} }

// errShortAnswer: an honest answer that covered less than was asked (its
// Content-Range ended early, or its body ended cleanly at its announced
// length). That is progress: the rest is asked for at once.
var errShortAnswer = errors.New("the answer covered less than was asked")

// do sends req and sorts a failure: what the network did stays as it is
// (retried by the network rules), everything else the transport rejected
// is a protocol fault of the server.
func do(c *http.Client, req *http.Request) (*http.Response, error) {
	resp, err := c.Do(req)
	if err != nil {
		return nil, transportError(err)
	}
	return resp, nil
}

// transportError marks errors from http.Client.Do that are not the
// network's doing (no net.Error, no EOF, no syscall error inside) as
// protocol faults. A TLS record that is not TLS (an https link to a
// plain-HTTP port) is one too: it answers the same way every time.
func transportError(err error) error {
	inner := err
	var ue *url.Error
	if errors.As(err, &ue) {
		inner = ue.Err // *url.Error itself implements net.Error
	}
	var netErr net.Error
	var alert tls.AlertError
	switch {
	case errors.As(inner, &netErr), errors.As(inner, &alert),
		errors.Is(inner, io.EOF), errors.Is(inner, io.ErrUnexpectedEOF),
		errors.Is(inner, context.Canceled), errors.Is(inner, context.DeadlineExceeded),
		errors.Is(inner, syscall.ECONNRESET), errors.Is(inner, syscall.ECONNREFUSED),
		errors.Is(inner, syscall.EPIPE), errors.Is(inner, net.ErrClosed),
		errors.Is(inner, ErrTooManyRedirect), errors.Is(inner, ErrBadURL),
		untrustedCert(inner):
		return err
	}
	return &protocolError{what: inner.Error(), err: err}
}
