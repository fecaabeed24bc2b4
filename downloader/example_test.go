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
// for the task to stop with Wait.
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

	ids, err := m.Add(ctx, downloader.Request{URL: srv.URL("/hello.bin")})
	if err != nil {
		fmt.Println(err)
		return
	}
	t, err := m.Wait(ctx, ids[0])
	switch {
	case err != nil:
		fmt.Println(err)
	case t.State == downloader.StateCompleted:
		fmt.Println(t.Name, downloader.FormatBytes(t.Size))
	default:
		fmt.Println(t.State, t.Error)
	}
	// Output: hello.bin 1.0 MiB
}
