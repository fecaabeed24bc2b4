package downloader

import (
	"errors"
	"fmt"
	"io/fs"
	"os/exec"
	"path/filepath"
	"strings"
)

// RemuxMP4 is the Options.Remux value that turns a finished MPEG-TS video
// into MP4.
const RemuxMP4 = "mp4"

// ffmpegBinary is the remuxer looked up on PATH; a variable for tests.
var ffmpegBinary = "ffmpeg"

// remux turns the finished .ts into .mp4 with ffmpeg (stream copy) when
// the task asks for it. It never fails the task: without ffmpeg, or when
// ffmpeg fails, the .ts stays and the log says why. The output is written
// into the staging folder dir first, then renamed without replacing
// anything; the .ts is removed only after that.
func (r *run) remux(dir string) {
	t := r.t
	t.mu.Lock()
	want := t.rec.Options.Remux == RemuxMP4 && t.rec.Video != nil && t.rec.Video.Container == "ts"
	folder, name := t.rec.Folder, t.rec.Name
	t.mu.Unlock()
	if !want {
		return
	}
	note := func(s string) {
		t.mu.Lock()
		t.logLocked(s)
		t.mu.Unlock()
	}
	bin, err := exec.LookPath(ffmpegBinary)
	if err != nil {
		note("ffmpeg is not installed, so the video was kept as MPEG-TS (" + name + ").")
		return
	}
	fsys := t.m.fs
	src := filepath.Join(folder, name)
	tmp := filepath.Join(dir, "remux.mp4")
	cmd := exec.CommandContext(r.ctx, bin, "-nostdin", "-loglevel", "error", "-y", "-i", src, "-c", "copy", "-f", "mp4", tmp)
	out, err := cmd.CombinedOutput()
	if err != nil {
		_ = fsys.Remove(tmp)
		note(fmt.Sprintf("Converting to MP4 with ffmpeg failed, so the video was kept as MPEG-TS: %v %s", err, strings.TrimSpace(string(out))))
		return
	}
	if err := syncFile(fsys, tmp); err != nil {
		note("Converting to MP4 failed (" + err.Error() + "); the video was kept as MPEG-TS.")
		return
	}
	base := strings.TrimSuffix(name, filepath.Ext(name)) + ".mp4"
	for tries := 0; ; tries++ {
		final, _ := t.m.finalName(t.id, folder, base)
		err := fsys.Rename(tmp, filepath.Join(folder, final))
		if errors.Is(err, fs.ErrExist) && tries < 100 {
			continue
		}
		if err != nil {
			note("Converting to MP4 failed (" + err.Error() + "); the video was kept as MPEG-TS.")
			return
		}
		_ = fsys.Remove(src)
		_ = fsys.SyncDir(folder)
		t.m.mu.Lock()
		delete(t.m.names, filepath.Join(folder, name)) // the .ts name is free again
		t.m.mu.Unlock()
		st, serr := fsys.Stat(filepath.Join(folder, final))
		t.mu.Lock()
		t.rec.Name = final
		if serr == nil {
			t.rec.Size = st.Size()
		}
		t.logLocked("Converted to MP4 with ffmpeg (stream copy).")
		t.mu.Unlock()
		return
	}
}

// syncFile makes what ffmpeg wrote at path durable.
func syncFile(fsys FileSystem, path string) error {
	f, err := fsys.OpenPart(path, false)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
