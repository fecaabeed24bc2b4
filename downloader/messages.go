package downloader

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
)

// errCanceled marks a task the user canceled.
var errCanceled = errors.New("canceled")

// Sentence turns an engine error into a sentence a user can act on. URL
// passwords in it are redacted (RedactText).
func Sentence(err error) string {
	return RedactText(sentence(err))
}

func sentence(err error) string {
	if err == nil {
		return ""
	}
	var se *StatusError
	var dnsErr *net.DNSError
	var us interface{ UserSentence() string }
	switch {
	case errors.As(err, &us):
		return us.UserSentence()
	case errors.Is(err, errCanceled):
		return "Canceled. Resume to download it again from the start."
	case errors.Is(err, ErrNoSpace):
		return "Not enough disk space: " + detail(err) + ". Free some space or choose another folder, then resume."
	case errors.Is(err, ErrDiskFull):
		return "The disk is full. Free some space, then resume: nothing downloaded so far is lost."
	case errors.Is(err, ErrChecksum):
		return "The file does not match the checksum you gave (" + detail(err) + "); it was not saved. Check the checksum, then resume to download again."
	case errors.Is(err, ErrSizeMismatch):
		return "The file ended up a different size than the server announced; resume to download it again."
	case errors.Is(err, errCannotResume):
		return "The connection kept breaking, and this server cannot resume downloads, so each try started over. Try again later."
	case errors.Is(err, ErrRemoteChanged):
		return "The file on the server kept changing while it was downloaded; try again later."
	case errors.Is(err, ErrTooManyRedirect):
		return "The link redirects too many times. Open it in a browser to find the real file link."
	case errors.Is(err, ErrBadURL):
		return "This is not a valid http or https link: " + detail(err) + "."
	case errors.Is(err, ErrPartMissing):
		return "The partial file is gone; the download starts over."
	case errors.Is(err, ErrPartReplaced):
		return "The partial file was replaced by another file or a link, so its bytes were not used; the download starts over."
	case errors.Is(err, ErrBrokenRecord):
		return "This task's saved record is damaged and cannot be resumed. Remove it and add the link again."
	case errors.Is(err, ErrLinkExpired):
		return "The link has expired: the server now refuses every connection after sending part of the file. Give the download a fresh link of the same file (Change link…) and it continues where it stopped."
	case errors.Is(err, errConnLimit):
		return "The server allows fewer connections; retrying with fewer."
	case errors.Is(err, ErrBadResponse):
		return "The server sent an answer Haul cannot use (" + detail(err) + ")."
	case untrustedCert(err):
		return "The server's security certificate is not trusted, so Haul did not connect (" + detail(err) + ")."
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return fmt.Sprintf("The server name %q does not exist. Check the link.", dnsErr.Name)
	case errors.As(err, &se):
		return statusSentence(se)
	case refusedAddr(err) != "":
		return "The server at " + refusedAddr(err) + " refuses connections. Haul keeps trying."
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, ErrNoProgress):
		return "The server stopped sending data."
	}
	return "Download failed: " + err.Error() + "."
}

func statusSentence(se *StatusError) string {
	code := fmt.Sprintf("%d %s", se.Code, http.StatusText(se.Code))
	switch {
	case se.Code == http.StatusNotFound:
		return "The server says the file does not exist (" + code + "). Check the link."
	case se.Code == http.StatusUnauthorized:
		return "The server asks for a login (" + code + "). Add the cookie or header your browser sends, then resume."
	case se.Code == http.StatusForbidden:
		return "The server refused access (" + code + "). The link may have expired, or it needs the cookie or referer your browser sends."
	case se.Code == http.StatusGone:
		return "The file is gone from the server (" + code + "). Get a fresh link."
	case se.Code == http.StatusTooManyRequests:
		return "The server says there are too many requests (" + code + "). Try again later or use fewer connections."
	case se.Code >= 500:
		return "The server keeps failing (" + code + "). Try again later."
	}
	return "The server refused the download (" + code + ")."
}

// detail is the innermost useful text of err for a sentence.
func detail(err error) string {
	var d interface{ Detail() string }
	if errors.As(err, &d) {
		return d.Detail()
	}
	return err.Error()
}
