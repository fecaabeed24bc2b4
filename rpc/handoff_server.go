package rpc

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"haul/downloader"
)

// listenHandoff opens the hand-off socket in dataDir (see handoff_client.go).
// Whatever is at its path is left over from a Haul that did not close:
// this process holds the data folder's database, so no other runs there.
func listenHandoff(dataDir string) (net.Listener, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("hand-off socket: %w", err)
	}
	path := filepath.Join(dataDir, SocketFile)
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("hand-off socket: %w", err)
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("hand-off socket: %w", err)
	}
	// The folder is private already; the socket is too, in case it is
	// not. Windows has no modes here: the folder's ACL does it.
	if runtime.GOOS == "windows" {
		return ln, nil
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("hand-off socket: %w", err)
	}
	return ln, nil
}

// serveHandoff answers hand-offs until ln is closed. One connection at a
// time: a hand-off is one short message.
func (s *Server) serveHandoff(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return // closed by Close
		}
		s.handleHandoff(c)
	}
}

func (s *Server) handleHandoff(c net.Conn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(handoffTimeout))
	if err := checkClient(c); err != nil {
		s.logf("hand-off refused: %v", err)
		return
	}
	line, err := bufio.NewReader(io.LimitReader(c, maxHandoff)).ReadBytes('\n')
	var h Handoff
	if err != nil || json.Unmarshal(line, &h) != nil {
		s.logf("hand-off: unreadable message")
		return
	}
	res := s.takeHandoff(context.Background(), h)
	_ = json.NewEncoder(c).Encode(res)
}

// takeHandoff adds each download on its own, so each gets its own answer.
func (s *Server) takeHandoff(ctx context.Context, h Handoff) HandoffResult {
	res := HandoffResult{IDs: make([]string, len(h.Downloads)), Errors: make([]string, len(h.Downloads))}
	for i, d := range h.Downloads {
		req, err := handoffRequest(d)
		if err == nil {
			var ids []string
			ids, err = s.engine.Add(ctx, req)
			if err == nil && (len(ids) == 0 || ids[0] == "") {
				err = errors.New("the download was not added")
			}
			if err == nil {
				res.IDs[i] = ids[0]
			}
		}
		if err != nil {
			res.Errors[i] = downloader.Sentence(err)
			var e *Error
			if errors.As(err, &e) {
				res.Errors[i] = e.Message
			}
		}
	}
	if h.Show && s.cfg.OnShow != nil {
		s.cfg.OnShow()
	}
	return res
}

// handoffRequest turns a hand-off entry into an engine request.
func handoffRequest(d HandoffDownload) (downloader.Request, error) {
	if !isHTTP(d.URL) {
		return downloader.Request{}, failf("Haul downloads HTTP and HTTPS links only: %s", truncate(d.URL, 80))
	}
	if err := checkFolder(d.Folder); err != nil {
		return downloader.Request{}, err
	}
	req := downloader.Request{URL: strings.TrimSpace(d.URL), Folder: d.Folder, Name: d.Name, Paused: d.Paused}
	sum, err := downloader.ParseChecksum(d.Checksum)
	if err != nil {
		return downloader.Request{}, failf("checksum: %v", err)
	}
	req.Checksum = sum
	if len(d.Headers) > 0 || d.Cookies != "" {
		req.Headers = d.Headers.Clone()
		if req.Headers == nil {
			req.Headers = make(map[string][]string)
		}
		if d.Cookies != "" {
			req.Headers.Set("Cookie", d.Cookies)
		}
	}
	return req, nil
}
