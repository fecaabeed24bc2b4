package nmhost

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"

	"haul/downloader"
	"haul/rpc"
)

// errNoInstance means no Haul answered on the data folder's instance file.
var errNoInstance = errors.New("no running Haul answered")

// Loopback submits through the running Haul's loopback aria2 RPC
// (aria2.addUri with header, out and dir options; the port and token come
// from the data folder's instance file, as for `haul add`). When no Haul
// answers it starts one hidden and waits for it; when that fails, it
// queues the download into haul.db for the next start.
type Loopback struct {
	DataDir string
	// Start starts Haul on DataDir without a window. exited is closed (or
	// receives the exit error) when that process ends. nil: never start.
	Start func() (exited <-chan error, err error)
	// StartTimeout bounds the wait for a started Haul's instance file.
	StartTimeout time.Duration
	// Queue adds req to haul.db when Haul is not running and returns the
	// task id. nil: never queue.
	Queue func(ctx context.Context, req downloader.Request) (string, error)
	// Logf, when set, hears why Haul could not be started.
	Logf func(format string, args ...any)
}

// Submit implements Submitter.
func (l Loopback) Submit(ctx context.Context, req downloader.Request) (string, bool, error) {
	id, err := l.addURI(ctx, req)
	if !errors.Is(err, errNoInstance) {
		return id, false, err
	}
	var startErr error
	if l.Start != nil {
		if startErr = l.startAndWait(ctx); startErr == nil {
			id, err = l.addURI(ctx, req)
			if !errors.Is(err, errNoInstance) {
				return id, false, err
			}
			startErr = err
		}
	}
	if startErr != nil && l.Logf != nil {
		l.Logf("%v", startErr)
	}
	if l.Queue == nil {
		return "", false, fmt.Errorf("%w: %v", ErrUnavailable, errors.Join(errNoInstance, startErr))
	}
	id, qerr := l.Queue(ctx, req)
	if qerr != nil {
		return "", false, fmt.Errorf("%w: start: %v; queue: %v", ErrUnavailable, startErr, qerr)
	}
	return id, true, nil
}

// startAndWait starts Haul and returns once its instance file appears,
// or with an error when it exits first or StartTimeout passes.
func (l Loopback) startAndWait(ctx context.Context) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("start Haul: watch %s: %w", l.DataDir, err)
	}
	defer w.Close()
	if err := os.MkdirAll(l.DataDir, 0o700); err != nil {
		return fmt.Errorf("start Haul: %w", err)
	}
	if err := w.Add(l.DataDir); err != nil {
		return fmt.Errorf("start Haul: watch %s: %w", l.DataDir, err)
	}
	exited, err := l.Start()
	if err != nil {
		return fmt.Errorf("start Haul: %w", err)
	}
	timeout := l.StartTimeout
	if timeout <= 0 {
		timeout = 20 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	instance := filepath.Join(l.DataDir, rpc.InstanceFile)
	for {
		if in, err := rpc.ReadInstanceFile(instance); err == nil && in.PID > 0 {
			return nil
		}
		select {
		case <-w.Events:
		case err := <-w.Errors:
			return fmt.Errorf("start Haul: watch %s: %w", l.DataDir, err)
		case err := <-exited:
			return fmt.Errorf("start Haul: it exited before it was ready: %v", err)
		case <-ctx.Done():
			return fmt.Errorf("start Haul: not ready after %v: %w", timeout, ctx.Err())
		}
	}
}

// addURI gives req to the running Haul through the single-instance
// hand-off (rpc.Send: a socket in the data folder whose listener is
// proven to be this user's Haul before anything is sent; no token
// travels). errNoInstance: nobody (or not Haul) answered; ErrRefused:
// Haul answered with a reason.
func (l Loopback) addURI(ctx context.Context, req downloader.Request) (string, error) {
	res, err := rpc.Send(ctx, l.DataDir, rpc.Handoff{Downloads: []rpc.HandoffDownload{rpc.DownloadOf(req)}})
	if err != nil {
		return "", errNoInstance
	}
	if res.Errors[0] != "" {
		return "", fmt.Errorf("%w: %s", ErrRefused, res.Errors[0])
	}
	return res.IDs[0], nil
}
