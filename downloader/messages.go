package downloader

import (
	"errors"
	"fmt"
	"net/http"
)

// errCanceled marks a task the user canceled.
var errCanceled = errors.New("canceled")

// Sentence turns an engine error into a sentence a user can act on. URL
// passwords in it are redacted (RedactText).
func Sentence(err error) string {
	return RedactText(sentence(err))
}

// sentence is the error's own sentence when it has one (the hls
// package's errors), else its row's in the error table (errtable.go).
func sentence(err error) string {
	if err == nil {
		return ""
	}
	var us interface{ UserSentence() string }
	if errors.As(err, &us) {
		return us.UserSentence()
	}
	if say := rowOf(err).say; say != nil {
		return say(err)
	}
	return "Download failed: " + err.Error() + "."
}

func statusSentence(se *StatusError) string {
	code := fmt.Sprintf("%d %s", se.Code, http.StatusText(se.Code))
	switch {
	case se.Code == http.StatusNotFound:
		return "The server says the file does not exist (" + code + "). Check the link."
	case se.Code == http.StatusUnauthorized && se.Credentials:
		return "The server refused the user name and password (" + code + "). Check them, then change the link or the site's login and resume."
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
