package nmhost

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
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
		if in, err := readInstance(instance); err == nil && in.PID > 0 {
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

func readInstance(path string) (rpc.Instance, error) {
	var in rpc.Instance
	b, err := os.ReadFile(path)
	if err != nil {
		return in, err
	}
	if err := json.Unmarshal(b, &in); err != nil || in.Port <= 0 || in.Port > 65535 || in.Token == "" {
		return in, fmt.Errorf("%s is damaged or incomplete", path)
	}
	return in, nil
}

// addURI calls aria2.addUri on the running Haul. errNoInstance: nobody
// (or not Haul) answered; ErrRefused: Haul answered with an error.
func (l Loopback) addURI(ctx context.Context, req downloader.Request) (string, error) {
	in, err := readInstance(filepath.Join(l.DataDir, rpc.InstanceFile))
	if err != nil {
		return "", errNoInstance
	}
	opts := map[string]any{}
	var headers []string
	for name, vs := range req.Headers {
		for _, v := range vs {
			headers = append(headers, name+": "+v)
		}
	}
	if len(headers) > 0 {
		opts["header"] = headers
	}
	if req.Name != "" {
		opts["out"] = req.Name
	}
	if req.Folder != "" {
		opts["dir"] = req.Folder
	}
	body, _ := json.Marshal(map[string]any{
		"jsonrpc": "2.0", "id": "nmhost", "method": "aria2.addUri",
		"params": []any{"token:" + in.Token, []string{req.URL}, opts},
	})
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	hreq, _ := http.NewRequestWithContext(ctx, http.MethodPost,
		"http://127.0.0.1:"+strconv.Itoa(in.Port)+rpc.Path, bytes.NewReader(body))
	hreq.Header.Set("Content-Type", "application/json")
	client := &http.Client{Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}
	resp, err := client.Do(hreq)
	if err != nil {
		return "", errNoInstance
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", errNoInstance
	}
	var reply struct {
		Result *string `json:"result"`
		Error  *struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	switch {
	case json.Unmarshal(raw, &reply) != nil:
		return "", errNoInstance // someone else on a stale port
	case reply.Error != nil:
		return "", fmt.Errorf("%w: %s", ErrRefused, reply.Error.Message)
	case reply.Result == nil:
		return "", errNoInstance
	}
	return *reply.Result, nil
}
