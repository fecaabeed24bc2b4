package e2e

import (
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"haul/downloader/testserver"
	"haul/e2e/internal/e2etest"
)

// finishPhases are where a kill is aimed: before the first answer, mid
// transfer, and the three steps of the finish — in the checksum pass,
// before the rename, between the rename and the Completed record — which
// haul get stops at on request (HAUL_TEST_HOLD, cli/testhold.go) so the
// kill lands exactly there.
var finishPhases = []string{"probing", "transferring", "verify", "rename", "commit"}

// finishKill is the outcome of one kill aimed at a phase and the rerun.
type finishKill struct {
	phase    string
	landed   bool  // the process was in the phase when killed
	size     int64 // file size
	served   int64 // body bytes served over both runs
	problems []string
}

// killInPhase downloads a size-byte file with a checksum, kills haul get
// in phase, runs the same command again and checks: exit 0, the file
// byte-exact, exactly one copy in the folder, and what the rerun fetched.
func killInPhase(t *testing.T, phase string, size int64, seed uint64) finishKill {
	t.Helper()
	res := finishKill{phase: phase, size: size}
	srv := testserver.New(testserver.WithFile("/f.bin", testserver.File{Size: size, Seed: seed}),
		testserver.WithPerConnRate(8<<20))
	defer srv.Close()
	// A front that holds the first request without answering, for kills
	// while probing; later requests pass through.
	target, _ := url.Parse(srv.URL("/"))
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ErrorLog = log.New(io.Discard, "", 0) // a killed client is expected
	held := make(chan struct{})
	var once sync.Once
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		first := false
		once.Do(func() { first = true })
		if first && phase == "probing" {
			close(held)
			<-r.Context().Done()
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	defer front.Close()

	base := t.TempDir()
	data, out := filepath.Join(base, "data"), filepath.Join(base, "out")
	sum := "sha256=" + testserver.SHA256(seed, size)
	args := []string{"get", "--data", data, "-d", out, "-q", "-x", "4", "--checksum", sum, front.URL + "/f.bin"}
	var env []string
	switch phase {
	case "verify", "rename", "commit":
		env = []string{"HAUL_TEST_HOLD=" + phase}
	}
	p := startHaulEnv(t, env, args...)
	var reached bool
	switch phase {
	case "probing":
		select {
		case <-held:
			reached = true
		case <-time.After(30 * time.Second):
		}
	case "transferring":
		reached = waitUntil(p, 60*time.Second, func() bool { return srv.Stats().BytesServed >= size/2 })
	default:
		reached = waitUntil(p, 60*time.Second, func() bool {
			return strings.Contains(p.stderr.String(), "haul-test-hold: "+phase)
		})
	}
	res.landed = reached && p.kill(t)
	if !res.landed {
		res.problems = append(res.problems, fmt.Sprintf("the kill missed %s (exit %d); %s", phase, p.wait(t, time.Second), p.output()))
		return res
	}
	before := readDurable(t, data)[front.URL+"/f.bin"]
	servedBefore := srv.Stats().BytesServed
	srv.ResetStats()

	code, p2 := runHaul(t, 2*time.Minute, args...)
	st := srv.Stats()
	res.served = servedBefore + st.BytesServed
	if code != 0 {
		res.problems = append(res.problems, fmt.Sprintf("rerun exit %d; %s", code, p2.output()))
		return res
	}
	if names := dirList(t, out); !slices.Equal(names, []string{"f.bin"}) {
		res.problems = append(res.problems, fmt.Sprintf("folder holds %v, want exactly [f.bin]", names))
	}
	if got := e2etest.FileSHA256(t, filepath.Join(out, "f.bin")); got != testserver.SHA256(seed, size) {
		res.problems = append(res.problems, "f.bin is not byte-exact")
	}
	if bad := refetched(st.Ranges, before); len(bad) > 0 {
		res.problems = append(res.problems, fmt.Sprintf("the rerun asked again for bytes on record: %v", bad))
	}
	switch phase {
	case "probing":
		// Nothing came before the kill: one copy's worth in all, give or
		// take what parallel connections have in flight when their ranges
		// end (the same in a run without kills).
		if res.served > size+size/10+1<<20 {
			res.problems = append(res.problems, fmt.Sprintf("served %s for a %s file", mib(res.served), mib(size)))
		}
	case "verify", "rename", "commit":
		// Every byte was on disk: the rerun fetches nothing at all.
		if st.BytesServed != 0 {
			res.problems = append(res.problems, fmt.Sprintf("the rerun fetched %s of a file that was complete", mib(st.BytesServed)))
		}
	}
	return res
}

func dirList(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// TestE2EFinishPhaseKills kills a real haul get once in each phase and
// runs it again: every file byte-exact, one copy, and beyond what a
// mid-transfer kill loses (at most one second of unrecorded bytes), nothing
// fetched twice.
func TestE2EFinishPhaseKills(t *testing.T) {
	needHaul(t)
	const size = 24<<20 + 321
	for i, phase := range finishPhases {
		t.Run(phase, func(t *testing.T) {
			r := killInPhase(t, phase, size, uint64(100+i))
			for _, p := range r.problems {
				t.Error(p)
			}
			t.Logf("%s: served %s for a %s file (%.2f×)", phase, mib(r.served), mib(r.size), float64(r.served)/float64(r.size))
		})
	}
}

// TestE2EFinishKillLoop is make chaos's finish-phase part: HAUL_CHAOS_FINISH_KILLS
// kills (default 5) aimed in turn at each phase, files of random sizes,
// each followed by a rerun; its figures are reported apart from the
// random-kill loop's.
func TestE2EFinishKillLoop(t *testing.T) {
	needHaul(t)
	n := envInt(t, "HAUL_CHAOS_FINISH_KILLS", 5)
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 0x66696e))
	// Each connection is served at 8 MiB/s, four per file: the lost
	// bytes of a kill read as seconds of transfer at 32 MiB/s.
	const perSecond = 4 * 8 << 20
	type tally struct {
		kills, missed, bad int
		served, size       int64
	}
	per := map[string]*tally{}
	for _, ph := range finishPhases {
		per[ph] = &tally{}
	}
	var problems []string
	start := time.Now()
	for k := range n {
		phase := finishPhases[k%len(finishPhases)]
		size := 1<<20 + rng.Int64N(24<<20)
		r := killInPhase(t, phase, size, rng.Uint64())
		tl := per[phase]
		if !r.landed {
			tl.missed++
		} else {
			tl.kills++
			tl.served += r.served
			tl.size += r.size
		}
		if len(r.problems) > 0 && r.landed {
			tl.bad++
		}
		for _, p := range r.problems {
			problems = append(problems, phase+": "+p)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "FINISH-PHASE CHAOS FIGURES (seed %d, %v):\n", seed, time.Since(start).Round(time.Second))
	fmt.Fprintf(&b, "  %-13s %6s %6s %6s %10s %10s %7s %14s\n", "phase", "kills", "missed", "bad", "served", "files", "ratio", "extra/kill")
	for _, ph := range finishPhases {
		tl := per[ph]
		ratio := 0.0
		if tl.size > 0 {
			ratio = float64(tl.served) / float64(tl.size)
		}
		extra := 0.0
		if tl.kills > 0 {
			extra = float64(tl.served-tl.size) / float64(tl.kills) / perSecond
		}
		fmt.Fprintf(&b, "  %-13s %6d %6d %6d %10s %10s %6.2f× %11.2f s\n", ph, tl.kills, tl.missed, tl.bad, mib(tl.served), mib(tl.size), ratio, extra)
	}
	t.Log(b.String())
	for _, p := range problems {
		t.Error(p)
	}
}
