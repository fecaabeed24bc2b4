package remote

import (
	"context"
	"errors"
	"io"
	"net"
	"syscall"
)

// Why reading the remote queue fails: client.go wraps a transport error
// under ErrUnreachable with one of the errors below, and ReasonOf turns
// any error into a Reason. The window picks its sentence, in its own
// language, by the Reason, and the engine tells the window again when the
// Reason changes; both go by this one list.

// Why a request got no answer, wrapped under ErrUnreachable (the Go error
// names the URL and the syscall, which says little to the user).
var (
	ErrRefused = errors.New("nothing listens on that port")
	ErrNoName  = errors.New("its name does not resolve")
	ErrTimeout = errors.New("no answer in time")
	ErrNoRoute = errors.New("no route to it")
	ErrClosed  = errors.New("it closed the connection")
	ErrNetwork = errors.New("network error")
)

// why classifies a transport error.
func why(err error) error {
	var dns *net.DNSError
	var nerr net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return ErrRefused
	case errors.As(err, &dns):
		return ErrNoName
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &nerr) && nerr.Timeout():
		return ErrTimeout
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return ErrNoRoute
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return ErrClosed
	}
	return ErrNetwork
}

// Reason is why a read of the remote queue failed, in the classes the
// window words: ReasonRefused to ReasonNetwork have a sentence of their
// own; for the others the error's own text says more (what the remote
// answered, such as "Unauthorized" for a wrong secret).
type Reason int

// The reasons, in the order ReasonOf tries them.
const (
	ReasonNone        Reason = iota // no error: reads work
	ReasonRefused                   // ErrRefused: nothing listens on the port
	ReasonNoName                    // ErrNoName: the host name does not resolve
	ReasonTimeout                   // ErrTimeout: no answer in time
	ReasonNoRoute                   // ErrNoRoute: no route to the host
	ReasonClosed                    // ErrClosed: the remote closed the connection
	ReasonNetwork                   // ErrNetwork: another network error
	ReasonRemote                    // ErrRemote: the remote answered with an error
	ReasonUnreachable               // ErrUnreachable for none of the above (an answer that is not JSON-RPC)
	ReasonOther                     // none of these errors (an answer of the wrong shape)
)

// reasons pairs each error ReasonOf looks for with its Reason. The six
// transport reasons come first: they are wrapped under ErrUnreachable.
var reasons = []struct {
	err    error
	reason Reason
}{
	{ErrRefused, ReasonRefused},
	{ErrNoName, ReasonNoName},
	{ErrTimeout, ReasonTimeout},
	{ErrNoRoute, ReasonNoRoute},
	{ErrClosed, ReasonClosed},
	{ErrNetwork, ReasonNetwork},
	{ErrRemote, ReasonRemote},
	{ErrUnreachable, ReasonUnreachable},
}

// ReasonOf classifies err, an error of Dial or of reading the queue
// (Engine.LastError, OnHealth): ReasonNone for nil, else the first Reason
// whose error err wraps, else ReasonOther.
func ReasonOf(err error) Reason {
	if err == nil {
		return ReasonNone
	}
	for _, r := range reasons {
		if errors.Is(err, r.err) {
			return r.reason
		}
	}
	return ReasonOther
}
