package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

func mib(bytesPerSec float64) float64 { return bytesPerSec / (1 << 20) }

func fmtBytes(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// summary is one tool in one scenario over all rounds.
type summary struct {
	ok, runs      int
	rate          float64 // median bytes/s of the good runs
	secs, cpu     float64 // medians
	rssKB         int64   // peak over all runs
	floorKB       int64   // the measuring helper's RSS (see measure.go)
	conns, refuse int     // peak connections; most refusals in a run
	reqs          int64   // most requests in a run
	opened        int64   // most TCP connections opened in a run
	served        float64 // most body bytes the server sent in a good run ÷ file size
	// delivered: most TCP payload the emulated link handed the client in
	// a good run ÷ file size; 0 = not measured (no emulated link).
	delivered float64
	cpuPerGiB float64 // median CPU seconds per GiB of file
	errs      []string
}

// servedText is bytes served ÷ file size, "—" when unknown.
func (s summary) servedText() string {
	if s.served <= 0 {
		return "—"
	}
	return fmt.Sprintf("%.3f", s.served)
}

// deliveredText is the link's payload ÷ file size, "—" when unknown.
func (s summary) deliveredText() string {
	if s.delivered <= 0 {
		return "—"
	}
	return fmt.Sprintf("%.3f", s.delivered)
}

// cpuGiBText is CPU seconds per GiB, "—" when no run succeeded.
func (s summary) cpuGiBText() string {
	if s.ok == 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f", s.cpuPerGiB)
}

// rss is the peak RSS in MiB, or "≤ floor" when the tool stayed below
// what it inherited from the measuring helper.
func (s summary) rss() string {
	if s.rssKB > 0 && s.rssKB <= s.floorKB {
		return fmt.Sprintf("≤ %.1f", float64(s.floorKB)/1024)
	}
	return fmt.Sprintf("%.1f", float64(s.rssKB)/1024)
}

func summarize(size int64, rs []runResult) summary {
	var s summary
	var rates, secs, cpus []float64
	s.runs = len(rs)
	for _, r := range rs {
		s.conns = max(s.conns, r.PeakConns)
		s.refuse = max(s.refuse, int(r.Refused))
		s.reqs = max(s.reqs, r.Requests)
		s.opened = max(s.opened, r.Accepted)
		s.rssKB = max(s.rssKB, r.RSSKB)
		s.floorKB = max(s.floorKB, r.Floor)
		if !r.OK {
			s.errs = append(s.errs, r.Err)
			continue
		}
		s.ok++
		if size > 0 {
			s.served = max(s.served, float64(r.Served)/float64(size))
			s.delivered = max(s.delivered, float64(r.Delivered)/float64(size))
		}
		rates = append(rates, float64(size)/r.Secs)
		secs = append(secs, r.Secs)
		cpus = append(cpus, r.CPU)
	}
	s.rate, s.secs, s.cpu = median(rates), median(secs), median(cpus)
	if size > 0 {
		s.cpuPerGiB = s.cpu / (float64(size) / (1 << 30))
	}
	return s
}

func (b *bench) summary(sc *scenario, key string) (summary, bool) {
	rs, ok := b.results[sc.ID][key]
	if !ok {
		return summary{}, false
	}
	return summarize(sc.Size, rs), true
}

// limit is the scenario's physical limit in bytes/s, 0 if none.
func (b *bench) limit(sc *scenario) float64 {
	if sc.Sink {
		if s, ok := b.summary(sc, sinkTool.Key); ok && s.ok > 0 {
			return s.rate
		}
		return 0
	}
	return sc.Limit
}

func (b *bench) scenario(id string) *scenario {
	for _, sc := range b.scenarios {
		if sc.ID == id {
			return sc
		}
	}
	return nil
}

func ratio(a, b float64) string {
	if a <= 0 || b <= 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f", a/b)
}

func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "?"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "?"
}

func kernel() string {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return "?"
	}
	return unix.ByteSliceToString(u.Sysname[:]) + " " + unix.ByteSliceToString(u.Release[:])
}

func (b *bench) header(w io.Writer) {
	fmt.Fprintf(w, "Haul benchmark: %s file (loopback scenario %s, wide-area scenarios %s), %d round(s), tools %s\n",
		fmtBytes(b.size), fmtBytes(b.loopSize), fmtBytes(b.wanSize), b.rounds, toolNames(b.tools))
	fmt.Fprintf(w, "Machine: %d CPUs, %s, %s, %s; load average %s\n", runtime.NumCPU(), cpuModel(), kernel(), runtime.Version(), b.loadAvg[0])
	if len(b.skipped) > 0 {
		fmt.Fprintf(w, "Not installed, skipped: %s\n", strings.Join(b.skipped, ", "))
	}
	if !b.nice {
		fmt.Fprintln(w, "Not root: tools run without nice -n -10.")
	}
}

func toolNames(ts []tool) string {
	var n []string
	for _, t := range ts {
		n = append(n, t.Name)
	}
	return strings.Join(n, ", ")
}

// peers are the tools Haul is compared with, in table order.
var peerKeys = []struct{ key, label string }{
	{"curl", "curl"},
	{"aria2c", "aria2c"},
	{"aria2c16", "aria2c -x16"},
	{"axel16", "axel -n16"},
}

func (b *bench) markdown() string {
	var sb strings.Builder
	w := &sb
	fmt.Fprintf(w, "# Haul benchmarks\n\n")
	fmt.Fprintf(w, "Haul's `haul get` against curl, aria2c and axel, downloading the same deterministic file from the same test server "+
		"(`haul/downloader/testserver`, one fresh server per download). Medians over %d round(s); tools alternate within a round "+
		"and the order rotates between rounds. Every downloaded file's SHA-256 is checked. MiB/s = file size / wall time of the child process "+
		"(start to exit, so process start-up and, for Haul, opening its database count). CPU = user+sys of the child (median), "+
		"RSS = peak resident set over all rounds (rusage ru_maxrss, taken by a small helper process because a vforked child inherits its parent's peak; "+
		"\"≤ x\" means the tool stayed below the helper's own x MiB). *conns* = most TCP connections the server saw open at once in a run, *opened* = most TCP connections opened in one run; "+
		"*reqs* and *refused* = most requests / refusals (503, 429) in one run. "+
		"*served ÷ size* = most file bytes the server wrote into its sockets in one run ÷ file size; "+
		"*delivered ÷ size* (wide-area scenarios) = most TCP payload the emulated link handed the client in one run ÷ file size: "+
		"it counts HTTP headers, retransmissions and what a cut stream still had on the link, and not what the server's socket buffer held when the client closed, "+
		"which never crossed the link.\n\n", b.rounds)
	fmt.Fprintf(w, "Reproduce: `%s`\n\n", b.cmdline)
	fmt.Fprintf(w, "## Machine\n\n")
	fmt.Fprintf(w, "- %d CPUs (nproc), %s\n", runtime.NumCPU(), cpuModel())
	fmt.Fprintf(w, "- Kernel: %s\n", kernel())
	fmt.Fprintf(w, "- Go: %s\n", runtime.Version())
	var vers []string
	for _, v := range []struct {
		name string
		args []string
	}{
		{"curl", []string{"--version"}}, {"aria2c", []string{"--version"}}, {"axel", []string{"--version"}},
	} {
		if l := firstLine(v.name, v.args...); l != "" {
			vers = append(vers, l)
		}
	}
	if len(vers) > 0 {
		fmt.Fprintf(w, "- Peers: %s\n", strings.Join(vers, "; "))
	}
	if b.revision != "" {
		fmt.Fprintf(w, "- Haul revision: %s at the start of the run (the engine is under active tuning; a private copy of bin/haul is measured)\n", b.revision)
		if b.withHauld {
			fmt.Fprintf(w, "- bin/hauld was copied beside it: `haul get` runs its download in hauld, the same engine and CLI without the window toolkit, when both carry the same source stamp (`HAUL_IN_PROCESS=1` keeps it in haul); the peak RSS is then haul's start-up before the hand-off\n")
		}
	}
	fmt.Fprintf(w, "- Load average at start / end: %s / %s (the machine is shared; tools run under `nice -n -10`: %v)\n", b.loadAvg[0], b.loadAvg[1], b.nice)
	fmt.Fprintf(w, "- Run: %s, %s, %d round(s), file %s (loopback scenario %s so a run lasts long enough to time; wide-area scenarios %s so single-stream runs finish), took %v\n",
		b.start.UTC().Format("2006-01-02 15:04 MST"), map[bool]string{true: "smoke", false: "full"}[b.smoke], b.rounds,
		fmtBytes(b.size), fmtBytes(b.loopSize), fmtBytes(b.wanSize), time.Since(b.start).Round(time.Second))
	if len(b.skipped) > 0 {
		fmt.Fprintf(w, "- Not installed, skipped: %s\n", strings.Join(b.skipped, ", "))
	}

	b.summaryTable(w)
	b.targets(w)

	fmt.Fprintf(w, "\n## Scenarios\n")
	for _, sc := range b.scenarios {
		fmt.Fprintf(w, "\n### %s. %s\n\n", sc.ID, sc.Title)
		fmt.Fprintf(w, "File %s. ", fmtBytes(sc.Size))
		if l := b.limit(sc); l > 0 {
			fmt.Fprintf(w, "Physical limit: **%.1f MiB/s** (%s).\n\n", mib(l), sc.LimitNote)
		} else {
			fmt.Fprintf(w, "Physical limit: %s.\n\n", sc.LimitNote)
		}
		if sc.skip != "" {
			fmt.Fprintf(w, "**Skipped:** %s\n", sc.skip)
			continue
		}
		fmt.Fprintf(w, "| Tool | MiB/s | time s | ×limit | CPU s | CPU s/GiB | peak RSS MiB | conns | opened | reqs | refused | served ÷ size | delivered ÷ size | good runs |\n")
		fmt.Fprintf(w, "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
		for _, t := range append([]tool{sinkTool}, b.tools...) {
			s, ok := b.summary(sc, t.Key)
			if !ok {
				continue
			}
			name := t.Name
			if t.Haul {
				name = "**" + name + "**"
			}
			rate, secs, cpu := "—", "—", "—"
			if s.ok > 0 {
				rate, secs, cpu = fmt.Sprintf("%.2f", mib(s.rate)), fmt.Sprintf("%.2f", s.secs), fmt.Sprintf("%.2f", s.cpu)
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %d | %d | %d | %d | %s | %s | %d/%d |\n",
				name, rate, secs, ratio(s.rate, b.limit(sc)), cpu, s.cpuGiBText(), s.rss(), s.conns, s.opened, s.reqs, s.refuse, s.servedText(), s.deliveredText(), s.ok, s.runs)
		}
		for _, t := range append([]tool{sinkTool}, b.tools...) {
			if s, ok := b.summary(sc, t.Key); ok {
				for _, e := range dedupe(s.errs) {
					fmt.Fprintf(w, "\n- %s failed: %s", t.Name, e)
				}
			}
		}
		if sc.HealthyRef != "" {
			if ref := b.scenario(sc.HealthyRef); ref != nil && ref.Size == sc.Size {
				fmt.Fprintf(w, "\nEach tool's time here ÷ its own all-healthy time (scenario %s):", ref.ID)
				for _, t := range b.tools {
					s, ok1 := b.summary(sc, t.Key)
					h, ok2 := b.summary(ref, t.Key)
					if ok1 && ok2 && s.ok > 0 && h.ok > 0 {
						fmt.Fprintf(w, " %s %.2f;", t.Name, s.secs/h.secs)
					}
				}
				fmt.Fprintln(w)
			}
		}
		for _, n := range sc.notes {
			fmt.Fprintf(w, "\n- %s", n)
		}
		fmt.Fprintln(w)
	}
	sb.WriteString(b.videoSection())
	sb.WriteString(b.idleSection())
	return sb.String()
}

func dedupe(xs []string) []string {
	var out []string
	for _, x := range xs {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// summaryTable: one row per scenario and Haul variant, Haul's throughput
// as ratios.
func (b *bench) summaryTable(w io.Writer) {
	fmt.Fprintf(w, "\n## Haul as ratios\n\n")
	fmt.Fprintf(w, "Haul's median throughput divided by the limit's and each peer's (above 1 = Haul faster). CPU and RSS are Haul's own.\n\n")
	fmt.Fprintf(w, "| Scenario | Haul | MiB/s | limit MiB/s | ×limit |")
	for _, p := range peerKeys {
		fmt.Fprintf(w, " ×%s |", p.label)
	}
	fmt.Fprintf(w, " ×best peer | CPU s (aria2c -x16) | CPU s/GiB (aria2c -x16) | reqs | served ÷ size | peak RSS MiB |\n|---|---|--:|--:|--:|")
	for range peerKeys {
		fmt.Fprintf(w, "--:|")
	}
	fmt.Fprintf(w, "--:|--:|--:|--:|--:|--:|\n")
	for _, sc := range b.scenarios {
		if sc.skip != "" {
			fmt.Fprintf(w, "| %s | skipped: %s | | | |", sc.ID, sc.skip)
			for range peerKeys {
				fmt.Fprintf(w, " |")
			}
			fmt.Fprintf(w, " | | | | | |\n")
			continue
		}
		for _, t := range b.tools {
			if !t.Haul {
				continue
			}
			h, ok := b.summary(sc, t.Key)
			if !ok {
				continue
			}
			lim := b.limit(sc)
			limS := "—"
			if lim > 0 {
				limS = fmt.Sprintf("%.1f", mib(lim))
			}
			rate := "failed"
			if h.ok > 0 {
				rate = fmt.Sprintf("%.2f", mib(h.rate))
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s |", sc.ID, t.Name, rate, limS, ratio(h.rate, lim))
			for _, p := range peerKeys {
				ps, ok := b.summary(sc, p.key)
				if !ok && sc.MultiOnly {
					fmt.Fprintf(w, " (n/a) |")
					continue
				}
				fmt.Fprintf(w, " %s |", ratio(h.rate, ps.rate))
			}
			cpu, perGiB := "—", h.cpuGiBText()
			if h.ok > 0 {
				cpu = fmt.Sprintf("%.2f", h.cpu)
				if a, ok := b.summary(sc, "aria2c16"); ok && a.ok > 0 {
					cpu += fmt.Sprintf(" (%.2f)", a.cpu)
					perGiB += fmt.Sprintf(" (%.2f)", a.cpuPerGiB)
				}
			}
			fmt.Fprintf(w, " %s | %s | %s | %d | %s | %s |\n", ratio(h.rate, b.bestPeer(sc)), cpu, perGiB, h.reqs, h.servedText(), h.rss())
		}
	}
}

// bestPeer is the fastest peer's median rate in sc, 0 if none ran.
func (b *bench) bestPeer(sc *scenario) float64 {
	best := 0.0
	for _, p := range peerKeys {
		if ps, ok := b.summary(sc, p.key); ok && ps.ok > 0 {
			best = max(best, ps.rate)
		}
	}
	return best
}

// targets lists the goals the engine is being tuned towards with what was
// measured. They are reported, never enforced.
func (b *bench) targets(w io.Writer) {
	peer := func(id, key string) summary {
		if sc := b.scenario(id); sc != nil {
			s, _ := b.summary(sc, key)
			return s
		}
		return summary{}
	}
	hs := func(id, key string) (summary, *scenario) {
		sc := b.scenario(id)
		if sc == nil || sc.skip != "" {
			return summary{}, nil
		}
		s, _ := b.summary(sc, key)
		return s, sc
	}
	// bytesAtMost is the worst of tool k's byte ratios (of) over the
	// scenarios that ran, against 1.02; unmeasured ratios are 0.
	bytesAtMost := func(k string, of func(summary) float64) (string, bool, bool) {
		worst := 0.0
		for _, sc := range b.scenarios {
			if s, ok := b.summary(sc, k); ok && sc.skip == "" {
				worst = max(worst, of(s))
			}
		}
		if worst == 0 {
			return "—", false, false
		}
		return fmt.Sprintf("%.3f", worst), worst <= 1.02, true
	}
	vs := func(a, b float64, min float64) (string, bool, bool) {
		if a <= 0 || b <= 0 {
			return "—", false, false
		}
		return fmt.Sprintf("%.3f", a/b), a/b >= min, true
	}
	checks := []struct {
		goal string
		f    func(key string) (string, bool, bool)
	}{
		{"S2: ≥ 0.97 × limit", func(k string) (string, bool, bool) {
			h, sc := hs("2", k)
			if sc == nil {
				return "—", false, false
			}
			return vs(h.rate, b.limit(sc), 0.97)
		}},
		{"S2: ≥ 1.0 × aria2c -x16 -s16", func(k string) (string, bool, bool) {
			h, _ := hs("2", k)
			return vs(h.rate, peer("2", "aria2c16").rate, 1)
		}},
	}
	for _, id := range []string{"3a", "3b"} {
		checks = append(checks,
			struct {
				goal string
				f    func(key string) (string, bool, bool)
			}{"S" + id + ": ≥ 1.0 × best peer", func(k string) (string, bool, bool) {
				h, _ := hs(id, k)
				best := 0.0
				for _, p := range peerKeys {
					best = max(best, peer(id, p.key).rate)
				}
				return vs(h.rate, best, 1)
			}},
			struct {
				goal string
				f    func(key string) (string, bool, bool)
			}{"S" + id + ": ≥ 3 × curl", func(k string) (string, bool, bool) {
				h, _ := hs(id, k)
				return vs(h.rate, peer(id, "curl").rate, 3)
			}})
	}
	checks = append(checks, []struct {
		goal string
		f    func(key string) (string, bool, bool)
	}{
		{"S3a: ≥ 1.8 × best of aria2c -x16 / axel -n16", func(k string) (string, bool, bool) {
			h, _ := hs("3a", k)
			return vs(h.rate, max(peer("3a", "aria2c16").rate, peer("3a", "axel16").rate), 1.8)
		}},
		{"S3a: CPU s/GiB ≤ 1.2 × aria2c -x16's", func(k string) (string, bool, bool) {
			h, _ := hs("3a", k)
			a := peer("3a", "aria2c16")
			if h.ok == 0 || a.ok == 0 || a.cpuPerGiB <= 0 {
				return "—", false, false
			}
			return fmt.Sprintf("%.2f", h.cpuPerGiB/a.cpuPerGiB), h.cpuPerGiB <= 1.2*a.cpuPerGiB, true
		}},
		{"S3c: ≥ 1.0 × curl", func(k string) (string, bool, bool) {
			h, _ := hs("3c", k)
			return vs(h.rate, peer("3c", "curl").rate, 1)
		}},
		{"bytes served ÷ size ≤ 1.02 (worst scenario)", func(k string) (string, bool, bool) {
			return bytesAtMost(k, func(s summary) float64 { return s.served })
		}},
		{"TCP payload delivered on the emulated link ÷ size ≤ 1.02 (worst wide-area scenario)", func(k string) (string, bool, bool) {
			return bytesAtMost(k, func(s summary) float64 { return s.delivered })
		}},
		{"S1: ≥ 0.9 × curl", func(k string) (string, bool, bool) {
			h, _ := hs("1", k)
			return vs(h.rate, peer("1", "curl").rate, 0.9)
		}},
		{"S1: ≥ 1.5 × aria2c -x16", func(k string) (string, bool, bool) {
			h, _ := hs("1", k)
			return vs(h.rate, peer("1", "aria2c16").rate, 1.5)
		}},
		{"S1: CPU ≤ aria2c -x16's (ratio ≤ 1)", func(k string) (string, bool, bool) {
			h, _ := hs("1", k)
			a := peer("1", "aria2c16")
			if h.ok == 0 || a.ok == 0 || a.cpu <= 0 {
				return "—", false, false
			}
			return fmt.Sprintf("%.2f", h.cpu/a.cpu), h.cpu <= a.cpu, true
		}},
		{"S4: time ≤ 1.1 × all-healthy (16 × 2 MiB/s)", func(k string) (string, bool, bool) {
			h, sc := hs("4", k)
			if sc == nil || h.ok == 0 {
				return "—", false, false
			}
			healthy := float64(sc.Size) / sc.Limit
			return fmt.Sprintf("%.2f", h.secs/healthy), h.secs <= 1.1*healthy, true
		}},
		{"S4: time ≤ 1.1 × own healthy run (S2)", func(k string) (string, bool, bool) {
			h, sc := hs("4", k)
			r, rsc := hs("2", k)
			if sc == nil || rsc == nil || h.ok == 0 || r.ok == 0 || sc.Size != rsc.Size {
				return "—", false, false
			}
			return fmt.Sprintf("%.2f", h.secs/r.secs), h.secs <= 1.1*r.secs, true
		}},
	}...)
	for _, id := range []string{"5", "5b"} {
		checks = append(checks, struct {
			goal string
			f    func(key string) (string, bool, bool)
		}{"S" + id + ": ≥ 0.9 × 4-connection limit, no errors", func(k string) (string, bool, bool) {
			h, sc := hs(id, k)
			if sc == nil {
				return "—", false, false
			}
			v, met, known := vs(h.rate, b.limit(sc), 0.9)
			if known && h.ok < h.runs {
				return v + fmt.Sprintf(" (%d failed)", h.runs-h.ok), false, true
			}
			return v, met, known
		}})
	}
	checks = append(checks, struct {
		goal string
		f    func(key string) (string, bool, bool)
	}{"peak RSS ≤ 32 MiB (all scenarios, MiB)", func(k string) (string, bool, bool) {
		var peak int64
		for _, sc := range b.scenarios {
			if s, ok := b.summary(sc, k); ok {
				peak = max(peak, s.rssKB)
			}
		}
		if peak == 0 {
			return "—", false, false
		}
		return fmt.Sprintf("%.1f", float64(peak)/1024), peak <= 32<<10, true
	}})

	var hauls []tool
	for _, t := range b.tools {
		if t.Haul {
			hauls = append(hauls, t)
		}
	}
	fmt.Fprintf(w, "\n## Tuning targets (measured, not enforced)\n\n| Target |")
	for _, t := range hauls {
		fmt.Fprintf(w, " %s |", t.Name)
	}
	fmt.Fprintf(w, "\n|---|")
	for range hauls {
		fmt.Fprintf(w, "--:|")
	}
	fmt.Fprintln(w)
	for _, c := range checks {
		row := fmt.Sprintf("| %s |", c.goal)
		any := false
		for _, t := range hauls {
			v, met, known := c.f(t.Key)
			mark := ""
			if known {
				any = true
				mark = " ✗"
				if met {
					mark = " ✓"
				}
			}
			row += fmt.Sprintf(" %s%s |", v, mark)
		}
		if any {
			fmt.Fprintln(w, row)
		}
	}
}
