// Command bench measures `haul get` against curl, aria2c and axel on the
// same deterministic test server, in several network scenarios, and
// reports Haul's throughput as ratios to its peers and to each scenario's
// physical limit. `make bench` runs it in full; `make bench-smoke` runs a
// tiny version that fails only when Haul fails or a file is corrupt.
//
// The test server (haul/downloader/testserver) runs inside this process,
// one fresh instance per download, so its counters (connections, refused
// requests) describe exactly one tool's run. The tools run as children,
// measured with rusage. The wide-area scenarios put the server in one
// network namespace and the tools in another, joined by a TUN forwarder
// in this process that adds delay and loss (netem.go).
//
//	bench [-smoke] [-size 256M] [-rounds 3] [-scenarios 1,2,3a] [-tools haul,curl] [-out docs/benchmarks.md]
//	bench sink URL   (internal: one stream to /dev/null)
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"haul/downloader/testserver"
)

const seed = 1

type bench struct {
	haul, self string
	size       int64
	wanSize    int64
	loopSize   int64
	wanCap     int64
	rounds     int
	timeout    time.Duration
	smoke      bool
	nice       bool
	tmp        string
	cmdline    string

	scenarios []*scenario
	tools     []tool
	skipped   []string // tools not installed
	sums      map[int64]string

	// results[scenario ID][tool Key]
	results map[string]map[string][]runResult

	hardFail []string // haul failures and checksum mismatches
	revision string   // git describe at start
	ranges   bool
	traceDir string // per-run body timelines (trace.go); "" = none
	// withHauld: a hauld sits beside the measured haul, so `haul get` may
	// hand its download to it (reported in the header).
	withHauld bool
	// baseline is a second haul binary (with its hauld beside it), run
	// as the tool haulbase in alternation with the measured one, so an
	// engine change is judged against the build before it in one run
	// under one load; "" = none.
	baseline string
	start    time.Time
	loadAvg  [2]string

	video     []videoRound // the HLS scenario (video.go)
	videoPeer string

	idleSpan  time.Duration // idle measurement per mode (idle.go); 0 = none
	idleFloor string        // the empty Fyne window measured next to it (floor.go); "" = none
	idle      *idleResult
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func main() {
	if len(os.Args) == 3 && os.Args[1] == "sink" {
		os.Exit(sink(os.Args[2]))
	}
	if len(os.Args) > 4 && os.Args[1] == "measure" && os.Args[3] == "--" {
		os.Exit(measure(os.Args[2], os.Args[4:]))
	}
	os.Exit(mainErr())
}

func mainErr() int {
	var (
		smoke     = flag.Bool("smoke", false, "tiny file, one round, scenarios 1, 2, 4, 5; peers only if installed")
		sizeS     = flag.String("size", envOr("BENCH_SIZE", ""), "file size (K, M, G suffixes; env BENCH_SIZE; default 256M, smoke 8M)")
		roundsS   = flag.String("rounds", envOr("BENCH_ROUNDS", ""), "rounds per scenario (env BENCH_ROUNDS; default 3, smoke 1)")
		loopSizeS = flag.String("loopback-size", envOr("BENCH_LOOPBACK_SIZE", ""), "file size of scenario 1 (env BENCH_LOOPBACK_SIZE; default max(size, 1G), smoke: size)")
		wanSizeS  = flag.String("wan-size", envOr("BENCH_WAN_SIZE", ""), "file size of the wide-area scenarios (env BENCH_WAN_SIZE; default min(size, 32M))")
		wanCapS   = flag.String("wan-cap", envOr("BENCH_WAN_CAP", "4M"), "bandwidth cap of scenario 3b, bytes/s (env BENCH_WAN_CAP)")
		scenS     = flag.String("scenarios", envOr("BENCH_SCENARIOS", ""), "comma-separated scenario IDs (env BENCH_SCENARIOS; default all, smoke 1,2,4,5,5b)")
		toolsS    = flag.String("tools", envOr("BENCH_TOOLS", ""), "comma-separated tools: haul,haul16,curl,aria2c,aria2c16,axel16 (env BENCH_TOOLS)")
		timeoutS  = flag.String("timeout", envOr("BENCH_TIMEOUT", ""), "limit per download (env BENCH_TIMEOUT; default 10m, smoke 40s)")
		haulBin   = flag.String("haul", "bin/haul", "haul binary")
		baseBin   = flag.String("baseline", envOr("BENCH_BASELINE", ""), "a second haul binary to compare with, side by side, as tool haulbase (env BENCH_BASELINE; its hauld beside it comes along)")
		out       = flag.String("out", "", "write the Markdown report here")
		showRange = flag.Bool("ranges", false, "print the Range headers each Haul run sent (diagnosis)")
		traceDir  = flag.String("trace", envOr("BENCH_TRACE", ""), "write each run's timeline of bodies served and throughput to this folder (env BENCH_TRACE; diagnosis)")
		reproduce = flag.String("reproduce", "", "command line shown in the report (default: this one)")
		idleS     = flag.String("idle", envOr("BENCH_IDLE", "60s"), "idle window measurement per mode, with 2,000 finished tasks under Xvfb (env BENCH_IDLE; 0 = skip; smoke: skip; -scenarios idle runs only this)")
		floorBin  = flag.String("idle-floor", "bin/idlefloor", "empty Fyne window measured next to the idle window, Fyne's own cost (\"\" = skip)")
	)
	flag.Parse()

	idleSpan, ierr := time.ParseDuration(*idleS)
	if ierr != nil || idleSpan < 0 {
		return usage("bad -idle %q", *idleS)
	}
	if *smoke {
		idleSpan = 0
	}
	b := &bench{
		smoke:    *smoke,
		sums:     map[int64]string{},
		results:  map[string]map[string][]runResult{},
		nice:     os.Geteuid() == 0,
		start:    time.Now(),
		cmdline:  *reproduce,
		ranges:   *showRange,
		traceDir: *traceDir,

		idleSpan:  idleSpan,
		idleFloor: *floorBin,
	}
	if b.cmdline == "" {
		b.cmdline = strings.Join(os.Args, " ")
	}
	b.cmdline = strings.Join(strings.Fields(b.cmdline), " ")
	def := func(s, full, smoke string) string {
		if s != "" {
			return s
		}
		if b.smoke {
			return smoke
		}
		return full
	}
	var err error
	if b.size, err = parseSize(def(*sizeS, "256M", "8M")); err != nil || b.size <= 0 {
		return usage("bad -size %q", *sizeS)
	}
	if b.rounds, err = strconv.Atoi(def(*roundsS, "3", "1")); err != nil || b.rounds < 1 {
		return usage("bad -rounds %q", *roundsS)
	}
	if b.wanSize, err = parseSize(def(*wanSizeS, fmt.Sprint(min(b.size, 32<<20)), fmt.Sprint(min(b.size, 32<<20)))); err != nil || b.wanSize <= 0 {
		return usage("bad -wan-size %q", *wanSizeS)
	}
	loopDef := fmt.Sprint(max(b.size, 1<<30))
	if b.loopSize, err = parseSize(def(*loopSizeS, loopDef, fmt.Sprint(b.size))); err != nil || b.loopSize <= 0 {
		return usage("bad -loopback-size %q", *loopSizeS)
	}
	if b.wanCap, err = parseSize(*wanCapS); err != nil || b.wanCap <= 0 {
		return usage("bad -wan-cap %q", *wanCapS)
	}
	if b.timeout, err = time.ParseDuration(def(*timeoutS, "10m", "40s")); err != nil {
		return usage("bad -timeout %q", *timeoutS)
	}
	if b.haul, err = filepath.Abs(*haulBin); err != nil {
		return usage("%v", err)
	}
	if _, err := os.Stat(b.haul); err != nil {
		fmt.Fprintf(os.Stderr, "bench: haul binary: %v (run `go build -o bin/haul .`)\n", err)
		return 1
	}
	if b.self, err = os.Executable(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}

	want := splitList(def(*scenS, "", "1,2,4,5,5b"))
	for _, sc := range scenarios(b.size, b.loopSize, b.wanSize, b.wanCap) {
		if len(want) == 0 || slices.Contains(want, sc.ID) {
			b.scenarios = append(b.scenarios, sc)
		}
	}
	wantTools := splitList(*toolsS)
	for _, t := range allTools {
		if len(wantTools) > 0 && !slices.Contains(wantTools, t.Key) {
			continue
		}
		if t.Key == baselineKey && *baseBin == "" {
			if len(wantTools) > 0 {
				return usage("tool %s needs -baseline", baselineKey)
			}
			continue
		}
		if !t.installed() {
			b.skipped = append(b.skipped, fmt.Sprintf("%s (%s not installed)", t.Name, t.Bin))
			continue
		}
		b.tools = append(b.tools, t)
	}

	if b.tmp, err = os.MkdirTemp("", "haul-bench-"); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	registerCleanup(func() { os.RemoveAll(b.tmp) })
	defer runCleanups()
	handleSignals()
	// Others rebuild bin/haul while the engine is tuned: run a private
	// copy so every round measures the same binary. The hauld beside it
	// comes along: `haul get` runs its download there when both carry one
	// source stamp (headless.go), as they do where make installs them.
	if b.haul, err = copyHaul(b.haul, filepath.Join(b.tmp, "measured")); err != nil {
		fmt.Fprintln(os.Stderr, "bench: copying haul:", err)
		return 1
	}
	b.withHauld = fileExists(filepath.Join(filepath.Dir(b.haul), "hauld"))
	if *baseBin != "" {
		if b.baseline, err = copyHaul(*baseBin, filepath.Join(b.tmp, "baseline")); err != nil {
			fmt.Fprintln(os.Stderr, "bench: copying the baseline:", err)
			return 1
		}
	}
	if b.self, err = copyExecutable(b.self, filepath.Join(b.tmp, "bench")); err != nil {
		fmt.Fprintln(os.Stderr, "bench: copying bench:", err)
		return 1
	}
	b.revision = firstLine("git", "describe", "--always", "--dirty")

	b.loadAvg[0] = loadAvg()
	b.header(os.Stdout)
	for _, sc := range b.scenarios {
		b.runScenario(sc)
	}
	b.runVideo(want)
	b.runIdle()
	b.loadAvg[1] = loadAvg()

	md := b.markdown()
	fmt.Println()
	fmt.Print(md)
	if *out != "" {
		if err := os.MkdirAll(filepath.Dir(*out), 0o755); err == nil {
			err = os.WriteFile(*out, []byte(md), 0o644)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench: writing report:", err)
			return 1
		}
		fmt.Printf("\nReport written to %s\n", *out)
	}
	if len(b.hardFail) > 0 {
		fmt.Fprintln(os.Stderr, "\nbench: FAILED:")
		for _, f := range b.hardFail {
			fmt.Fprintln(os.Stderr, "  "+f)
		}
		return 1
	}
	return 0
}

func usage(format string, a ...any) int {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", a...)
	flag.Usage()
	return 2
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// parseSize reads a byte count with an optional K, M, G or T suffix
// (powers of 1024; "MiB", "MB" and "M" are the same).
func parseSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "B"), "I")
	mult := int64(1)
	if n := len(t); n > 0 {
		if i := strings.IndexByte("KMGT", t[n-1]); i >= 0 {
			mult = 1 << (10 * (i + 1))
			t = t[:n-1]
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return n * mult, nil
}

// toolsFor is the tools of sc, in the order of round r: the list rotates
// each round so no tool always runs first or right after the same one.
func (b *bench) toolsFor(sc *scenario, r int) []tool {
	var ts []tool
	if sc.Sink {
		ts = append(ts, sinkTool)
	}
	for _, t := range b.tools {
		if sc.MultiOnly && !t.Multi {
			continue
		}
		// A single connection through a throttled server measures only
		// the throttle; the smoke run has no time for that.
		if b.smoke && !t.Multi && !sc.Sink {
			continue
		}
		ts = append(ts, t)
	}
	if len(ts) == 0 {
		return nil
	}
	k := r % len(ts)
	return append(ts[k:len(ts):len(ts)], ts[:k]...)
}

func (b *bench) runScenario(sc *scenario) {
	fmt.Printf("\n== Scenario %s: %s (%s file)\n", sc.ID, sc.Title, fmtBytes(sc.Size))
	var w *wan
	if sc.WAN != nil {
		if why := wanUnavailable(); why != "" {
			sc.skip = why
			fmt.Printf("   skipped: %s\n", why)
			return
		}
		var err error
		if w, err = setupWAN(*sc.WAN); err != nil {
			sc.skip = "cannot set up the namespaces: " + err.Error()
			fmt.Printf("   skipped: %s\n", sc.skip)
			return
		}
		defer func() {
			sc.notes = append(sc.notes, "link counters: "+w.fwd.summary())
			w.close()
		}()
	}
	want := b.sum(sc.Size)
	res := map[string][]runResult{}
	b.results[sc.ID] = res
	var ccConns, ccBad int64
	for r := range b.rounds {
		for _, t := range b.toolsFor(sc, r) {
			opts := append(sc.Server(), testserver.WithFile("/file", testserver.File{Size: sc.Size, Seed: seed}))
			var prefix []string
			var ccl *ccListener
			if w != nil {
				var err error
				if ccl, err = w.listen("cubic"); err != nil {
					sc.skip = "cannot listen in the server namespace: " + err.Error()
					fmt.Printf("   skipped: %s\n", sc.skip)
					return
				}
				prefix = []string{"ip", "netns", "exec", w.cliNS}
			} else {
				l, err := net.Listen("tcp4", "127.0.0.1:0")
				if err != nil {
					sc.skip = "cannot listen: " + err.Error()
					fmt.Printf("   skipped: %s\n", sc.skip)
					return
				}
				ccl = &ccListener{Listener: l}
			}
			opts = append(opts, testserver.WithListener(ccl))
			srv := testserver.New(opts...)
			tracing := b.traceDir != "" && w != nil
			var payload0 int64
			if w != nil {
				payload0 = w.fwd.payload[0].Load()
			}
			if tracing {
				w.fwd.delivered[0].reset(time.Now())
			}
			rr := b.runOne(sc, t, srv.URL("/file"), prefix, want)
			var link linkTrace
			if tracing {
				link.t0, link.bins = w.fwd.delivered[0].take()
			}
			st := srv.Stats()
			srv.Close()
			rr.PeakConns, rr.PeakInFlight, rr.Requests, rr.Refused = st.PeakConns, st.PeakInFlight, st.Requests, st.Refused
			rr.Served = st.BytesServed
			if w != nil {
				// What a closed stream still had on the link arrives
				// within a round trip; the server sends nothing more.
				time.Sleep(2 * w.cfg.RTT)
				rr.Delivered = w.fwd.payload[0].Load() - payload0
			}
			rr.Accepted = ccl.accepted.Load()
			if w != nil {
				ccConns += rr.Accepted
				ccBad += ccl.mismatch.Load()
			}
			if b.traceDir != "" {
				if err := writeTrace(b.traceDir, sc, t, r, st.Bodies, rr, link); err != nil {
					fmt.Printf("   trace: %v\n", err)
				}
			}
			if b.ranges && t.Haul {
				fmt.Printf("   ranges requested by %s: %s\n", t.Name, strings.Join(st.Ranges, " "))
			}
			res[t.Key] = append(res[t.Key], rr)
			b.logRun(sc, t, r, rr)
			if t.Haul && !rr.OK {
				b.hardFail = append(b.hardFail, fmt.Sprintf("scenario %s, %s, round %d: %s", sc.ID, t.Name, r+1, rr.Err))
			} else if rr.BadSum {
				b.hardFail = append(b.hardFail, fmt.Sprintf("scenario %s, %s, round %d: %s", sc.ID, t.Name, r+1, rr.Err))
			}
			if !b.smoke {
				time.Sleep(300 * time.Millisecond) // let TIME_WAIT and writeback settle
			}
		}
	}
	if w != nil {
		note := fmt.Sprintf("server congestion control: cubic set on every accepted connection (%d connections", ccConns)
		if ccBad > 0 {
			note += fmt.Sprintf(", %d did NOT report cubic", ccBad)
		}
		sc.notes = append(sc.notes, note+")")
	}
}

func (b *bench) sum(size int64) string {
	if s, ok := b.sums[size]; ok {
		return s
	}
	s := testserver.SHA256(seed, size)
	b.sums[size] = s
	return s
}

func (b *bench) runOne(sc *scenario, t tool, url string, prefix []string, want string) runResult {
	dir, err := os.MkdirTemp(b.tmp, "run-")
	if err != nil {
		return runResult{Err: err.Error()}
	}
	defer os.RemoveAll(dir)
	outDir, data := filepath.Join(dir, "out"), filepath.Join(dir, "data")
	for _, d := range []string{outDir, data} {
		if err := os.Mkdir(d, 0o755); err != nil {
			return runResult{Err: err.Error()}
		}
	}
	argv := t.Args(b, url, outDir, "file", data)
	if b.nice {
		argv = append([]string{"nice", "-n", "-10"}, argv...)
	}
	argv = append(prefix, argv...)
	rr := runChild(b.self, argv, dir, b.timeout)
	if !rr.OK || t.Sink {
		return rr
	}
	got, err := fileSHA256(filepath.Join(outDir, "file"), sc.Size)
	switch {
	case err != nil:
		rr.OK, rr.BadSum, rr.Err = false, true, "exit 0 but "+err.Error()
	case got != want:
		rr.OK, rr.BadSum, rr.Err = false, true, fmt.Sprintf("SHA-256 mismatch: got %s, want %s", got, want)
	}
	return rr
}

func (b *bench) logRun(sc *scenario, t tool, r int, rr runResult) {
	status := "ok"
	if !rr.OK {
		status = "FAILED: " + rr.Err
	}
	fmt.Printf("   round %d  %-28s %8.2f MiB/s %7.2fs  cpu %6.2fs  rss %6.1f MiB (floor %.1f)  conns %2d/%3d  reqs %4d  refused %4d  %s\n",
		r+1, t.Name, mib(float64(sc.Size)/rr.Secs), rr.Secs, rr.CPU, float64(rr.RSSKB)/1024, float64(rr.Floor)/1024,
		rr.PeakConns, rr.Accepted, rr.Requests, rr.Refused, status)
}
