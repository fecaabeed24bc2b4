package unattended

import (
	"context"
	"errors"
	"sync"
)

// Inhibitor keeps the computer from sleeping on its own while held.
type Inhibitor interface {
	// Inhibit takes the hold. release gives it back; it is called once.
	Inhibit(ctx context.Context) (release func() error, err error)
}

// ErrUnsupported is returned where the system offers no such service.
var ErrUnsupported = errors.New("not supported on this system")

// KeepAwake holds an Inhibitor while bytes are flowing and while it is
// enabled (the user's setting, on by default).
type KeepAwake struct {
	Inhibitor Inhibitor
	// Logf reports failures; nil discards them.
	Logf func(format string, args ...any)

	mu       sync.Mutex
	disabled bool
	poke     chan struct{}
}

// SetEnabled turns keeping awake on or off; off releases a hold at once.
func (k *KeepAwake) SetEnabled(on bool) {
	k.mu.Lock()
	k.disabled = !on
	poke := k.poke
	k.mu.Unlock()
	if poke != nil {
		select {
		case poke <- struct{}{}:
		default:
		}
	}
}

func (k *KeepAwake) enabled() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return !k.disabled
}

// Run holds the inhibitor while flow last said true and releases it when
// flow says false, when flow closes or when ctx ends; it returns then,
// with the hold released. A failure to inhibit goes to Logf and is tried
// again on the next change: a computer that may sleep is no reason to
// stop downloading. Call it once, in a goroutine the caller owns.
func (k *KeepAwake) Run(ctx context.Context, flow <-chan bool) {
	k.mu.Lock()
	k.poke = make(chan struct{}, 1)
	poke := k.poke
	k.mu.Unlock()
	var release func() error
	drop := func() {
		if release == nil {
			return
		}
		if err := release(); err != nil {
			k.logf("keep awake: release: %v", err)
		}
		release = nil
	}
	defer drop()
	flowing := false
	lastErr := "" // a system without logind says so once, not per download
	for {
		switch want := flowing && k.enabled(); {
		case !want:
			drop()
		case release == nil:
			r, err := k.Inhibitor.Inhibit(ctx)
			if err != nil && err.Error() != lastErr {
				lastErr = err.Error()
				k.logf("keep awake: %v", err)
			}
			release = r
		}
		select {
		case <-ctx.Done():
			return
		case f, ok := <-flow:
			if !ok {
				return
			}
			flowing = f
		case <-poke:
		}
	}
}

func (k *KeepAwake) logf(format string, args ...any) {
	if k.Logf != nil {
		k.Logf(format, args...)
	}
}
