package gui_test

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"haul/gui"
	"haul/internal/fakeengine"
	"haul/internal/remote"
)

// TestRemoteReasonWording: the banner words each reason internal/remote
// classifies, and shows what the remote itself answered as it came.
func TestRemoteReasonWording(t *testing.T) {
	a := test.NewTempApp(t)
	u := gui.NewManual(a, fakeengine.New(settings()), gui.Options{Version: "test", Remote: "nas.local:6800"})
	defer u.Close()
	unreachable := func(reason error) error {
		return fmt.Errorf("%w: dial tcp 192.0.2.1:6800: %w", remote.ErrUnreachable, reason)
	}
	for _, tc := range []struct {
		err        error
		want, hide string
	}{
		{unreachable(remote.ErrRefused), "(nothing listens on that port)", "dial tcp"},
		{unreachable(remote.ErrNoName), "(its name does not resolve)", "dial tcp"},
		{unreachable(remote.ErrTimeout), "(no answer in time)", "dial tcp"},
		{unreachable(remote.ErrNoRoute), "(no route to it)", "dial tcp"},
		{unreachable(remote.ErrClosed), "(it closed the connection)", "dial tcp"},
		{unreachable(remote.ErrNetwork), "(network error)", "dial tcp"},
		{fmt.Errorf("%w: Unauthorized", remote.ErrRemote), "Unauthorized", ""},
	} {
		u.SetRemoteProblem(tc.err)
		got := u.Banner()
		if !strings.Contains(got, tc.want) || tc.hide != "" && strings.Contains(got, tc.hide) {
			t.Errorf("banner for %v: %q, want %q in it", tc.err, got, tc.want)
		}
		if rr := gui.RemoteUnreachable("nas.local:6800", tc.err); !strings.Contains(rr, tc.want) {
			t.Errorf("notice for %v: %q, want %q in it", tc.err, rr, tc.want)
		}
	}
}
