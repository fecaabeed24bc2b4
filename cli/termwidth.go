package cli

import (
	"os"
	"strings"
	"unicode"

	"golang.org/x/term"
	"golang.org/x/text/width"
)

// defaultColumns is assumed when a terminal does not say its width.
const defaultColumns = 80

// terminalColumns is w's width in columns, asked anew each time so a
// resized window is followed.
func terminalColumns(f *os.File) int {
	if c, _, err := term.GetSize(int(f.Fd())); err == nil && c > 0 {
		return c
	}
	return defaultColumns
}

// runeColumns is how many terminal columns r takes: two for East Asian
// wide and fullwidth characters (UAX #11), none for combining marks and
// controls, one otherwise.
func runeColumns(r rune) int {
	switch {
	case r < 0x20, r == 0x7f, unicode.Is(unicode.Mn, r), unicode.Is(unicode.Me, r), unicode.Is(unicode.Cf, r):
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// columns is the display width of s.
func columns(s string) int {
	n := 0
	for _, r := range s {
		n += runeColumns(r)
	}
	return n
}

// fit cuts s to at most n columns, ending it with "…" when cut, and pads
// it with spaces to exactly n when pad is set.
func fit(s string, n int, pad bool) string {
	if n <= 0 {
		return ""
	}
	w := columns(s)
	if w > n {
		var b strings.Builder
		used := 0
		for _, r := range s {
			c := runeColumns(r)
			if used+c > n-1 { // room for the ellipsis
				break
			}
			b.WriteRune(r)
			used += c
		}
		b.WriteString("…")
		s, w = b.String(), used+1
	}
	if pad && w < n {
		s += strings.Repeat(" ", n-w)
	}
	return s
}
