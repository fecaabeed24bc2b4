package downloader

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
)

func TestKindOfAndSentence(t *testing.T) {
	tests := []struct {
		err  error
		kind ErrorKind
		has  string // a word the sentence must contain
	}{
		{nil, KindNone, ""},
		{fmt.Errorf("probe: %w", &StatusError{Code: 404}), KindNotFound, "404"},
		{&StatusError{Code: 403}, KindForbidden, "403"},
		{&StatusError{Code: 410}, KindGone, "410"},
		{&StatusError{Code: 503}, KindServer, "503"},
		{fmt.Errorf("x: %w", ErrChecksum), KindChecksum, "checksum"},
		{&spaceError{need: 10 << 20, free: 1 << 20, folder: "/d"}, KindNoSpace, "disk space"},
		{fmt.Errorf("write: %w", ErrDiskFull), KindDiskFull, "full"},
		{fmt.Errorf("after 10: %w", ErrTooManyRedirect), KindRedirects, "redirects"},
		{&net.DNSError{Name: "nope.invalid", IsNotFound: true}, KindName, "nope.invalid"},
		{fmt.Errorf("read: %w", io.ErrUnexpectedEOF), KindNetwork, ""},
		{errCanceled, KindCanceled, "Canceled"},
		{errors.New("something odd"), KindNetwork, "something odd"},
	}
	for _, tt := range tests {
		if got := KindOf(tt.err); got != tt.kind {
			t.Errorf("KindOf(%v) = %q, want %q", tt.err, got, tt.kind)
		}
		s := Sentence(tt.err)
		if tt.err == nil {
			if s != "" {
				t.Errorf("Sentence(nil) = %q", s)
			}
			continue
		}
		if s == "" || !containsFold(s, tt.has) {
			t.Errorf("Sentence(%v) = %q, want it to mention %q", tt.err, s, tt.has)
		}
	}
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}
