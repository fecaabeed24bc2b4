package remote

import (
	"context"
	"errors"
	"strings"
)

// ChangeURL gives a stopped remote task a new link through aria2's
// changeUri (its link out, the new one in); the remote Haul runs the
// same-file check and refuses another file with a sentence, which the
// returned error carries (UserSentence). The window then resumes it.
func (e *Engine) ChangeURL(ctx context.Context, id, newURL string) error {
	s, err := e.Get(id)
	if err != nil {
		return err
	}
	var res []int
	err = e.c.call(ctx, &res, "aria2.changeUri", id, 1, []string{s.URL}, []string{newURL})
	e.refresh()
	if errors.Is(err, ErrRemote) {
		return &remoteSentence{err: err}
	}
	return err
}

// remoteSentence is a refusal worded by the remote Haul.
type remoteSentence struct{ err error }

func (e *remoteSentence) Error() string { return e.err.Error() }
func (e *remoteSentence) Unwrap() error { return e.err }

// UserSentence is the remote's own sentence, without the prefix.
func (e *remoteSentence) UserSentence() string {
	msg := e.err.Error()
	if i := strings.Index(msg, ErrRemote.Error()+": "); i >= 0 {
		return msg[i+len(ErrRemote.Error())+2:]
	}
	return msg
}
