package hls

import (
	"fmt"
	"strconv"
	"strings"
)

// Choice is a parsed variant preference.
type Choice struct {
	// Worst picks the lowest bandwidth; otherwise the highest.
	Worst bool
	// MaxHeight, when > 0, keeps only variants at most this tall.
	MaxHeight int
}

// ParseChoice reads a preference: "" or "best" (highest bandwidth),
// "worst" (lowest), or "720p" (the highest variant whose height is at
// most 720). It fails with ErrBadChoice.
func ParseChoice(s string) (Choice, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "", "best":
		return Choice{}, nil
	case "worst":
		return Choice{Worst: true}, nil
	}
	h, ok := strings.CutSuffix(s, "p")
	if ok {
		if n, err := strconv.Atoi(h); err == nil && n > 0 && n < 100000 {
			return Choice{MaxHeight: n}, nil
		}
	}
	return Choice{}, fmt.Errorf("variant %q: %w", s, ErrBadChoice)
}

// Choose picks a variant. Ties in bandwidth go to the taller picture.
// A height limit skips variants without a RESOLUTION unless none has
// one. It fails with ErrNoVariant when nothing fits.
func Choose(vs []Variant, c Choice) (Variant, error) {
	var best Variant
	found := false
	anyHeight := false
	for _, v := range vs {
		anyHeight = anyHeight || v.Height > 0
	}
	for _, v := range vs {
		if c.MaxHeight > 0 && anyHeight && (v.Height == 0 || v.Height > c.MaxHeight) {
			continue
		}
		if !found || better(v, best, c.Worst) {
			best, found = v, true
		}
	}
	if !found {
		return Variant{}, fmt.Errorf("at most %dp: %w", c.MaxHeight, ErrNoVariant)
	}
	return best, nil
}

func better(v, than Variant, worst bool) bool {
	if v.Bandwidth != than.Bandwidth {
		return (v.Bandwidth > than.Bandwidth) != worst
	}
	return (v.Height > than.Height) != worst
}
