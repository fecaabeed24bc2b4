package downloader_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"haul/downloader"
	"haul/downloader/store"
	"haul/downloader/testserver"
)

// A complete download: open the store and the manager, add a URL, wait
// for the task to complete on the event channel.
func Example() {
	srv := testserver.New(testserver.WithFile("/hello.bin", testserver.File{Size: 1 << 20, Seed: 1}))
	defer srv.Close()
	dir, _ := os.MkdirTemp("", "haul-example")
	defer os.RemoveAll(dir)

	db, err := store.Open(filepath.Join(dir, "haul.db"), store.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	ctx := context.Background()
	m, err := downloader.Open(ctx, downloader.Config{Store: db, DefaultFolder: dir})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Close()

	events, stop := m.Subscribe()
	defer stop()
	ids, err := m.Add(ctx, downloader.Request{URL: srv.URL("/hello.bin")})
	if err != nil {
		fmt.Println(err)
		return
	}
	for ev := range events {
		if ev.Task.ID != ids[0] {
			continue
		}
		if ev.Task.State == downloader.StateCompleted {
			fmt.Println(ev.Task.Name, downloader.FormatBytes(ev.Task.Size))
			break
		}
		if ev.Task.State == downloader.StateFailed {
			fmt.Println(ev.Task.Error)
			break
		}
	}
	// Output: hello.bin 1.0 MiB
}
