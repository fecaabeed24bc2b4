package hls

import (
	"errors"
	"testing"
)

func TestChoose(t *testing.T) {
	vs := []Variant{
		{URI: "a", Bandwidth: 800_000, Height: 360},
		{URI: "b", Bandwidth: 5_000_000, Height: 1080},
		{URI: "c", Bandwidth: 2_500_000, Height: 720},
		{URI: "d", Bandwidth: 1_200_000, Height: 480},
	}
	cases := []struct {
		pref, want string
		err        error
	}{
		{"", "b", nil},
		{"best", "b", nil},
		{"WORST", "a", nil},
		{"720p", "c", nil},
		{"721p", "c", nil},
		{"480p", "d", nil},
		{"2160p", "b", nil},
		{"240p", "", ErrNoVariant},
		{"720", "", ErrBadChoice},
		{"0p", "", ErrBadChoice},
		{"high", "", ErrBadChoice},
	}
	for _, c := range cases {
		t.Run(c.pref, func(t *testing.T) {
			ch, err := ParseChoice(c.pref)
			if err == nil {
				var v Variant
				v, err = Choose(vs, ch)
				if err == nil && v.URI != c.want {
					t.Fatalf("chose %q, want %q", v.URI, c.want)
				}
			}
			if !errors.Is(err, c.err) || c.err == nil && err != nil {
				t.Fatalf("err = %v, want %v", err, c.err)
			}
		})
	}
}
