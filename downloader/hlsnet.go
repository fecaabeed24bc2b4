package downloader

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"haul/downloader/hls"
)

// The small requests of a video task: playlists and keys. They go through
// the task's client, headers and User-Agent like its segments.

// getPlaylist fetches a playlist, retrying like a connection would. An
// expired link (401/403/410) returns at once: the caller knows a better
// place to ask. It returns the body and the final URL after redirects.
func (r *run) getPlaylist(raw string) ([]byte, string, error) {
	for attempt := 0; ; attempt++ {
		data, final, err := fetchSmall(r.ctx, r.client, raw, r.hdr, r.ua, hls.MaxPlaylistBytes)
		if err == nil {
			return data, final, nil
		}
		if expiredLink(err) || !r.backoff(err, attempt) {
			return nil, "", fmt.Errorf("playlist: %w", err)
		}
	}
}

// fetchKey fetches an AES-128 key: exactly 16 bytes. Keys are never
// logged nor stored.
func (r *run) fetchKey(ctx context.Context, raw string) ([]byte, error) {
	for attempt := 0; ; attempt++ {
		key, _, err := fetchSmall(ctx, r.client, raw, r.hdr, r.ua, 16)
		if err == nil {
			if len(key) != 16 {
				return nil, playlistError(fmt.Errorf("%d bytes: %w", len(key), hls.ErrBadKey))
			}
			return key, nil
		}
		if !r.backoff(err, attempt) {
			return nil, fmt.Errorf("key: %w", err)
		}
	}
}

// fetchSmall GETs a small resource whole; more than limit bytes is
// ErrBadResponse (for a key: not a key).
func fetchSmall(ctx context.Context, c *http.Client, raw string, hdr http.Header, ua string, limit int64) ([]byte, string, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	req, err := newRequest(ctx, raw, hdr, ua)
	if err != nil {
		return nil, "", err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, "", statusError(resp)
	}
	data, err := readWatched(resp.Body, limit+1, cancel)
	if err != nil {
		return nil, "", err
	}
	if int64(len(data)) > limit {
		if limit == 16 {
			return nil, "", playlistError(fmt.Errorf("longer than 16 bytes: %w", hls.ErrBadKey))
		}
		return nil, "", fmt.Errorf("larger than %d bytes: %w", limit, ErrBadResponse)
	}
	return data, resp.Request.URL.String(), nil
}

// keyring fetches each key URI once per run and shares it between the
// segments that use it; a failed fetch is tried again by the next user.
type keyring struct {
	fetch func(context.Context, string) ([]byte, error)
	mu    sync.Mutex
	keys  map[string]*keyEntry
}

type keyEntry struct {
	done chan struct{} // closed when key and err are set
	key  []byte
	err  error
}

func newKeyring(fetch func(context.Context, string) ([]byte, error)) *keyring {
	return &keyring{fetch: fetch, keys: map[string]*keyEntry{}}
}

// get returns the key at uri, fetching it if no one has.
func (k *keyring) get(ctx context.Context, uri string) ([]byte, error) {
	k.mu.Lock()
	e := k.keys[uri]
	if e != nil {
		select {
		case <-e.done:
			if e.err != nil {
				e = nil // the last try failed: try again
			}
		default:
		}
	}
	if e == nil {
		e = &keyEntry{done: make(chan struct{})}
		k.keys[uri] = e
		k.mu.Unlock()
		e.key, e.err = k.fetch(ctx, uri)
		close(e.done)
		return e.key, e.err
	}
	k.mu.Unlock()
	select {
	case <-e.done:
		return e.key, e.err
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}

// readWatched reads r to its end, at most limit bytes. When nothing
// arrives for StallTimeout it aborts the request and fails with
// ErrNoProgress (retried like a network failure).
func readWatched(r io.Reader, limit int64, abort context.CancelCauseFunc) ([]byte, error) {
	var stalled atomic.Bool
	watchdog := time.AfterFunc(StallTimeout, func() {
		stalled.Store(true)
		abort(ErrNoProgress)
	})
	defer watchdog.Stop()
	var out []byte
	buf := make([]byte, 32<<10)
	lr := io.LimitReader(r, limit)
	for {
		n, err := lr.Read(buf)
		out = append(out, buf[:n]...)
		watchdog.Reset(StallTimeout)
		switch {
		case errors.Is(err, io.EOF):
			return out, nil
		case err != nil && stalled.Load():
			// Not wrapping err: a canceled context would read as a stop.
			return nil, fmt.Errorf("nothing received for %v: %w", StallTimeout, ErrNoProgress)
		case err != nil:
			return nil, err
		}
	}
}
