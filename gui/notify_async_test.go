package gui

import (
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
)

func TestAsyncNotifierDoesNotBlock(t *testing.T) {
	release := make(chan struct{})
	took := make(chan struct{}, 100)
	var mu sync.Mutex
	var got []string
	notify, stop := AsyncNotifier(func(n *fyne.Notification) {
		took <- struct{}{}
		<-release // a notification server that does not answer
		mu.Lock()
		got = append(got, n.Title)
		mu.Unlock()
	})
	start := time.Now()
	notify(fyne.NewNotification("a", ""))
	<-took
	for i := 1; i < notifyQueue+5; i++ {
		notify(fyne.NewNotification(string(rune('a'+i)), ""))
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("notify blocked for %v", d)
	}
	close(release)
	stop()
	notify(fyne.NewNotification("late", "")) // after stop: ignored, no panic
	mu.Lock()
	defer mu.Unlock()
	// The first is held by the sender, notifyQueue wait; the rest are dropped.
	if len(got) != notifyQueue+1 || got[0] != "a" || got[1] != "b" {
		t.Errorf("sent %q", got)
	}
}
