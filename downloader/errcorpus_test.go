package downloader

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"syscall"

	"haul/downloader/hls"
)

// errCorpus is one error of every shape the engine meets, named, for the
// error table's tests.
func errCorpus() []struct {
	name string
	err  error
} {
	w := func(e error) error { return fmt.Errorf("op: %w", e) }
	refused := &net.OpError{Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 9}, Err: &net.OpError{Err: syscall.ECONNREFUSED}}
	refused.Err = fmt.Errorf("connect: %w", syscall.ECONNREFUSED)
	return []struct {
		name string
		err  error
	}{
		{"nil", nil},
		{"ErrNotFound", w(ErrNotFound)},
		{"ErrClosed", w(ErrClosed)},
		{"ErrBadURL", w(ErrBadURL)},
		{"ErrTooManyRedirect", w(ErrTooManyRedirect)},
		{"ErrRemoteChanged", w(ErrRemoteChanged)},
		{"ErrChecksum", w(ErrChecksum)},
		{"ErrBadChecksum", w(ErrBadChecksum)},
		{"ErrSizeMismatch", w(ErrSizeMismatch)},
		{"ErrNoSpace", w(ErrNoSpace)},
		{"spaceError", &spaceError{need: 2 << 20, free: 1 << 20, folder: "/d"}},
		{"ErrBrokenRecord", w(ErrBrokenRecord)},
		{"ErrPartMissing", w(ErrPartMissing)},
		{"ErrPartReplaced", w(ErrPartReplaced)},
		{"ErrNoProgress", w(ErrNoProgress)},
		{"ErrTooLarge", w(ErrTooLarge)},
		{"ErrBadResponse", w(ErrBadResponse)},
		{"protocolError", protocolf("duplicate Content-Length")},
		{"ErrNoFreeName", w(ErrNoFreeName)},
		{"ErrBadProxy", w(ErrBadProxy)},
		{"ErrBadOption", w(ErrBadOption)},
		{"ErrBadSettings", w(ErrBadSettings)},
		{"ErrBroken", w(ErrBroken)},
		{"ErrDiskFull", w(ErrDiskFull)},
		{"ErrLinkExpired", w(ErrLinkExpired)},
		{"ErrBadRate", w(ErrBadRate)},
		{"ErrBadPattern", w(ErrBadPattern)},
		{"errCanceled", w(errCanceled)},
		{"errContentRange", w(errContentRange)},
		{"errShortAnswer", w(errShortAnswer)},
		{"errRequeue", w(errRequeue)},
		{"errConnLimit", w(errConnLimit)},
		{"errStaleSource", w(errStaleSource)},
		{"errPaused", w(errPaused)},
		{"errClosing", w(errClosing)},
		{"errRemoved", w(errRemoved)},
		{"errDone", w(errDone)},
		{"errCannotResume", w(errCannotResume)},
		{"errStraggler", w(errStraggler)},
		{"errSurplus", w(errSurplus)},
		{"errRangeIgnored", w(errRangeIgnored)},
		{"status 401", &StatusError{Code: 401}},
		{"status 403", w(&StatusError{Code: 403})},
		{"status 404", &StatusError{Code: 404}},
		{"status 408", &StatusError{Code: 408}},
		{"status 410", &StatusError{Code: 410}},
		{"status 416", &StatusError{Code: 416}},
		{"status 429", &StatusError{Code: 429, RetryAfter: "5"}},
		{"status 500", &StatusError{Code: 500}},
		{"status 503", &StatusError{Code: 503}},
		{"dns not found", w(&net.DNSError{Err: "no such host", Name: "nowhere.invalid", IsNotFound: true})},
		{"dns timeout", w(&net.DNSError{Err: "timeout", Name: "slow.example", IsTimeout: true})},
		{"x509 unknown authority", w(x509.UnknownAuthorityError{})},
		{"x509 hostname", w(x509.HostnameError{Certificate: &x509.Certificate{}, Host: "a.example"})},
		{"refused", w(refused)},
		{"reset", w(&net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET})},
		{"EPIPE", w(syscall.EPIPE)},
		{"net closed", w(net.ErrClosed)},
		{"io.EOF", w(io.EOF)},
		{"unexpected EOF", w(io.ErrUnexpectedEOF)},
		{"context canceled", w(context.Canceled)},
		{"deadline", w(context.DeadlineExceeded)},
		{"deadline stall", fmt.Errorf("%w: %w", context.DeadlineExceeded, ErrNoProgress)},
		{"ENOSPC", &fs.PathError{Op: "write", Path: "/d/f.part", Err: syscall.ENOSPC}},
		{"EACCES", &fs.PathError{Op: "open", Path: "/d/f.part", Err: syscall.EACCES}},
		{"EIO", w(&fs.PathError{Op: "write", Path: "/d/f.part", Err: syscall.EIO})},
		{"hls live", w(hls.ErrLive)},
		{"hls playlist", playlistError(hls.ErrBadKey)},
		{"plain", errors.New("something else")},
	}
}
