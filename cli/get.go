package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"haul/downloader"
	"haul/downloader/hls"
	"haul/internal/plumbing"
)

const getUsage = `Usage: haul get [flags] URL...

Downloads each URL over many connections, resumably. Run the same command
again after an interruption and it continues where it stopped. A numbered
series is one link: https://host/img[01-30].jpg, [a-f], [1-100:5] (a step).

Flags:
`

// getOptions are the parsed flags of haul get.
type getOptions struct {
	dir, name, limit, checksum, data string
	variant, remux                   string
	conns, jobs                      int
	headers                          headerFlags
	urls                             []string
	quiet                            bool
}

func parseGet(args []string, stderr io.Writer) (*getOptions, error) {
	o := &getOptions{}
	fs := flag.NewFlagSet("get", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, getUsage)
		fs.PrintDefaults()
	}
	fs.StringVar(&o.dir, "d", "", "download `folder` (default: the download folder in settings)")
	fs.StringVar(&o.name, "o", "", "save as `name` (one URL only)")
	fs.IntVar(&o.conns, "x", 0, fmt.Sprintf("connections per file, 1-%d (default: automatic, up to %d while more connections make it faster)", downloader.MaxConnections, downloader.AutoConnections))
	fs.IntVar(&o.jobs, "j", 0, "files downloaded in parallel (default: settings, 3)")
	fs.StringVar(&o.limit, "limit", "", "speed limit per file, e.g. 500K or 2M (bytes per second)")
	fs.StringVar(&o.checksum, "checksum", "", "verify with `ALGO=HEX` (sha256, sha1 or md5)")
	fs.Var(&o.headers, "H", "extra request `header` 'Name: value' (repeatable)")
	fs.StringVar(&o.data, "data", "", "data `folder` holding haul.db (default: the user config folder)")
	fs.BoolVar(&o.quiet, "q", false, "print only errors and the final result")
	fs.StringVar(&o.variant, "variant", "", "video variant of an HLS link: best, worst or a height like 720p (default best)")
	fs.StringVar(&o.remux, "remux", "", "convert a finished MPEG-TS video to `mp4` with ffmpeg (stream copy) when ffmpeg is installed")
	// Flags may come after URLs too: parse, take a URL, parse the rest.
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			break
		}
		o.urls = append(o.urls, fs.Arg(0))
		args = fs.Args()[1:]
	}
	var err error
	if o.urls, err = expandLinks(o.urls); err != nil {
		return nil, err
	}
	switch {
	case len(o.urls) == 0:
		fs.Usage()
		return nil, errors.New("no URL given")
	case o.name != "" && len(o.urls) > 1:
		return nil, errors.New("-o names one file; it cannot be used with several URLs")
	case o.conns < 0 || o.conns > downloader.MaxConnections:
		return nil, fmt.Errorf("-x must be between 1 and %d", downloader.MaxConnections)
	case o.jobs < 0 || o.jobs > 100:
		return nil, errors.New("-j must be between 1 and 100")
	}
	return o, nil
}

// requests turns the flags into engine requests.
func (o *getOptions) requests() ([]downloader.Request, error) {
	limit, err := downloader.ParseRate(o.limit)
	if err != nil {
		return nil, fmt.Errorf("--limit: %w", err)
	}
	if _, err := downloader.ParseChecksum(o.checksum); err != nil {
		return nil, fmt.Errorf("--checksum: %w", err)
	}
	if _, err := hls.ParseChoice(o.variant); err != nil {
		return nil, fmt.Errorf("--variant: %w", err)
	}
	if o.remux != "" && o.remux != downloader.RemuxMP4 {
		return nil, errors.New("--remux takes mp4")
	}
	hdr := http.Header{}
	for _, h := range o.headers {
		name, value, _ := strings.Cut(h, ":")
		hdr.Add(name, strings.TrimSpace(value))
	}
	if len(hdr) == 0 {
		hdr = nil
	}
	dir := o.dir
	if dir != "" {
		if dir, err = filepath.Abs(dir); err != nil {
			return nil, fmt.Errorf("-d: %w", err)
		}
	}
	reqs := make([]downloader.Request, len(o.urls))
	for i, u := range o.urls {
		if _, err := downloader.ParseURL(u); err != nil {
			return nil, err
		}
		reqs[i] = downloader.Request{
			URL:    u,
			Folder: dir,
			Name:   o.name,
			Options: downloader.Options{
				Connections: o.conns,
				SpeedLimit:  limit,
				Checksum:    o.checksum,
				Headers:     hdr,
				Variant:     o.variant,
				Remux:       o.remux,
			},
		}
	}
	return reqs, nil
}

// Get runs `haul get` and returns the exit status.
func Get(args []string, stdout, stderr io.Writer) int {
	o, err := parseGet(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	if err != nil {
		fmt.Fprintln(stderr, "haul get:", err)
		return ExitUsage
	}
	reqs, err := o.requests()
	if err != nil {
		fmt.Fprintln(stderr, "haul get:", err)
		return ExitUsage
	}
	dataDir, err := plumbing.DataDir(o.data)
	if err != nil {
		fmt.Fprintln(stderr, "haul get:", err)
		return ExitFailed
	}
	db, err := openStore(dataDir, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "haul get:", err)
		if errors.Is(err, plumbing.ErrInUse) {
			fmt.Fprintln(stderr, tr("Close the Haul window, or pass --data DIR to use a separate data folder."))
		}
		return ExitFailed
	}
	defer db.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m, err := downloader.Open(ctx, downloader.Config{
		Store:         db,
		DefaultFolder: DefaultDownloads(),
		Hold:          true,
		MaxActive:     o.jobs,
		FS:            testHoldFS(ctx, stderr),
	})
	if err != nil {
		fmt.Fprintln(stderr, "haul get:", err)
		return ExitFailed
	}
	defer m.Close()
	events, unsubscribe := m.Subscribe()
	defer unsubscribe()

	ids, already, err := enqueue(ctx, m, reqs)
	if err != nil {
		fmt.Fprintln(stderr, "haul get:", err)
	}
	if len(ids) == 0 {
		return summarize(stdout, stderr, m, nil, already, err != nil)
	}
	view := newProgressView(stdout, isTerminal(stdout), o.quiet)
	waitDone(ctx, m, ids, events, view)
	if ctx.Err() != nil {
		view.clear()
		m.Close() // records every byte on disk before we report
		fmt.Fprintln(stderr, tr("Interrupted. Run the same command again to continue where it stopped."))
		return ExitInterrupted
	}
	view.clear()
	return summarize(stdout, stderr, m, ids, already, err != nil)
}

// enqueue adds each request, or picks up the unfinished task an earlier
// run left for the same URL and folder. It returns the task ids to wait
// for and the paths that were already complete.
func enqueue(ctx context.Context, m *downloader.Manager, reqs []downloader.Request) ([]string, []string, error) {
	existing := m.List()
	var ids, already []string
	var errs []error
	for _, req := range reqs {
		if prev, ok := findEarlier(existing, req, candidateFolders(m.Settings(), req)); ok {
			if prev.State == downloader.StateCompleted {
				already = append(already, prev.Path())
				continue
			}
			if err := m.SetOptions(prev.ID, mergeOptions(prev.Options, req.Options)); err != nil {
				errs = append(errs, err)
				continue
			}
			if err := m.Resume(prev.ID); err != nil {
				errs = append(errs, err)
				continue
			}
			ids = append(ids, prev.ID)
			continue
		}
		added, err := m.Add(ctx, req)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, added[0])
	}
	return ids, already, errors.Join(errs...)
}

// findEarlier finds the task an earlier `haul get` of the same URL into the
// same folder (without -d: the download folder or one of its category
// folders) left behind. A completed one counts only if its file is
// still there.
func findEarlier(list []downloader.Snapshot, req downloader.Request, folders []string) (downloader.Snapshot, bool) {
	for _, s := range list {
		if s.Broken || s.URL != req.URL || !slices.Contains(folders, s.Folder) {
			continue
		}
		if req.Name != "" && s.Name != "" && strings.TrimSuffix(s.Name, filepath.Ext(s.Name)) != strings.TrimSuffix(downloader.SanitizeName(req.Name), filepath.Ext(req.Name)) {
			continue
		}
		if s.State == downloader.StateCompleted {
			if _, err := os.Stat(s.Path()); err != nil {
				continue
			}
		}
		return s, true
	}
	return downloader.Snapshot{}, false
}

// mergeOptions keeps what the earlier run set unless this run says
// otherwise.
func mergeOptions(old, cur downloader.Options) downloader.Options {
	if cur.Connections != 0 {
		old.Connections = cur.Connections
	}
	if cur.SpeedLimit != 0 {
		old.SpeedLimit = cur.SpeedLimit
	}
	if cur.Checksum != "" {
		old.Checksum = cur.Checksum
	}
	if cur.Headers != nil {
		old.Headers = cur.Headers
	}
	if cur.Variant != "" {
		old.Variant = cur.Variant
	}
	if cur.Remux != "" {
		old.Remux = cur.Remux
	}
	return old
}

// waitDone renders progress until every task is completed or failed, or
// ctx ends.
func waitDone(ctx context.Context, m *downloader.Manager, ids []string, events <-chan downloader.Event, view *progressView) {
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	finished := func() bool {
		for id := range want {
			s, err := m.Get(id)
			if err != nil {
				continue
			}
			if !settled(s) {
				return false
			}
		}
		return true
	}
	if finished() {
		return
	}
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-events:
			if !ok {
				return
			}
			if !want[ev.Task.ID] {
				continue
			}
			view.announceVariant(ev.Task)
			view.update(ev)
			if ev.Kind != downloader.EventProgress && finished() {
				return
			}
		}
	}
}

// settled reports whether a task needs nothing more from this run: done,
// failed, or paused with a reason (disk full).
func settled(s downloader.Snapshot) bool {
	switch s.State {
	case downloader.StateCompleted, downloader.StateFailed:
		return true
	case downloader.StatePaused:
		return true
	}
	return false
}

// summarize prints one line per file and returns the exit status: 0 only
// if every file is complete and verified.
func summarize(stdout, stderr io.Writer, m *downloader.Manager, ids, already []string, hadErrors bool) int {
	status := ExitOK
	if hadErrors {
		status = ExitFailed
	}
	for _, p := range already {
		fmt.Fprintln(stdout, tr("Already downloaded: {{.Path}}", map[string]any{"Path": p}))
	}
	for _, id := range ids {
		s, err := m.Get(id)
		if err != nil {
			continue
		}
		switch s.State {
		case downloader.StateCompleted:
			fmt.Fprintln(stdout, tr("Saved {{.Path}} ({{.Size}})", map[string]any{"Path": s.Path(), "Size": downloader.FormatBytes(s.Size)}))
		case downloader.StatePaused:
			// Paused with its bytes kept (a full disk): not a failure,
			// though not done either; the sentence says how to go on.
			status = ExitFailed
			msg := s.Error
			if msg == "" {
				msg = tr("Stopped before it finished.")
			}
			fmt.Fprintln(stderr, tr("Paused {{.URL}}: {{.Error}}", map[string]any{"URL": s.URL, "Error": msg}))
		default:
			status = ExitFailed
			msg := s.Error
			if msg == "" {
				msg = tr("Stopped before it finished.")
			}
			fmt.Fprintln(stderr, tr("Failed {{.URL}}: {{.Error}}", map[string]any{"URL": downloader.RedactURL(s.URL), "Error": msg}))
		}
	}
	return status
}
