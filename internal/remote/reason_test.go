package remote

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
)

// TestReasonOf: errors as client.go makes them fall in their Reason;
// what the remote answered and what it is not are told apart.
func TestReasonOf(t *testing.T) {
	unreachable := func(reason error) error { return fmt.Errorf("%w: %w", ErrUnreachable, reason) }
	for _, tc := range []struct {
		err  error
		want Reason
	}{
		{nil, ReasonNone},
		{unreachable(ErrRefused), ReasonRefused},
		{unreachable(ErrNoName), ReasonNoName},
		{unreachable(ErrTimeout), ReasonTimeout},
		{unreachable(ErrNoRoute), ReasonNoRoute},
		{unreachable(ErrClosed), ReasonClosed},
		{unreachable(ErrNetwork), ReasonNetwork},
		{unreachable(why(&net.DNSError{Err: "no such host", Name: "nas.invalid"})), ReasonNoName},
		{unreachable(why(context.DeadlineExceeded)), ReasonTimeout},
		{fmt.Errorf("%w: Unauthorized", ErrRemote), ReasonRemote},
		{fmt.Errorf("%w: HTTP 404 Not Found", ErrUnreachable), ReasonUnreachable},
		{errors.New("system.multicall: 3 answers to 4 calls"), ReasonOther},
	} {
		if got := ReasonOf(tc.err); got != tc.want {
			t.Errorf("ReasonOf(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}
