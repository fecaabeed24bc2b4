package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
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
	mirrors                          urlList // more links of the one file
	replaces                         string  // the earlier link the URL replaces
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
	fs.Var(&o.mirrors, "mirror", "another `URL` of the same file (repeatable); used when a link stops working")
	fs.StringVar(&o.replaces, "replaces", "", "give the earlier download of `OLD_URL` the new URL, if it is the same file")
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
	return o, o.checkLinkFlags()
}

// requests turns the flags into engine requests.
func (o *getOptions) requests() ([]downloader.Request, error) {
	limit, err := downloader.ParseRate(o.limit)
	if err != nil {
		return nil, fmt.Errorf("--limit: %w", err)
	}
	sum, err := downloader.ParseChecksum(o.checksum)
	if err != nil {
		return nil, fmt.Errorf("--checksum: %w", err)
	}
	if _, err := hls.ParseChoice(o.variant); err != nil {
		return nil, fmt.Errorf("--variant: %w", err)
	}
	if o.remux != "" && o.remux != downloader.RemuxMP4 {
		return nil, errors.New("--remux takes mp4")
	}
	hdr, err := downloader.ParseHeaderLines(o.headers...)
	if err != nil {
		return nil, fmt.Errorf("-H: %w", err)
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
			URL:     u,
			Folder:  dir,
			Name:    o.name,
			Mirrors: o.mirrors,
			Options: downloader.Options{
				Connections: o.conns,
				SpeedLimit:  limit,
				Checksum:    sum,
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

	if o.replaces != "" {
		if err := replaceLink(ctx, m, o.replaces, reqs[0]); err != nil {
			fmt.Fprintln(stderr, "haul get:", err)
			return ExitFailed
		}
	}
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
	if !cur.Checksum.IsZero() {
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

// waitDone renders progress until every task has stopped (Manager.Wait:
// completed, failed, or paused on its own, as for a full disk) or ctx
// ends. The event stream only feeds the view; Wait decides when to stop.
func waitDone(ctx context.Context, m *downloader.Manager, ids []string, events <-chan downloader.Event, view *progressView) {
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, id := range ids {
			// A task that is gone has nothing more to wait for; ctx or
			// a closing manager ends every other Wait too.
			if _, err := m.Wait(ctx, id); err != nil && !errors.Is(err, downloader.ErrNotFound) {
				return
			}
		}
	}()
	for {
		select {
		case <-done:
			return
		case ev, ok := <-events:
			if !ok {
				<-done
				return
			}
			if want[ev.Task.ID] {
				view.announceVariant(ev.Task)
				view.update(ev)
			}
		}
	}
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
			fmt.Fprintln(stdout, savedLine(s))
		case downloader.StatePaused:
			// Paused with its bytes kept (a full disk): not a failure,
			// though not done either; the sentence says how to go on.
			status = ExitFailed
			msg := s.Error
			if msg == "" {
				msg = tr("Stopped before it finished.")
			}
			fmt.Fprintln(stderr, tr("Paused {{.URL}}: {{.Error}}", map[string]any{"URL": downloader.RedactURL(s.URL), "Error": msg}))
			if s.ErrorKind == downloader.KindLinkExpired {
				fmt.Fprintln(stderr, tr("Give it a fresh link: haul get --replaces OLD_URL NEW_URL"))
			}
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
