package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
)

// sink reads url over one connection and throws the bytes away: the
// fastest a single stream of the server can go on this machine. It exits
// non-zero unless it read the whole announced body.
func sink(url string) int {
	resp, err := http.Get(url)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sink:", err)
		return 1
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintln(os.Stderr, "sink:", resp.Status)
		return 1
	}
	buf := make([]byte, 1<<20)
	var n int64
	for {
		k, err := resp.Body.Read(buf)
		n += int64(k)
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "sink:", err)
			return 1
		}
	}
	if resp.ContentLength >= 0 && n != resp.ContentLength {
		fmt.Fprintf(os.Stderr, "sink: read %d of %d bytes\n", n, resp.ContentLength)
		return 1
	}
	return 0
}
