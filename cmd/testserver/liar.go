package main

import (
	"flag"
	"fmt"
	"strings"

	"haul/downloader/testserver"
)

// liarFlags declares the flags of testserver.Liar and the credential
// guards; the returned function builds their options after flag.Parse.
func liarFlags() func() ([]testserver.Option, error) {
	var (
		ignoreIfRange = flag.Bool("ignore-if-range", false, "answer ranges with the current version even when If-Range names an older one")
		fromZero      = flag.Bool("ranges-from-zero", false, "only ranges starting at 0 get 206; others get 200 with the whole file")
		shortBy       = sizeVar("short-by", 0, "every 206 announces and sends this many bytes fewer than its Content-Range")
		maxRange      = sizeVar("max-range", 0, "every 206 covers at most this many bytes, honestly")
		bare416       = flag.Bool("bare416", false, "send 416 without Content-Range")
		gzipRanges    = flag.Bool("gzip-ranges", false, "206 answers of ranges not at 0 come gzip-encoded")
		broken        = flag.String("broken", "", "break every answer: not-http, double-length, bad-length or huge-header")
		basicAuth     = flag.String("basic-auth", "", "require user:pass")
		cookie        = flag.String("require-cookie", "", "require the cookie name=value")
	)
	return func() ([]testserver.Option, error) {
		kinds := map[string]testserver.Broken{"": testserver.BrokenNone, "not-http": testserver.BrokenNotHTTP,
			"double-length": testserver.BrokenDoubleLength, "bad-length": testserver.BrokenBadLength, "huge-header": testserver.BrokenHugeHeader}
		b, ok := kinds[*broken]
		if !ok {
			return nil, fmt.Errorf("-broken %q: want not-http, double-length, bad-length or huge-header", *broken)
		}
		opts := []testserver.Option{testserver.WithLiar(testserver.Liar{
			IgnoreIfRange: *ignoreIfRange, RangesFromZeroOnly: *fromZero, ShortBy: *shortBy,
			MaxRange: *maxRange, Bare416: *bare416, GzipRanges: *gzipRanges, Broken: b,
		})}
		if *basicAuth != "" {
			u, p, _ := strings.Cut(*basicAuth, ":")
			opts = append(opts, testserver.WithBasicAuth(u, p))
		}
		if *cookie != "" {
			n, v, _ := strings.Cut(*cookie, "=")
			opts = append(opts, testserver.WithRequireCookie(n, v))
		}
		return opts, nil
	}
}
