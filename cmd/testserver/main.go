// Command testserver runs the downloader's fault-injecting test server
// (package haul/downloader/testserver) by itself, for manual testing and
// for benchmarks against other clients such as curl.
//
//	testserver -size 1G -rate 2M -max-conns 8
//
// It prints the file's URL on stdout and serves until SIGINT or SIGTERM.
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"haul/downloader/testserver"
)

// sizeFlag is a byte count that accepts K, M, G, T suffixes (powers of
// 1024, optionally followed by "iB" or "B").
type sizeFlag int64

func (f *sizeFlag) String() string { return strconv.FormatInt(int64(*f), 10) }

func (f *sizeFlag) Set(s string) error {
	n, err := parseSize(s)
	*f = sizeFlag(n)
	return err
}

func parseSize(s string) (int64, error) {
	t := strings.TrimSuffix(strings.TrimSuffix(strings.ToUpper(strings.TrimSpace(s)), "B"), "I")
	mult := int64(1)
	if t != "" {
		if i := strings.IndexByte("KMGT", t[len(t)-1]); i >= 0 {
			mult = 1 << (10 * (i + 1))
			t = t[:len(t)-1]
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return n * mult, nil
}

func sizeVar(name string, def int64, usage string) *int64 {
	v := sizeFlag(def)
	flag.Var(&v, name, usage)
	return (*int64)(&v)
}

func main() {
	var (
		addr  = flag.String("addr", "127.0.0.1:0", "listen address")
		path  = flag.String("path", "/file", "URL path of the file")
		size  = sizeVar("size", 100<<20, "file size (K, M, G, T suffixes)")
		seed  = flag.Uint64("seed", 1, "content seed")
		disp  = flag.String("disposition", "", "raw Content-Disposition value")
		ctype = flag.String("type", "", "Content-Type (default application/octet-stream)")
		sha   = flag.Bool("sha", false, "print the file's SHA-256 on stderr")

		noRanges      = flag.Bool("noranges", false, "ignore Range, always 200")
		unknownLength = flag.Bool("unknown-length", false, "no Content-Length, chunked bodies")
		unknownRanges = flag.Bool("unknown-ranges", false, "with -unknown-length, still answer ranges")

		rate      = sizeVar("rate", 0, "bytes/s per response (0 = unlimited)")
		slowNth   = flag.Int("slow-nth", 0, "the Nth ranged GET is slow")
		slowStart = sizeVar("slow-start", 0, "ranged GETs starting at or after this offset are slow")
		slowRate  = sizeVar("slow-rate", 0, "bytes/s of slow responses")

		maxConns   = flag.Int("max-conns", 0, "refuse requests beyond this many in flight (0 = no limit)")
		busyStatus = flag.Int("busy-status", 503, "status for refused requests")
		retryAfter = flag.String("retry-after", "", "Retry-After for refused requests")

		resetAfter = sizeVar("reset-after", testserver.Off, "cut GET bodies after this many bytes (-1 = never)")
		resetEvery = flag.Int("reset-every", 0, "cut only every k-th body")
		resetProb  = flag.Float64("reset-prob", 0, "cut with this probability")
		resetSeed  = flag.Uint64("reset-seed", 1, "seed of the cut probability")
		resetRST   = flag.Bool("reset-rst", false, "cut with a TCP RST instead of a FIN")

		stallAfter = sizeVar("stall-after", 0, "stall GET bodies after this many bytes")
		stallFor   = flag.Duration("stall-for", 0, "stall length (0 = no stall)")

		changeAfter = sizeVar("change-after", testserver.Off, "replace the file after this many bytes served (-1 = never)")
		changeSeed  = flag.Uint64("change-seed", 2, "seed of the replacement")
		changeSize  = sizeVar("change-size", -1, "size of the replacement (-1 = same)")

		fail5xx    = flag.Int("fail5xx", 0, "answer the first N requests with -fail-status")
		failStatus = flag.Int("fail-status", 500, "status for -fail5xx")
		n429       = flag.Int("429", 0, "answer the next N requests 429")
		retry429   = flag.String("429-retry-after", "1", "Retry-After for -429")

		truncate = sizeVar("truncate", testserver.Off, "announce the full length but send only this many bytes (-1 = off)")
		lie      = sizeVar("lie", 0, "send this many bytes beyond Content-Length")
	)
	liar := liarFlags()
	flag.Parse()
	liarOpts, err := liar()
	if err != nil {
		fmt.Fprintln(os.Stderr, "testserver:", err)
		os.Exit(2)
	}

	l, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testserver:", err)
		os.Exit(1)
	}
	file := testserver.File{Size: *size, Seed: *seed, ContentDisposition: *disp, ContentType: *ctype}
	next := file
	next.Seed = *changeSeed
	if *changeSize >= 0 {
		next.Size = *changeSize
	}
	s := testserver.New(append(liarOpts,
		testserver.WithListener(l),
		testserver.WithFile(*path, file),
		testserver.WithNoRanges(*noRanges),
		testserver.WithUnknownLength(*unknownLength),
		testserver.WithUnknownLengthRanges(*unknownRanges),
		testserver.WithPerConnRate(*rate),
		testserver.WithSlowConn(testserver.SlowConn{Nth: *slowNth, MinStart: *slowStart, Rate: *slowRate}),
		testserver.WithMaxConns(*maxConns, *busyStatus, *retryAfter),
		testserver.WithReset(testserver.Reset{After: *resetAfter, Every: *resetEvery, Prob: *resetProb, Seed: *resetSeed, Abortive: *resetRST}),
		testserver.WithStall(*stallAfter, *stallFor),
		testserver.WithChangeAfter(*path, *changeAfter, next),
		testserver.WithFail5xx(*fail5xx, *failStatus),
		testserver.WithStatus429(*n429, *retry429),
		testserver.WithTruncate(*truncate),
		testserver.WithLieLength(*lie),
	)...)
	fmt.Println(s.URL(*path))
	if *sha {
		fmt.Fprintln(os.Stderr, "sha256", file.SHA256())
	}

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	<-sig
	s.Close()
}
