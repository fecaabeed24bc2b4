package e2e

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"haul/downloader/testserver"
	"haul/e2e/internal/e2etest"
)

// chaosFigures are what TestE2ECrashLoop reports.
type chaosFigures struct {
	rounds, files, runs  int
	kills                int   // SIGKILLs that hit a running haul
	early                int   // runs that ended before their kill was due
	failedRuns           int   // runs that exited non-zero on their own
	mismatches           int   // files whose SHA-256 was wrong
	refetches            int   // resumed requests for bytes already on record
	backwards            int   // records that lost progress across a kill
	served, size         int64 // body bytes served, file bytes
	cuts, reqs           int64
	worstRatio           float64
	worstRatioFile       string
	start                time.Time
	perRoundKills        []int
	unexpectedExitOutput []string
}

// TestE2ECrashLoop downloads rounds of several files at once from servers
// that reset and stall connections, SIGKILLs haul at random moments and
// starts it again until it exits 0, then checks every file. Each round's
// kills are capped, after which the run may finish; rounds go on until
// HAUL_CHAOS_KILLS kills (default 8) have landed. HAUL_CHAOS_FILES sets the
// files per round (default 3) and HAUL_CHAOS_SEED repeats a run.
func TestE2ECrashLoop(t *testing.T) {
	needHaul(t)
	wantKills := envInt(t, "HAUL_CHAOS_KILLS", 8)
	nFiles := max(1, envInt(t, "HAUL_CHAOS_FILES", 3))
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("HAUL_CHAOS_SEED"); v != "" {
		s, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("HAUL_CHAOS_SEED=%q: %v", v, err)
		}
		seed = s
	}
	t.Logf("chaos seed %d (HAUL_CHAOS_SEED=%d repeats the choices; timing still varies), %d kills, %d files a round", seed, seed, wantKills, nFiles)
	rng := rand.New(rand.NewPCG(seed, 0x6861756c))

	const (
		conns        = 4
		rate         = 1 << 20 // per connection
		maxPerRound  = 6
		minKill      = 20 * time.Millisecond
		maxKill      = 1500 * time.Millisecond
		runGuard     = 3 * time.Minute
		maxFailsInRd = 3
	)
	base := t.TempDir()
	data := filepath.Join(base, "data") // one database for every round
	f := chaosFigures{start: time.Now()}

	for round := 1; f.kills < wantKills; round++ {
		f.rounds++
		type file struct {
			url, name string
			size      int64
			seed      uint64
			srv       *testserver.Server
			served    int64
			liar      string // how its server misbehaves (issue 12)
			resumes   bool   // a resume can skip what is on record
		}
		files := make([]*file, nFiles)
		urls := make([]string, nFiles)
		for i := range files {
			fl := &file{
				name: fmt.Sprintf("r%d-f%d.bin", round, i),
				size: (2 << 20) + rng.Int64N(8<<20) + rng.Int64N(4096), // 2–10 MiB, not page-aligned
				seed: rng.Uint64(),
			}
			var liar []testserver.Option
			liar, fl.liar, fl.resumes = chaosLiar(rng)
			// One server per file, so bytes served and ranges are per file.
			fl.srv = testserver.New(append(liar,
				testserver.WithFile("/"+fl.name, testserver.File{Size: fl.size, Seed: fl.seed}),
				testserver.WithPerConnRate(rate),
				testserver.WithReset(testserver.Reset{
					After:    (64 << 10) + rng.Int64N(2<<20),
					Prob:     0.3,
					Seed:     rng.Uint64(),
					Abortive: rng.IntN(2) == 0,
				}),
				testserver.WithStall((32<<10)+rng.Int64N(1<<20), time.Duration(100+rng.IntN(400))*time.Millisecond),
			)...)
			defer fl.srv.Close()
			fl.url = fl.srv.URL("/" + fl.name)
			files[i], urls[i] = fl, fl.url
		}
		out := filepath.Join(base, fmt.Sprintf("r%d", round))
		args := append([]string{"get", "--data", data, "-d", out, "-x", strconv.Itoa(conns), "-j", strconv.Itoa(nFiles), "-q"}, urls...)
		budget := min(1+rng.IntN(maxPerRound), wantKills-f.kills)
		prev := readDurable(t, data)
		roundKills, fails := 0, 0

		// check compares a run's requests with the records it started from.
		check := func(run int) {
			for _, fl := range files {
				st := fl.srv.Stats()
				fl.served += st.BytesServed
				f.cuts += st.Cuts
				f.reqs += st.Requests
				if bad := refetched(st.Ranges, prev[fl.url]); len(bad) > 0 && fl.resumes {
					f.refetches += len(bad)
					t.Errorf("round %d run %d: %s: asked again for bytes already on record: %v", round, run, fl.name, bad)
				}
				fl.srv.ResetStats()
			}
		}
		for run := 1; ; run++ {
			f.runs++
			p := startHaul(t, args...)
			killed := false
			if roundKills < budget {
				d := minKill + time.Duration(rng.Int64N(int64(maxKill-minKill)))
				select {
				case <-p.done:
					f.early++
				case <-time.After(d):
					killed = p.kill(t)
					if !killed {
						f.early++
					}
				}
			}
			if killed {
				f.kills++
				roundKills++
				check(run)
				cur := readDurable(t, data)
				for _, fl := range files {
					if c, o := cur[fl.url].Done(), prev[fl.url].Done(); c < o && fl.resumes {
						f.backwards++
						t.Errorf("round %d kill %d: %s: record went from %d to %d bytes done", round, roundKills, fl.name, o, c)
					}
				}
				prev = cur
				continue
			}
			code := p.wait(t, runGuard)
			check(run)
			if code == 0 {
				break
			}
			f.failedRuns++
			fails++
			msg := fmt.Sprintf("round %d run %d: exit %d; %s", round, run, code, p.output())
			f.unexpectedExitOutput = append(f.unexpectedExitOutput, msg)
			t.Logf("%s", msg)
			if fails > maxFailsInRd {
				t.Fatalf("round %d: haul failed %d times without a kill; giving up", round, fails)
			}
			prev = readDurable(t, data)
		}
		f.perRoundKills = append(f.perRoundKills, roundKills)

		for _, fl := range files {
			f.files++
			f.size += fl.size
			f.served += fl.served
			path := filepath.Join(out, fl.name)
			if _, err := os.Stat(path); err != nil {
				f.mismatches++
				ents, _ := os.ReadDir(out)
				var names []string
				for _, e := range ents {
					names = append(names, e.Name())
				}
				t.Errorf("round %d: %s is missing after exit 0 (%v); the folder holds %q", round, fl.name, err, names)
			} else if got, want := e2etest.FileSHA256(t, path), testserver.SHA256(fl.seed, fl.size); got != want {
				f.mismatches++
				t.Errorf("round %d: %s (server: %s): SHA-256 %s, want %s", round, fl.name, fl.liar, got, want)
			}
			ratio := float64(fl.served) / float64(fl.size)
			if ratio > f.worstRatio {
				f.worstRatio, f.worstRatioFile = ratio, fmt.Sprintf("round %d %s (%s)", round, fl.name, mib(fl.size))
			}
			// A killed run loses at most what came since the last record
			// (about a second) plus what was in flight: bound it by 1.5 s
			// of every connection at full rate, per kill.
			if limit := fl.size + int64(roundKills)*conns*rate*3/2 + 1<<20; fl.served > limit && fl.resumes {
				t.Errorf("round %d: %s served %s for a %s file over %d kills (limit %s): a resume started over", round, fl.name, mib(fl.served), mib(fl.size), roundKills, mib(limit))
			}
		}
		if parts := partFiles(t, out); len(parts) > 0 {
			t.Errorf("round %d: part files left: %v", round, parts)
		}
		for _, fl := range files {
			fl.srv.Close()
		}
		t.Logf("round %d: %d files, %d kills, %s", round, nFiles, roundKills, time.Since(f.start).Round(time.Second))
	}

	ratio := float64(f.served) / float64(max(f.size, 1))
	t.Logf("CHAOS FIGURES (seed %d):\n"+
		"  kills survived:        %d (per round %v; %d rounds, %d runs, %d runs ended before their kill)\n"+
		"  files verified:        %d (%s)\n"+
		"  SHA-256 mismatches:    %d\n"+
		"  refetched ranges:      %d, records gone backwards: %d\n"+
		"  runs failed unkilled:  %d\n"+
		"  bytes served / size:   %.3f (worst file %.2f: %s)\n"+
		"  server: %d requests, %d bodies cut\n"+
		"  wall time:             %s",
		seed, f.kills, f.perRoundKills, f.rounds, f.runs, f.early,
		f.files, mib(f.size), f.mismatches, f.refetches, f.backwards, f.failedRuns,
		ratio, f.worstRatio, f.worstRatioFile, f.reqs, f.cuts, time.Since(f.start).Round(time.Millisecond))
	if f.mismatches > 0 {
		t.Errorf("%d files did not match their source", f.mismatches)
	}
	if f.failedRuns > 0 {
		t.Logf("haul exited non-zero without being killed %d times (it was run again):\n%s", f.failedRuns, strings.Join(f.unexpectedExitOutput, "\n"))
	}
}

// chaosLiar picks how one file's server misbehaves on top of the resets
// and stalls: one of issue 12's kinds 1–4, or not at all. resumes is false
// for the kinds whose ranges are unusable (a resume then asks for the whole
// file and skips, or starts over), so the resume-efficiency checks do not
// apply to them; the SHA-256 check always does.
func chaosLiar(rng *rand.Rand) (opts []testserver.Option, kind string, resumes bool) {
	switch rng.IntN(6) {
	case 0:
		return []testserver.Option{testserver.WithLiar(testserver.Liar{IgnoreIfRange: true})}, "ignores If-Range", true
	case 1:
		return []testserver.Option{testserver.WithLiar(testserver.Liar{RangesFromZeroOnly: true})}, "ranges only from 0", false
	case 2:
		cut := int64(256<<10) + rng.Int64N(1<<20)
		return []testserver.Option{testserver.WithLiar(testserver.Liar{MaxRange: cut})}, "short honest ranges", true
	case 3:
		return []testserver.Option{testserver.WithLiar(testserver.Liar{ShortBy: 1})}, "Content-Length short by one", false
	case 4:
		return []testserver.Option{testserver.WithMaxConns(2, 403, "")}, "403 beyond 2 requests", true
	}
	return nil, "honest", true
}
