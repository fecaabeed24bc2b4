package main

import (
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"haul/downloader/testserver"
)

// The HLS scenario: a 200-segment stream from the per-connection
// throttled server. Haul fetches segments over many connections; the peer
// is `ffmpeg -i URL -c copy` when ffmpeg is installed, else curl fetching
// the segments one after another over one connection, as a player does.

const (
	videoID       = "hls"
	videoSegments = 200
)

// videoRound is one round of the HLS scenario.
type videoRound struct {
	haul, peer runResult
	size       int64 // bytes of the joined stream
}

// videoPeer is the peer tool and its command for the playlist at entry.
func videoPeer(entry, dir string) (name string, argv []string) {
	if _, err := exec.LookPath("ffmpeg"); err == nil {
		return "ffmpeg -c copy", []string{"ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", entry, "-c", "copy", filepath.Join(dir, "peer.ts")}
	}
	argv = []string{"curl", "-sS", "-f", "--output-dir", dir}
	for i := range videoSegments {
		u, _ := url.JoinPath(strings.TrimSuffix(entry, "index.m3u8"), fmt.Sprintf("seg%d.ts", i))
		argv = append(argv, "-o", fmt.Sprintf("s%04d.ts", i), u)
	}
	return "curl, segments in turn on 1 connection", argv
}

// runVideo runs the HLS scenario when it is selected.
func (b *bench) runVideo(want []string) {
	if !slices.Contains(want, videoID) && (len(want) > 0 || b.smoke) {
		return
	}
	packets := max(1, int(b.size/videoSegments/188))
	fmt.Printf("\n== Scenario %s: HLS, %d segments of %s, 2 MiB/s per connection\n", videoID, videoSegments, fmtBytes(int64(packets*188)))
	for r := range b.rounds {
		srv := testserver.New(testserver.WithPerConnRate(connRate))
		set := srv.AddHLS("b", testserver.HLSOptions{Segments: videoSegments, Packets: packets, Seed: seed})
		vr := videoRound{size: int64(len(set.Want(0)))}
		vr.haul = b.runVideoTool(set, true)
		vr.peer = b.runVideoTool(set, false)
		srv.Close()
		b.video = append(b.video, vr)
		fmt.Printf("   round %d  haul %6.2f MiB/s %6.2fs %s | peer %6.2f MiB/s %6.2fs %s\n", r+1,
			mib(float64(vr.size)/vr.haul.Secs), vr.haul.Secs, okText(vr.haul), mib(float64(vr.size)/vr.peer.Secs), vr.peer.Secs, okText(vr.peer))
		if !vr.haul.OK {
			b.hardFail = append(b.hardFail, fmt.Sprintf("scenario %s, haul, round %d: %s", videoID, r+1, vr.haul.Err))
		}
	}
}

func okText(r runResult) string {
	if r.OK {
		return "ok"
	}
	return "FAILED: " + r.Err
}

// runVideoTool downloads the set with Haul or the peer; Haul's file and
// curl's joined segments must match the stream byte for byte.
func (b *bench) runVideoTool(set *testserver.HLSSet, haul bool) runResult {
	dir, err := os.MkdirTemp(b.tmp, "video-")
	if err != nil {
		return runResult{Err: err.Error()}
	}
	defer os.RemoveAll(dir)
	var argv []string
	name := ""
	if haul {
		argv = []string{b.haul, "get", "-q", "-d", dir, "-o", "out.ts", "--data", filepath.Join(dir, "data"), set.URL()}
	} else {
		name, argv = videoPeer(set.URL(), dir)
		b.videoPeer = name
	}
	if b.nice {
		argv = append([]string{"nice", "-n", "-10"}, argv...)
	}
	rr := runChild(b.self, argv, dir, b.timeout)
	if !rr.OK || strings.HasPrefix(name, "ffmpeg") {
		return rr // ffmpeg remuxes: its output is not byte-identical
	}
	var got []byte
	if haul {
		got, err = os.ReadFile(filepath.Join(dir, "out.ts"))
	} else {
		got, err = joinFiles(dir, videoSegments)
	}
	if err != nil || string(got) != string(set.Want(0)) {
		rr.OK, rr.BadSum, rr.Err = false, true, "the joined stream differs from the segments"
	}
	return rr
}

func joinFiles(dir string, n int) ([]byte, error) {
	var out []byte
	for i := range n {
		b, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("s%04d.ts", i)))
		if err != nil {
			return nil, err
		}
		out = append(out, b...)
	}
	return out, nil
}

// videoSection is the report's part for the HLS scenario; "" when it did
// not run.
func (b *bench) videoSection() string {
	if len(b.video) == 0 {
		return ""
	}
	var haul, peer []float64
	var size int64
	good := 0
	for _, r := range b.video {
		size = r.size
		if r.haul.OK && r.peer.OK {
			haul = append(haul, float64(r.size)/r.haul.Secs)
			peer = append(peer, float64(r.size)/r.peer.Secs)
			good++
		}
	}
	var w strings.Builder
	fmt.Fprintf(&w, "\n### %s. HLS stream: %d segments, 2 MiB/s per connection\n\n", videoID, videoSegments)
	fmt.Fprintf(&w, "A media playlist of %d MPEG-TS segments, %s in all, from the per-connection throttled server; "+
		"Haul (`haul get URL.m3u8`) against %s. Medians over %d good round(s) of %d.\n\n", videoSegments, fmtBytes(size), b.videoPeer, good, len(b.video))
	if good == 0 {
		fmt.Fprintf(&w, "**No round where both finished.** Haul: %s; peer: %s\n", okText(b.video[0].haul), okText(b.video[0].peer))
		return w.String()
	}
	h, p := median(haul), median(peer)
	fmt.Fprintf(&w, "| Tool | MiB/s |\n|---|--:|\n| haul | %.2f |\n| %s | %.2f |\n\n**Haul / peer: %.1f×**\n", mib(h), b.videoPeer, mib(p), h/p)
	return w.String()
}
