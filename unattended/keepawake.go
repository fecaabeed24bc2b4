package unattended

import (
	"context"
	"errors"
)

// Inhibitor keeps the computer from sleeping on its own while held.
type Inhibitor interface {
	// Inhibit takes the hold. release gives it back; it is called once.
	Inhibit(ctx context.Context) (release func() error, err error)
}

// ErrUnsupported is returned where the system offers no such service.
var ErrUnsupported = errors.New("not supported on this system")

// KeepAwake holds inh while flow says bytes are flowing and releases it
// when flow says they stopped, when flow closes or when ctx ends. It
// returns then, with the hold released. Failures go to logf and are
// tried again on the next "flowing"; a computer that sleeps is no reason
// to stop downloading.
func KeepAwake(ctx context.Context, flow <-chan bool, inh Inhibitor, logf func(string, ...any)) {
	var release func() error
	drop := func() {
		if release == nil {
			return
		}
		if err := release(); err != nil {
			logf("keep awake: release: %v", err)
		}
		release = nil
	}
	defer drop()
	for {
		select {
		case <-ctx.Done():
			return
		case flowing, ok := <-flow:
			switch {
			case !ok:
				return
			case !flowing:
				drop()
			case release == nil:
				r, err := inh.Inhibit(ctx)
				if err != nil {
					logf("keep awake: %v", err)
					continue
				}
				release = r
			}
		}
	}
}
