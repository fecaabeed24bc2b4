package main

import (
	"errors"
	"strings"
	"testing"
)

func TestServiceNoticeText(t *testing.T) {
	for _, tc := range []struct {
		name string
		n    serviceNotice
		want []string // in the text, in order; none: the text is empty
	}{
		{"nothing to say", serviceNotice{}, nil},
		{"port taken", serviceNotice{portInUse: 6800}, []string{"port 6800", "choose another port"}},
		{"new secret", serviceNotice{rotated: true}, []string{"new RPC secret"}},
		{"both", serviceNotice{portInUse: 6801, rotated: true}, []string{"port 6801", "new RPC secret"}},
		{"failed", serviceNotice{failed: errors.New("no hand-off socket")}, []string{"(no hand-off socket)"}},
	} {
		got := tc.n.text()
		if len(tc.want) == 0 && got != "" {
			t.Errorf("%s: %q, want nothing", tc.name, got)
		}
		rest := got
		for _, w := range tc.want {
			i := strings.Index(rest, w)
			if i < 0 {
				t.Errorf("%s: %q lacks %q (in order)", tc.name, got, w)
				break
			}
			rest = rest[i+len(w):]
		}
		if strings.Contains(got, "{{") {
			t.Errorf("%s: %q holds an unfilled template", tc.name, got)
		}
	}
}
