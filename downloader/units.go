package downloader

import (
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// ErrBadRate is wrapped by ParseRate's errors.
var ErrBadRate = errors.New("speed must look like 500K, 2M or 1.5MiB")

// rateUnits maps accepted suffixes to multipliers. Units are binary
// whatever the spelling: K, KB and KiB all mean 1024 bytes, M 1024², G
// 1024³. That matches how FormatRate displays speeds and what users of
// download managers expect; decimal kilobytes would make "2M" show as
// "1.9 MiB/s".
var rateUnits = map[string]int64{
	"": 1, "b": 1,
	"k": 1 << 10, "kb": 1 << 10, "kib": 1 << 10,
	"m": 1 << 20, "mb": 1 << 20, "mib": 1 << 20,
	"g": 1 << 30, "gb": 1 << 30, "gib": 1 << 30,
}

// ParseRate parses a speed limit in bytes per second: "100" (bytes),
// "750k", "500K", "2M", "1.5M", "2MB", "2MiB", optionally followed by "/s".
// K is 1024 and M is 1024² (see rateUnits). "" and "0" mean unlimited and
// give 0. Fractions of a byte are dropped; a non-zero rate below one byte
// per second is an error rather than silently meaning unlimited.
func ParseRate(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	if t == "" {
		return 0, nil
	}
	if len(t) > 64 {
		// No sane speed needs more; big.Rat would happily parse megabytes.
		return 0, fmt.Errorf("%w: %q is too long", ErrBadRate, truncForError(s))
	}
	t = strings.TrimSpace(strings.TrimSuffix(t, "/s"))
	i, dots, digits := 0, 0, 0
	for ; i < len(t); i++ {
		switch c := t[i]; {
		case c >= '0' && c <= '9':
			digits++
			continue
		case c == '.':
			dots++
			continue
		}
		break
	}
	num, unit := t[:i], strings.TrimSpace(t[i:])
	switch {
	case strings.HasPrefix(t, "-"):
		return 0, fmt.Errorf("%w: %q is negative", ErrBadRate, truncForError(s))
	case digits == 0 || dots > 1:
		return 0, fmt.Errorf("%w: %q does not start with a number", ErrBadRate, truncForError(s))
	}
	mult, ok := rateUnits[unit]
	if !ok {
		return 0, fmt.Errorf("%w: unknown unit %q", ErrBadRate, truncForError(unit))
	}
	// big.Rat keeps "1.5M" exact where float64 would round large values.
	if strings.HasPrefix(num, ".") {
		num = "0" + num
	}
	num = strings.TrimSuffix(num, ".")
	r, ok := new(big.Rat).SetString(num)
	if !ok {
		return 0, fmt.Errorf("%w: %q is not a number", ErrBadRate, truncForError(num))
	}
	r.Mul(r, new(big.Rat).SetInt64(mult))
	v := new(big.Int).Quo(r.Num(), r.Denom())
	if !v.IsInt64() {
		return 0, fmt.Errorf("%w: %q is too large", ErrBadRate, truncForError(s))
	}
	if v.Sign() == 0 && r.Sign() != 0 {
		return 0, fmt.Errorf("%w: %q is less than 1 byte per second", ErrBadRate, truncForError(s))
	}
	return v.Int64(), nil
}

var byteUnits = []string{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}

// FormatBytes renders a size with binary units and one decimal: "512 B",
// "1.5 MiB", "2.0 GiB". Negative sizes keep their sign.
func FormatBytes(n int64) string {
	if n < 0 {
		// uint64(-n) is right even for math.MinInt64.
		return "-" + formatBytes(uint64(-n))
	}
	return formatBytes(uint64(n))
}

func formatBytes(u uint64) string {
	if u < 1024 {
		return strconv.FormatUint(u, 10) + " B"
	}
	v := float64(u) / 1024
	i := 0
	// Move up before rounding would print "1024.0 KiB".
	for v >= 1023.95 && i < len(byteUnits)-1 {
		v /= 1024
		i++
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + " " + byteUnits[i]
}

// FormatRate renders bytes per second: "1.2 MiB/s".
func FormatRate(bps int64) string { return FormatBytes(bps) + "/s" }

// FormatETA renders a time left compactly: "3s", "4m05s", "2h03m",
// "3d04h", and "—" for a negative (unknown) duration. Partial seconds
// round up so a running task never claims "0s".
func FormatETA(d time.Duration) string {
	if d < 0 {
		return "—"
	}
	s := int64(d / time.Second)
	if d%time.Second != 0 {
		s++
	}
	switch {
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	case s < 24*3600:
		return fmt.Sprintf("%dh%02dm", s/3600, s%3600/60)
	default:
		return fmt.Sprintf("%dd%02dh", s/86400, s%86400/3600)
	}
}
