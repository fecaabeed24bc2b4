package gui

import (
	"sync"
	"testing"
	"time"

	"haul/notify"
)

func TestAsyncNotifierDoesNotBlock(t *testing.T) {
	release := make(chan struct{})
	took := make(chan struct{}, 100)
	var mu sync.Mutex
	var got []string
	post, stop := AsyncNotifier(func(n notify.Notification) {
		took <- struct{}{}
		<-release // a notification server that does not answer
		mu.Lock()
		got = append(got, n.Title)
		mu.Unlock()
	})
	start := time.Now()
	post(notify.Notification{Title: "a"})
	<-took
	for i := 1; i < notifyQueue+5; i++ {
		post(notify.Notification{Title: string(rune('a' + i))})
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("notify blocked for %v", d)
	}
	close(release)
	stop()
	post(notify.Notification{Title: "late"}) // after stop: ignored, no panic
	mu.Lock()
	defer mu.Unlock()
	// The first is held by the sender, notifyQueue wait; the rest are dropped.
	if len(got) != notifyQueue+1 || got[0] != "a" || got[1] != "b" {
		t.Errorf("sent %q", got)
	}
}
