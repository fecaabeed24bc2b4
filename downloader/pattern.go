package downloader

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Link patterns: one line that stands for a numbered series of links, the
// way curl's URL globbing and the "batch download" of IDM and FDM write it.

// MaxPatternLinks is the most links one pattern may expand to.
const MaxPatternLinks = 10000

// ErrBadPattern: a bracket in a link looks like a range but cannot be
// expanded (backwards, a zero step, a number too long), or the pattern
// stands for more than MaxPatternLinks links.
var ErrBadPattern = errors.New("bad link pattern")

// ErrTooManyPatternLinks: links together expand to more than
// MaxPatternLinks.
var ErrTooManyPatternLinks = fmt.Errorf("the links stand for more than %d downloads; split them into smaller ranges: %w", MaxPatternLinks, ErrBadPattern)

// patternPart is one piece of a link: literal text, or a range of values.
type patternPart struct {
	text   string
	values []string
}

// ExpandPattern expands ranges in the path and query of link into the
// series of links they stand for, in order, the last range varying
// fastest:
//
//	[01-30]   01, 02, … 30 (zero padded to the width of the first bound)
//	[1-100:5] 1, 6, 11, … 96 (a step after the colon)
//	[a-f]     a, b, … f (letters of one case, steps allowed)
//
// A bracket that is not one of these is kept as it is, and the host is
// never read (an IPv6 literal such as [::1] is not a pattern). A link
// without ranges expands to itself. It returns an error wrapping
// ErrBadPattern with a sentence when a range cannot be expanded or the
// links would be more than MaxPatternLinks.
func ExpandPattern(link string) ([]string, error) {
	parts, count, err := parsePattern(link)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, count)
	var walk func(i int, prefix string)
	walk = func(i int, prefix string) {
		if i == len(parts) {
			out = append(out, prefix)
			return
		}
		if parts[i].values == nil {
			walk(i+1, prefix+parts[i].text)
			return
		}
		for _, v := range parts[i].values {
			walk(i+1, prefix+v)
		}
	}
	walk(0, "")
	return out, nil
}

// PatternCount is how many links link expands to (1 for a plain link),
// without building them; errors as ExpandPattern.
func PatternCount(link string) (int, error) {
	_, count, err := parsePattern(link)
	return count, err
}

// parsePattern splits link into literal text and ranges and counts the
// links they make.
func parsePattern(link string) ([]patternPart, int, error) {
	start := pathStart(link)
	parts := []patternPart{{text: link[:start]}}
	count := 1
	rest := link[start:]
	for {
		open := strings.IndexByte(rest, '[')
		if open < 0 {
			break
		}
		end := strings.IndexByte(rest[open:], ']')
		if end < 0 {
			break
		}
		end += open
		values, ok, err := expandRange(rest[open+1 : end])
		if err != nil {
			return nil, 0, err
		}
		if !ok {
			parts = append(parts, patternPart{text: rest[:open+1]})
			rest = rest[open+1:]
			continue
		}
		count *= len(values)
		if count > MaxPatternLinks {
			return nil, 0, fmt.Errorf("the link stands for more than %d links; split it into smaller ranges: %w", MaxPatternLinks, ErrBadPattern)
		}
		parts = append(parts, patternPart{text: rest[:open]}, patternPart{values: values})
		rest = rest[end+1:]
	}
	parts = append(parts, patternPart{text: rest})
	return parts, count, nil
}

// pathStart is the index where a link's path begins: after
// "scheme://authority", so the host (and a bracketed IPv6 literal) is
// never a pattern. A link without "://" has no host to skip.
func pathStart(link string) int {
	i := strings.Index(link, "://")
	if i < 0 {
		return 0
	}
	i += 3
	if j := strings.IndexAny(link[i:], "/?#"); j >= 0 {
		return i + j
	}
	return len(link)
}

// expandRange expands the inside of one bracket. ok is false when it is
// not a range at all (kept as literal text).
func expandRange(s string) (values []string, ok bool, err error) {
	body, stepText, hasStep := strings.Cut(s, ":")
	lo, hi, found := strings.Cut(body, "-")
	if !found || lo == "" || hi == "" {
		return nil, false, nil
	}
	step := int64(1)
	if hasStep {
		if !allDigits(stepText) {
			return nil, false, nil
		}
		step, err = strconv.ParseInt(stepText, 10, 64)
		if err != nil || step < 1 {
			return nil, true, fmt.Errorf("the step in [%s] must be a whole number from 1: %w", s, ErrBadPattern)
		}
	}
	switch {
	case allDigits(lo) && allDigits(hi):
		return numberRange(s, lo, hi, step)
	case len(lo) == 1 && len(hi) == 1 && sameCaseLetters(lo[0], hi[0]):
		if lo[0] > hi[0] {
			return nil, true, fmt.Errorf("the range [%s] runs backwards: %w", s, ErrBadPattern)
		}
		for c := int64(lo[0]); c <= int64(hi[0]); c += step { // at most 26 letters
			values = append(values, string(rune(c)))
		}
		return values, true, nil
	}
	return nil, false, nil
}

func numberRange(s, lo, hi string, step int64) ([]string, bool, error) {
	a, err1 := strconv.ParseInt(lo, 10, 64)
	b, err2 := strconv.ParseInt(hi, 10, 64)
	if err1 != nil || err2 != nil {
		return nil, true, fmt.Errorf("the numbers in [%s] are too long: %w", s, ErrBadPattern)
	}
	if a > b {
		return nil, true, fmt.Errorf("the range [%s] runs backwards: %w", s, ErrBadPattern)
	}
	if (b-a)/step >= MaxPatternLinks {
		return nil, true, fmt.Errorf("the range [%s] stands for more than %d links: %w", s, MaxPatternLinks, ErrBadPattern)
	}
	width := 0
	if len(lo) > 1 && lo[0] == '0' {
		width = len(lo)
	}
	n := (b-a)/step + 1
	values := make([]string, 0, n)
	for k := int64(0); k < n; k++ { // by count: a+k*step never passes b
		values = append(values, fmt.Sprintf("%0*d", width, a+k*step))
	}
	return values, true, nil
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func sameCaseLetters(a, b byte) bool {
	lower := func(c byte) bool { return c >= 'a' && c <= 'z' }
	upper := func(c byte) bool { return c >= 'A' && c <= 'Z' }
	return lower(a) && lower(b) || upper(a) && upper(b)
}
