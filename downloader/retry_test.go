package downloader

import (
	"context"
	"testing"
)

// TestBackoffPhase: a server error's retry shows "retrying" only when no
// other connection delivers; while others do, the task downloads, and
// one connection's retry (a connection limit) must not say otherwise
// until some request's first bytes set it back.
func TestBackoffPhase(t *testing.T) {
	cases := []struct {
		name  string
		conns int
		want  Phase
	}{
		{"alone: retrying", 0, PhaseRetrying},
		{"others deliver: still downloading", 2, PhaseDownloading},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := openTest(t, newMemStore(), t.TempDir(), nil)
			tk := &task{m: m, rec: TaskRecord{URL: "http://example.test/f", Resumable: true}}
			ctx, cancel := context.WithCancel(context.Background())
			cancel() // the wait ends at once
			r := &run{t: tk, ctx: ctx}
			tk.setPhase(PhaseDownloading, "")
			tk.mu.Lock()
			tk.conns = c.conns
			tk.mu.Unlock()
			r.backoff(&StatusError{Code: 503}, 0)
			tk.mu.Lock()
			got := tk.phase
			tk.mu.Unlock()
			if got != c.want {
				t.Fatalf("phase %q, want %q", got, c.want)
			}
		})
	}
}
