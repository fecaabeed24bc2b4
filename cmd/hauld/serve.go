package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"

	"haul/cli"
	"haul/downloader"
	"haul/internal/plumbing"
)

const serveUsage = `Usage: hauld serve [flags]

Runs the download engine, its queue and the aria2-compatible JSON-RPC
(HTTP and WebSocket on /jsonrpc) until SIGTERM or SIGINT, then records every
byte and stops; running downloads continue at the next start. Logs go to
stderr, one structured line each.

Precedence: flags, then HAULD_* environment variables, then the --config
file, then what is stored in the data folder (docs/headless.md).

Flags:
`

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	if strings.TrimSpace(v) == "" {
		return errors.New("must not be empty")
	}
	*l = append(*l, strings.TrimSpace(v))
	return nil
}

// parseServe reads the flags over the config file and the environment.
func parseServe(args []string, stderr io.Writer) (fileConfig, error) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, serveUsage)
		fs.PrintDefaults()
	}
	configPath := fs.String("config", "", "TOML configuration `file` (default: $"+envConfig+", else none)")
	data := fs.String("data", "", "data `folder` holding haul.db (default: the user config folder + Haul)")
	port := fs.Int("rpc-port", 0, "serve the RPC on this `port` (default: the stored one, 6800)")
	secret := fs.String("rpc-secret", "", "the RPC `token` (default: the stored one; made and printed once on first start)")
	listenAll := fs.Bool("rpc-listen-all", false, "listen on every interface, not only loopback")
	var origins, hosts listFlag
	fs.Var(&origins, "rpc-allow-origin", "also allow calls from this web `origin`, e.g. https://ariang.example (repeatable)")
	fs.Var(&hosts, "rpc-allow-host", "also accept this Host `name`, e.g. nas.local (repeatable)")
	if err := fs.Parse(args); err != nil {
		return fileConfig{}, err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fileConfig{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	c, err := readConfig(*configPath)
	if err != nil {
		return c, err
	}
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "data":
			c.Data = *data
		case "rpc-port":
			c.RPC.Port = *port
		case "rpc-secret":
			c.RPC.Secret = *secret
		case "rpc-listen-all":
			c.RPC.ListenAll = *listenAll
		case "rpc-allow-origin":
			c.RPC.AllowOrigins = origins
		case "rpc-allow-host":
			c.RPC.AllowHosts = hosts
		}
	})
	if c.RPC.Port < 0 || c.RPC.Port > 65535 {
		return c, fmt.Errorf("%w: the RPC port must be between 1 and 65535", errConfig)
	}
	return c, nil
}

// serve runs `hauld serve` and returns the exit status.
func serve(args []string, stdout, stderr io.Writer) int {
	c, err := parseServe(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return plumbing.ExitOK
	}
	if err != nil {
		fmt.Fprintln(stderr, "hauld serve:", err)
		return plumbing.ExitUsage
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The first signal stops cleanly; a second one, should that hang on a
	// dying disk, ends the process the default way.
	context.AfterFunc(ctx, stop)
	if err := runServer(ctx, c, stdout, log); err != nil {
		log.Error("hauld stopped", "err", err)
		return plumbing.ExitFailed
	}
	return plumbing.ExitOK
}

// runServer serves until ctx ends or a client calls aria2.shutdown, then
// stops taking requests, records every byte and returns.
func runServer(ctx context.Context, c fileConfig, stdout io.Writer, log *slog.Logger) error {
	ctx, quit := context.WithCancel(ctx)
	defer quit()
	dataDir, err := plumbing.DataDir(c.Data)
	if err != nil {
		return err
	}
	db, recovered, err := plumbing.OpenStore(dataDir)
	if err != nil {
		return err
	}
	defer db.Close()
	if recovered != nil {
		log.Warn("the task database was damaged; it was moved aside and hauld started with an empty one",
			"reason", recovered.Reason, "moved_to", recovered.BrokenPath)
	}
	m, err := downloader.Open(ctx, downloader.Config{Store: db, DefaultFolder: cli.DefaultDownloads()})
	if err != nil {
		return err
	}
	defer m.Close()
	if c.changes() {
		if err := m.SetSettings(c.apply(m.Settings())); err != nil {
			return fmt.Errorf("apply the configuration: %w", err)
		}
	}
	svc, err := plumbing.StartService(m, dataDir, plumbing.ServiceOptions{
		Port:           c.RPC.Port,
		Secret:         c.RPC.Secret,
		AlwaysRPC:      true,
		ListenAll:      c.RPC.ListenAll,
		AllowedOrigins: c.RPC.AllowOrigins,
		AllowedHosts:   c.RPC.AllowHosts,
		OnShutdown:     func(bool) { quit() },
		Logf:           func(format string, args ...any) { log.Warn(fmt.Sprintf(format, args...)) },
	})
	if err != nil {
		return err
	}
	defer svc.Close()
	announce(stdout, log, svc, dataDir, m.Settings())

	var wg sync.WaitGroup
	events, unsubscribe := m.Subscribe()
	wg.Add(1)
	go func() { defer wg.Done(); logEvents(events, log) }()

	<-ctx.Done()
	log.Info("stopping: recording every byte; running downloads continue at the next start")
	svc.Close() // no new requests while the engine stops
	m.Close()   // syncs every running task; they stay Active in the record
	unsubscribe()
	wg.Wait()
	log.Info("stopped")
	return nil
}

// announce says where hauld listens, warns when that is beyond loopback,
// and prints a newly made secret once, on stdout and never in the log.
func announce(stdout io.Writer, log *slog.Logger, svc *plumbing.Service, dataDir string, s downloader.Settings) {
	if svc.NewSecret {
		fmt.Fprintf(stdout, "RPC secret (made now, saved in %s; it is not shown again): %s\n",
			dataDir, svc.Prefs.Secret)
	}
	log.Info("hauld serving", "version", downloader.Version, "data", dataDir, "folder", s.Folder,
		"rpc", fmt.Sprintf("http://%s:%d/jsonrpc", listenHost(svc.Remote), svc.Port()))
	if svc.Remote {
		log.Warn("the RPC listens on every interface: anyone who can reach this port and knows the secret can make this machine download; put TLS in front of it beyond a trusted network",
			"port", svc.Port())
	}
}

func listenHost(remote bool) string {
	if remote {
		return "0.0.0.0"
	}
	return "127.0.0.1"
}

// logEvents writes one line per task that is added, finishes, fails or is
// removed, until the subscription closes. URLs are logged without their
// password (logURL).
func logEvents(events <-chan downloader.Event, log *slog.Logger) {
	for ev := range events {
		t := ev.Task
		switch {
		case ev.Kind == downloader.EventAdded:
			log.Info("added", "id", t.ID, "url", logURL(t.URL))
		case ev.Kind == downloader.EventRemoved:
			log.Info("removed", "id", t.ID)
		case ev.Kind == downloader.EventChanged && t.State == downloader.StateCompleted:
			log.Info("completed", "id", t.ID, "path", t.Path(), "bytes", t.Size)
		case ev.Kind == downloader.EventChanged && t.State == downloader.StateFailed:
			log.Warn("failed", "id", t.ID, "url", logURL(t.URL), "err", t.Error)
		}
	}
}

// logURL is raw without the password of its user info (net/url's
// Redacted): logs are read by more people than the queue's owner.
func logURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
