package downloader

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestExpandPattern(t *testing.T) {
	tests := []struct {
		in          string
		count       int
		first, last string
		bad         bool
	}{
		{in: "https://h/a.iso", count: 1, first: "https://h/a.iso", last: "https://h/a.iso"},
		{in: "https://h/img[01-30].jpg", count: 30, first: "https://h/img01.jpg", last: "https://h/img30.jpg"},
		{in: "https://h/img[1-30].jpg", count: 30, first: "https://h/img1.jpg", last: "https://h/img30.jpg"},
		{in: "https://h/p[001-100].jpg", count: 100, first: "https://h/p001.jpg", last: "https://h/p100.jpg"},
		{in: "https://h/f[1-100:5]", count: 20, first: "https://h/f1", last: "https://h/f96"},
		{in: "https://h/[a-f].txt", count: 6, first: "https://h/a.txt", last: "https://h/f.txt"},
		{in: "https://h/[A-Z:5]", count: 6, first: "https://h/A", last: "https://h/Z"},
		{in: "https://h/s[1-2]/e[01-03].mp4", count: 6, first: "https://h/s1/e01.mp4", last: "https://h/s2/e03.mp4"},
		{in: "https://h/get?part=[1-3]", count: 3, first: "https://h/get?part=1", last: "https://h/get?part=3"},
		{in: "http://[::1]:8080/a[1-2]", count: 2, first: "http://[::1]:8080/a1", last: "http://[::1]:8080/a2"},
		{in: "http://[::1]/plain", count: 1, first: "http://[::1]/plain", last: "http://[::1]/plain"},
		{in: "https://h/q?a[]=1&b=[x]", count: 1, first: "https://h/q?a[]=1&b=[x]", last: "https://h/q?a[]=1&b=[x]"},
		{in: "https://h/[a-Z]", count: 1, first: "https://h/[a-Z]", last: "https://h/[a-Z]"},
		{in: "https://h/[5-5]", count: 1, first: "https://h/5", last: "https://h/5"},
		{in: "https://h/[0-9999]", count: 10000, first: "https://h/0", last: "https://h/9999"},
		{in: "https://h/[0-10000]", bad: true},
		{in: "https://h/[1-200]/[1-100]", bad: true},
		{in: "https://h/[30-01]", bad: true},
		{in: "https://h/[f-a]", bad: true},
		{in: "https://h/[1-9:0]", bad: true},
		{in: "https://h/[1-99999999999999999999]", bad: true},
	}
	for _, tt := range tests {
		got, err := ExpandPattern(tt.in)
		n, cerr := PatternCount(tt.in)
		if tt.bad {
			if !errors.Is(err, ErrBadPattern) || !errors.Is(cerr, ErrBadPattern) {
				t.Errorf("ExpandPattern(%q) = %d links, %v; want ErrBadPattern", tt.in, len(got), err)
			}
			continue
		}
		if err != nil || cerr != nil {
			t.Errorf("ExpandPattern(%q): %v, %v", tt.in, err, cerr)
			continue
		}
		if len(got) != tt.count || n != tt.count || got[0] != tt.first || got[len(got)-1] != tt.last {
			t.Errorf("ExpandPattern(%q) = %d (count %d) %q … %q; want %d %q … %q",
				tt.in, len(got), n, got[0], got[len(got)-1], tt.count, tt.first, tt.last)
		}
	}
}

func TestExpandPatternSentence(t *testing.T) {
	_, err := ExpandPattern("https://h/[1-20000]")
	if err == nil || !strings.Contains(err.Error(), "10000") {
		t.Fatalf("error %v should name the limit", err)
	}
}

// FuzzExpandPattern: expansion never panics, stays within the limit,
// never touches the part before the path, and a link without brackets
// expands to itself.
func FuzzExpandPattern(f *testing.F) {
	for _, s := range []string{"https://h/a[01-30]", "http://[::1]/[a-f]", "https://h/[1-100:5]?x=[1-2]", "https://h/[", "[1-2]", "https://h/[9-1]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ExpandPattern(s)
		if err != nil {
			if !errors.Is(err, ErrBadPattern) {
				t.Fatalf("error %v does not wrap ErrBadPattern", err)
			}
			return
		}
		if len(got) < 1 || len(got) > MaxPatternLinks {
			t.Fatalf("%d links", len(got))
		}
		if n, _ := PatternCount(s); n != len(got) {
			t.Fatalf("count %d, links %d", n, len(got))
		}
		head := s[:pathStart(s)]
		for _, l := range got {
			if !strings.HasPrefix(l, head) {
				t.Fatalf("%q changed the host part %q", l, head)
			}
		}
		if !strings.Contains(s, "[") && !slices.Equal(got, []string{s}) {
			t.Fatalf("plain %q expanded to %q", s, got)
		}
	})
}
