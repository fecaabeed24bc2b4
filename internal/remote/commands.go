package remote

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"haul/downloader"
)

// Add sends each request as aria2.addUri; ids[i] is "" for a rejected one
// and err joins the reasons.
func (e *Engine) Add(ctx context.Context, reqs ...downloader.Request) ([]string, error) {
	ids := make([]string, len(reqs))
	var errs []error
	for i, r := range reqs {
		var gid string
		if err := e.c.call(ctx, &gid, "aria2.addUri", []string{r.URL}, ariaOptions(r)); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", r.URL, err))
			continue
		}
		ids[i] = gid
	}
	e.refresh()
	return ids, errors.Join(errs...)
}

// ariaOptions writes a request in aria2's option names.
func ariaOptions(r downloader.Request) map[string]any {
	o := map[string]any{}
	if r.Folder != "" {
		o["dir"] = r.Folder
	}
	if r.Name != "" {
		o["out"] = r.Name
	}
	if r.Connections > 0 {
		o["split"] = strconv.Itoa(r.Connections)
	}
	if r.SpeedLimit > 0 {
		o["max-download-limit"] = strconv.FormatInt(r.SpeedLimit, 10)
	}
	if !r.Checksum.IsZero() {
		o["checksum"] = r.Checksum.Aria2()
	}
	var headers []string
	for name, values := range r.Headers {
		for _, v := range values {
			headers = append(headers, name+": "+v)
		}
	}
	if len(headers) > 0 {
		o["header"] = headers
	}
	if r.Paused {
		o["pause"] = "true"
	}
	return o
}

// command runs one call that names a task and reads the queue again.
func (e *Engine) command(method string, params ...any) error {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	err := e.c.call(ctx, nil, method, params...)
	e.refresh()
	return err
}

// Pause stops a task, keeping its bytes.
func (e *Engine) Pause(id string) error { return e.command("aria2.pause", id) }

// Resume starts a paused task or retries a failed one.
func (e *Engine) Resume(id string) error { return e.command("aria2.unpause", id) }

// Remove takes the task off the remote queue. Deleting its file is not
// possible over aria2's RPC: with deleteFile the call fails before it
// removes anything, so nothing happens that the user did not ask for.
func (e *Engine) Remove(id string, deleteFile bool) error {
	if deleteFile {
		return errNoRemoteDelete
	}
	s, err := e.Get(id)
	if err != nil {
		return err
	}
	if s.State == downloader.StateCompleted || s.State == downloader.StateFailed {
		return e.command("aria2.removeDownloadResult", id)
	}
	return e.command("aria2.remove", id)
}

// Move changes the task's place in the queue (aria2.changePosition).
func (e *Engine) Move(id string, to downloader.MoveTo) error {
	pos, how := 0, "POS_SET"
	switch to {
	case downloader.MoveUp:
		pos, how = -1, "POS_CUR"
	case downloader.MoveDown:
		pos, how = 1, "POS_CUR"
	case downloader.MoveBottom:
		how = "POS_END"
	}
	return e.command("aria2.changePosition", id, pos, how)
}

// PauseAll pauses every remote task; a failure shows at the next reading.
func (e *Engine) PauseAll() { _ = e.command("aria2.pauseAll") }

// ResumeAll resumes every paused remote task.
func (e *Engine) ResumeAll() { _ = e.command("aria2.unpauseAll") }

// Settings are the local settings with the remote queue's own values for
// what aria2's global options carry: the download folder (a folder on the
// other computer), parallel downloads, connections, the speed limit and the
// minimum split size.
func (e *Engine) Settings() downloader.Settings {
	s := e.local.Settings()
	e.mu.Lock()
	g := e.global
	e.mu.Unlock()
	if v := g["dir"]; v != "" {
		s.Folder = v
	}
	setInt := func(dst *int, key string) {
		if n, err := strconv.Atoi(g[key]); err == nil && n > 0 {
			*dst = n
		}
	}
	setInt(&s.MaxActive, "max-concurrent-downloads")
	setInt(&s.Connections, "split")
	if n, err := strconv.ParseInt(g["max-overall-download-limit"], 10, 64); err == nil && n >= 0 {
		s.GlobalLimit = n
	}
	if n, err := strconv.ParseInt(g["min-split-size"], 10, 64); err == nil && n > 0 {
		s.MinSplit = n
	}
	return s
}

// SetSettings sends the remote values with aria2.changeGlobalOption and
// keeps the rest on this computer: the window's own preferences (s.UI),
// and the connections per server and proxy, which aria2's options do not
// carry (they apply to this computer's engine). The local folder, parallel
// downloads and limits are left as they were.
func (e *Engine) SetSettings(s downloader.Settings) error {
	if err := e.SetSessionSettings(s); err != nil {
		return err
	}
	l := e.local.Settings()
	l.UI, l.PerHost, l.Proxy = s.UI, s.PerHost, s.Proxy
	return e.local.SetSettings(l)
}

// SetSessionSettings sends the remote values with
// aria2.changeGlobalOption, which the other computer applies for its
// session (as it does for any connected app); nothing is saved here.
func (e *Engine) SetSessionSettings(s downloader.Settings) error {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	err := e.c.call(ctx, nil, "aria2.changeGlobalOption", map[string]string{
		"dir":                        s.Folder,
		"max-concurrent-downloads":   strconv.Itoa(s.MaxActive),
		"split":                      strconv.Itoa(s.Connections),
		"max-overall-download-limit": strconv.FormatInt(s.GlobalLimit, 10),
		"min-split-size":             strconv.FormatInt(s.MinSplit, 10),
	})
	if err != nil {
		return err
	}
	e.refresh()
	return nil
}

// SetOptions changes a task's connections, speed limit, checksum and
// headers (aria2.changeOption).
func (e *Engine) SetOptions(id string, o downloader.Options) error {
	opts := ariaOptions(downloader.Request{Options: o})
	if len(opts) == 0 {
		return nil
	}
	return e.command("aria2.changeOption", id, opts)
}

// Stats summarises the remote queue as last read.
func (e *Engine) Stats() downloader.Stats {
	return downloader.StatsOf(e.List())
}
