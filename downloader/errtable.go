package downloader

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"syscall"

	"haul/downloader/hls"
)

// The error table: the one place that says what each error means. A row
// matches an error (by sentinel with errors.Is, or by shape with
// errors.As) and gives its retry class (what the run does: retry, start
// over, pause, fail), its ErrorKind (what programs and translations key
// on) and its English sentence (Snapshot.Error). classify, KindOf and
// Sentence all read the first matching row, so they cannot disagree, and
// TestErrorTableCoversSentinels fails when a sentinel of this package has
// no row.
//
// Order matters where one error wraps several: a user's cancel beats the
// context error it travels with, a connection limit beats the refusal
// status it wraps, a protocol fault beats the transport error inside it.

// errorRow is one line of the table.
type errorRow struct {
	// sentinels match with errors.Is; shape, when set, matches instead.
	sentinels []error
	shape     func(error) bool
	// class is what a failed request means for the run; classOf, when
	// set, decides instead (HTTP statuses).
	class   errClass
	classOf func(error) errClass
	// kind is what programs see; kindOf, when set, decides instead.
	kind   ErrorKind
	kindOf func(error) ErrorKind
	// say is the English sentence; nil is "Download failed: <err>."
	say func(error) string
}

func (r *errorRow) matches(err error) bool {
	if r.shape != nil {
		return r.shape(err)
	}
	for _, s := range r.sentinels {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

// said returns a say func for a fixed sentence.
func said(s string) func(error) string { return func(error) string { return s } }

// errorTable is read top to bottom; the last row matches everything.
var errorTable = []errorRow{
	// Stops asked for: the user, a pause, a removal, a closing manager.
	{sentinels: []error{errCanceled}, class: classStopped, kind: KindCanceled,
		say: said("Canceled. Resume to download it again from the start.")},
	{sentinels: []error{errPaused, errClosing, errRemoved, ErrClosed, context.Canceled}, class: classStopped, kind: KindUnclassified},

	// The disk.
	{sentinels: []error{ErrNoSpace}, class: classDisk, kind: KindNoSpace, say: func(err error) string {
		return "Not enough disk space: " + detail(err) + ". Free some space or choose another folder, then resume."
	}},
	{sentinels: []error{ErrDiskFull, syscall.ENOSPC}, class: classDisk, kind: KindDiskFull,
		say: said("The disk is full. Free some space, then resume: nothing downloaded so far is lost.")},

	// Verification at the end.
	{sentinels: []error{ErrChecksum}, class: classFatal, kind: KindChecksum, say: func(err error) string {
		return "The file does not match the checksum you gave (" + detail(err) + "); it was not saved. Check the checksum, then resume to download again."
	}},
	{sentinels: []error{ErrSizeMismatch}, class: classNetwork, kind: KindSize,
		say: said("The file ended up a different size than the server announced; resume to download it again.")},

	// The remote file: start over from zero, never mix bytes.
	{sentinels: []error{errCannotResume}, class: classChanged, kind: KindNetwork,
		say: said("The connection kept breaking, and this server cannot resume downloads, so each try started over. Try again later.")},
	{sentinels: []error{ErrRemoteChanged}, class: classChanged, kind: KindChanged,
		say: said("The file on the server kept changing while it was downloaded; try again later.")},

	// A connection limit wraps the refusal status it came as (refusal.go).
	{sentinels: []error{errConnLimit}, class: classServer, kind: KindServer,
		say: said("The server allows fewer connections; retrying with fewer.")},

	// The link.
	{sentinels: []error{ErrTooManyRedirect}, class: classFatal, kind: KindRedirects,
		say: said("The link redirects too many times. Open it in a browser to find the real file link.")},
	{sentinels: []error{ErrBadURL}, class: classFatal, kind: KindBadURL, say: func(err error) string {
		return "This is not a valid http or https link: " + detail(err) + "."
	}},
	{sentinels: []error{ErrLinkExpired}, class: classNetwork, kind: KindLinkExpired,
		say: said("The link has expired: the server now refuses every connection after sending part of the file. Give the download a fresh link of the same file (Change link…) and it continues where it stopped.")},

	// The partial file and the task's record.
	{sentinels: []error{ErrPartMissing}, class: classNetwork, kind: KindFileSystem,
		say: said("The partial file is gone; the download starts over.")},
	{sentinels: []error{ErrPartReplaced}, class: classNetwork, kind: KindFileSystem,
		say: said("The partial file was replaced by another file or a link, so its bytes were not used; the download starts over.")},
	{sentinels: []error{ErrBrokenRecord, ErrBroken}, class: classNetwork, kind: KindBroken,
		say: said("This task's saved record is damaged and cannot be resumed. Remove it and add the link again.")},
	{sentinels: []error{ErrNoFreeName}, class: classNetwork, kind: KindFileSystem},

	// Answers that are not usable HTTP, and streams Haul cannot save (the
	// hls package's errors carry their own sentence, see Sentence).
	{sentinels: []error{errProtocol, ErrBadResponse}, class: classFatal, kind: KindBadResponse, say: func(err error) string {
		return "The server sent an answer Haul cannot use (" + detail(err) + ")."
	}},
	{shape: func(err error) bool { var e *hls.Error; return errors.As(err, &e) }, class: classFatal, kind: KindBadResponse},

	// Trust, names, statuses, refusals.
	{shape: untrustedCert, class: classFatal, kind: KindTLS, say: func(err error) string {
		return "The server's security certificate is not trusted, so Haul did not connect (" + detail(err) + ")."
	}},
	{shape: func(err error) bool { var d *net.DNSError; return errors.As(err, &d) && d.IsNotFound },
		// Usually a typo, sometimes a resolver without network: retried,
		// but not forever.
		class: classServer, kind: KindName, say: func(err error) string {
			var d *net.DNSError
			errors.As(err, &d)
			return fmt.Sprintf("The server name %q does not exist. Check the link.", d.Name)
		}},
	{shape: func(err error) bool { var se *StatusError; return errors.As(err, &se) },
		classOf: statusClass, kindOf: statusKind, say: func(err error) string {
			var se *StatusError
			errors.As(err, &se)
			return statusSentence(se)
		}},
	{shape: func(err error) bool { return refusedAddr(err) != "" }, class: classNetwork, kind: KindRefused,
		say: func(err error) string {
			return "The server at " + refusedAddr(err) + " refuses connections. Haul keeps trying."
		}},
	{sentinels: []error{ErrNoProgress}, class: classNetwork, kind: KindNetwork, say: said("The server stopped sending data.")},
	{sentinels: []error{context.DeadlineExceeded}, class: classStopped, kind: KindNetwork, say: said("The server stopped sending data.")},

	// A local file operation (ENOSPC is matched above): retrying cannot
	// help, the user must fix the folder.
	{shape: fileError, class: classFatal, kind: KindFileSystem, say: func(err error) string {
		return "Haul could not use the file (" + err.Error() + "). Check the folder and its permissions, then resume."
	}},

	// Options and settings a caller got wrong; they reach a task only
	// through a bug, and retrying would not fix them.
	{sentinels: []error{ErrNotFound, ErrBadOption, ErrBadSettings, ErrBadProxy, ErrBadRate, ErrBadPattern, ErrTooManyPatternLinks, ErrBadChecksum},
		class: classFatal, kind: KindUnclassified},
	// A refused link change (ChangeURL); it never fails a task, and the
	// *linkError that wraps it carries the sentence (link.go).
	{sentinels: []error{ErrDifferentFile, ErrCannotCompare, ErrTaskRunning, ErrTaskComplete, ErrVideoLink},
		class: classFatal, kind: KindUnclassified},

	// A broken exchange, not a verdict on the file: the network's fault.
	// The run's own signals (errDone …) are handled before they get here.
	{sentinels: []error{io.EOF, io.ErrUnexpectedEOF, ErrTooLarge, syscall.ECONNRESET, syscall.ECONNREFUSED, syscall.EPIPE, net.ErrClosed,
		errDone, errRequeue, errShortAnswer, errRequestEnd, errStraggler, errSurplus, errStaleSource, errRangeIgnored, errContentRange, errProbeRefused},
		class: classNetwork, kind: KindNetwork},
	{shape: func(error) bool { return true }, class: classNetwork, kind: KindNetwork},
}

// rowOf is the first row of the table that matches err (never nil).
func rowOf(err error) *errorRow {
	for i := range errorTable {
		if errorTable[i].matches(err) {
			return &errorTable[i]
		}
	}
	panic("unreachable: the error table ends with a catch-all row")
}

// fileError reports a failed local file operation.
func fileError(err error) bool {
	var pe *fs.PathError
	var le *os.LinkError
	return errors.As(err, &pe) || errors.As(err, &le)
}

// statusClass: 408, 429 and 5xx are worth a bounded retry; other
// statuses are the server's verdict.
func statusClass(err error) errClass {
	var se *StatusError
	errors.As(err, &se)
	if se.Code == http.StatusRequestTimeout || se.Code == http.StatusTooManyRequests || se.Code >= 500 {
		return classServer
	}
	return classFatal
}

func statusKind(err error) ErrorKind {
	var se *StatusError
	errors.As(err, &se)
	switch se.Code {
	case http.StatusNotFound:
		return KindNotFound
	case http.StatusUnauthorized, http.StatusForbidden:
		return KindForbidden
	case http.StatusGone:
		return KindGone
	}
	return KindServer
}
