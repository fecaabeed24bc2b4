package downloader

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"haul/downloader/hls"
)

// An HLS video task: the plan is a list of work units (media segments and
// initialization sections) instead of byte ranges of one file; the
// connections, limits, host caps, retries, stall watchdog and journal are
// the file task's. Each unit is fetched into its own file in the staging
// folder "<name>.part/", synced and renamed before the record says it is
// done; the finish joins them in order (hlsfinish.go).

// maxRefreshes bounds how often one run fetches the playlist again for
// expired segment links.
const maxRefreshes = 5

// videoRun is the live side of a video task. Fields are under t.mu unless
// noted.
type videoRun struct {
	dir      string // staging folder
	units    []unit
	inflight map[int]int64 // claimed units → bytes received so far
	keys     *keyring

	gen       int        // bumps when a refresh replaced the unit links
	refreshMu sync.Mutex // serialises refreshes; refreshes under it
	refreshes int
	dirty     bool // t.rec.Video changed since it was last persisted
}

// unit is one thing to fetch.
type unit struct {
	init bool   // an initialization section (EXT-X-MAP)
	seq  uint64 // media sequence number (of the segment it precedes, for an init)
	uri  string
	rng  *hls.ByteRange
	key  *hls.Key
	gap  bool // EXT-X-GAP: not fetched, joined as nothing
}

// videoPlan is a resolved media playlist.
type videoPlan struct {
	media    *hls.Media
	mediaURL string // final URL of the media playlist
	master   string // final URL of the master playlist; "" when none
	variant  hls.Variant
}

// planUnits lists the work units of a media playlist in join order. An
// initialization section is a unit wherever it changes; one encrypted
// under a key with an explicit IV is decrypted with it (RFC 8216
// §4.3.2.4 requires the IV for an encrypted EXT-X-MAP).
func planUnits(m *hls.Media) []unit {
	var units []unit
	var prev *hls.Init
	for _, s := range m.Segments {
		if s.Init != nil && !s.Init.Same(prev) {
			u := unit{init: true, seq: s.Seq, uri: s.Init.URI, rng: s.Init.Range}
			if s.Key != nil && s.Key.HasIV {
				u.key = s.Key
			}
			units = append(units, u)
		}
		prev = s.Init
		units = append(units, unit{seq: s.Seq, uri: s.URI, rng: s.Range, key: s.Key, gap: s.Gap})
	}
	return units
}

// newVideoRecord is the record of a fresh plan: nothing done but gaps.
func newVideoRecord(p videoPlan, units []unit) *VideoRecord {
	v := &VideoRecord{Playlist: p.mediaURL, Master: p.master, Variant: p.variant, Container: "ts"}
	v.Variant.URI = ""
	if p.media.Fragmented() {
		v.Container = "mp4"
	}
	for i, u := range units {
		v.Seqs = append(v.Seqs, u.seq)
		d := int64(-1)
		if u.gap {
			d = 0
		}
		v.Done = append(v.Done, d)
		if u.init {
			v.Inits = append(v.Inits, i)
		}
	}
	return v
}

// sameUnits reports whether units are the ones rec was planned from.
func sameUnits(rec *VideoRecord, units []unit) bool {
	if len(units) != len(rec.Seqs) || len(rec.Done) != len(units) {
		return false
	}
	for i, u := range units {
		if u.seq != rec.Seqs[i] || u.init != rec.isInit(i) {
			return false
		}
	}
	return true
}

// playlistError marks what a playlist taught us as final: retrying the
// same playlist cannot help. Its sentence is the hls package's.
func playlistError(err error) error {
	return fmt.Errorf("playlist: %w (%w)", err, ErrBadResponse)
}

// startVideo turns a probe that found a playlist into a video task: pick
// the variant, plan the units, name the file and create the staging
// folder, then download.
func (r *run) startVideo(p *probed) error {
	base := p.finalURL
	data, err := readPlaylist(p.body)
	if err != nil {
		// The probe's stream broke: ask again, retrying like any request.
		if data, base, err = r.getPlaylist(p.finalURL); err != nil {
			return err
		}
	}
	plan, err := r.resolveVideo(data, base, hls.Variant{})
	if err != nil {
		return err
	}
	units := planUnits(plan.media)
	rec := newVideoRecord(plan, units)
	if err := r.createStaging(p, rec); err != nil {
		return err
	}
	return r.runVideo(units)
}

// resolveVideo parses a playlist at base; for a master playlist it picks
// a variant (same, when set, else by the task's Variant option) and
// fetches its media playlist.
func (r *run) resolveVideo(data []byte, base string, same hls.Variant) (videoPlan, error) {
	t := r.t
	pl, err := parsePlaylist(data, base)
	if err != nil {
		return videoPlan{}, err
	}
	plan := videoPlan{mediaURL: base}
	if m, ok := pl.(*hls.Master); ok {
		v, err := r.chooseVariant(m, same)
		if err != nil {
			return videoPlan{}, err
		}
		plan.master, plan.variant = base, v
		if data, plan.mediaURL, err = r.getPlaylist(v.URI); err != nil {
			return videoPlan{}, err
		}
		if pl, err = parsePlaylist(data, plan.mediaURL); err != nil {
			return videoPlan{}, err
		}
	}
	media, ok := pl.(*hls.Media)
	if !ok {
		return videoPlan{}, playlistError(fmt.Errorf("a master playlist lists another master: %w", hls.ErrBadPlaylist))
	}
	if err := hls.Check(media); err != nil {
		return videoPlan{}, playlistError(err)
	}
	plan.media = media
	if plan.master != "" {
		t.mu.Lock()
		t.logLocked("Variant: " + plan.variant.String() + ".")
		if plan.variant.SeparateAudio {
			t.logLocked("The sound of this video is a separate stream, which Haul does not save yet: the file has the picture only.")
		}
		t.mu.Unlock()
	}
	return plan, nil
}

func parsePlaylist(data []byte, base string) (any, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("playlist URL: %w", ErrBadURL)
	}
	pl, err := hls.Parse(data, u)
	if err != nil {
		return nil, playlistError(err)
	}
	return pl, nil
}

// chooseVariant picks the variant that matches same (a resumed task's),
// else the one the task's option asks for.
func (r *run) chooseVariant(m *hls.Master, same hls.Variant) (hls.Variant, error) {
	if same != (hls.Variant{}) {
		for _, v := range m.Variants {
			if v.Bandwidth == same.Bandwidth && v.Width == same.Width && v.Height == same.Height && v.Codecs == same.Codecs {
				return v, nil
			}
		}
		return hls.Variant{}, fmt.Errorf("the variant %s is no longer offered: %w", same, ErrRemoteChanged)
	}
	r.t.mu.Lock()
	pref := r.t.rec.Options.Variant
	r.t.mu.Unlock()
	c, err := hls.ParseChoice(pref)
	if err != nil {
		return hls.Variant{}, playlistError(err)
	}
	v, err := hls.Choose(m.Variants, c)
	if err != nil {
		return hls.Variant{}, playlistError(err)
	}
	return v, nil
}

// readPlaylist reads the probe's body, at most hls.MaxPlaylistBytes, under
// the stall watchdog.
func readPlaylist(body io.ReadCloser) ([]byte, error) {
	defer body.Close()
	abort := func(error) {}
	if cb, ok := body.(*cancelBody); ok {
		abort = cb.abort
	}
	data, err := readWatched(body, hls.MaxPlaylistBytes+1, abort)
	if err != nil {
		return nil, fmt.Errorf("read playlist: %w", err)
	}
	if len(data) > hls.MaxPlaylistBytes {
		return nil, fmt.Errorf("playlist larger than %d bytes: %w", hls.MaxPlaylistBytes, ErrBadResponse)
	}
	return data, nil
}

// videoName is the file name for a playlist's name: "master.m3u8" →
// "master.ts" (or .mp4 for fMP4).
func videoName(name, container string) string {
	base := strings.TrimSuffix(name, path.Ext(name))
	if strings.TrimSpace(base) == "" {
		base = "video"
	}
	return base + "." + container
}

// createStaging names the video, records the plan, and creates the
// staging folder "<name>.part/" with its marker. The name is recorded
// before the folder exists, so a crash in between leaves a folder the
// next run knows is its own.
func (r *run) createStaging(p *probed, rec *VideoRecord) error {
	t := r.t
	m := t.m
	t.mu.Lock()
	folder, name := t.rec.Folder, t.rec.Name
	switch {
	case !t.rec.NameFixed || name == "":
		name = videoName(p.name, rec.Container)
	case path.Ext(name) == "":
		// A name from a page title ("My talk") gets the container's extension.
		name += "." + rec.Container
	}
	t.mu.Unlock()
	if err := m.fs.MkdirAll(folder); err != nil {
		return fmt.Errorf("create folder: %w", err)
	}
	for tries := 0; ; tries++ {
		chosen, note := m.reserveName(t.id, folder, SanitizeName(name))
		if chosen == "" {
			return fmt.Errorf("no free file name for %q in %s: %w", name, folder, ErrNoFreeName)
		}
		t.mu.Lock()
		t.rec.Name, t.rec.PartOwned = chosen, true
		t.rec.FinalURL = p.finalURL
		t.rec.Size = -1
		t.rec.Resumable = true // segment by segment
		t.rec.Video = rec
		if note != "" {
			t.logLocked(note)
		}
		saved := t.recordLocked()
		t.mu.Unlock()
		if err := m.store.PutTask(saved); err != nil {
			return fmt.Errorf("save task: %w", err)
		}
		err := makeStaging(m.fs, filepath.Join(folder, chosen+partSuffix))
		if errors.Is(err, fs.ErrExist) && tries < 100 {
			continue // someone took the name between the check and the mkdir
		}
		if err != nil {
			return err
		}
		m.emit(EventChanged, t)
		return nil
	}
}

// resumeVideo continues a video task from its record: the playlist is
// fetched again (links and keys may have expired), must list the same
// units, and finished units are checked on disk and skipped.
func (r *run) resumeVideo() error {
	t := r.t
	t.mu.Lock()
	rec := t.rec.Video.clone()
	folder, name := t.rec.Folder, t.rec.Name
	t.mu.Unlock()
	dir := filepath.Join(folder, name+partSuffix)
	if done, err := r.finishedBeforeCrash(rec, dir); done || err != nil {
		return err
	}
	plan, err := r.reloadVideo(rec)
	if err != nil {
		return err
	}
	units := planUnits(plan.media)
	if !sameUnits(rec, units) {
		return fmt.Errorf("the playlist lists other segments than before: %w", ErrRemoteChanged)
	}
	lost, err := checkStaging(r.t.m.fs, dir, rec)
	if err != nil {
		return err
	}
	t.mu.Lock()
	if lost > 0 {
		t.logLocked(fmt.Sprintf("%d finished segments were missing or damaged on disk; they are downloaded again.", lost))
	}
	rec.Final = ""
	rec.Playlist = plan.mediaURL
	t.rec.Video = rec
	t.mu.Unlock()
	return r.runVideo(units)
}

// reloadVideo fetches the media playlist of rec again; when its link has
// expired and there is a master playlist, the master is asked for the
// same variant's current link.
func (r *run) reloadVideo(rec *VideoRecord) (videoPlan, error) {
	data, base, err := r.getPlaylist(rec.Playlist)
	if err == nil {
		pl, err := parsePlaylist(data, base)
		if err != nil {
			return videoPlan{}, err
		}
		media, ok := pl.(*hls.Media)
		if !ok {
			return videoPlan{}, fmt.Errorf("the media playlist became a master playlist: %w", ErrRemoteChanged)
		}
		if err := hls.Check(media); err != nil {
			return videoPlan{}, playlistError(err)
		}
		return videoPlan{media: media, mediaURL: base, master: rec.Master, variant: rec.Variant}, nil
	}
	if rec.Master == "" || !expiredLink(err) {
		return videoPlan{}, err
	}
	if data, base, err = r.getPlaylist(rec.Master); err != nil {
		return videoPlan{}, err
	}
	plan, err := r.resolveVideo(data, base, rec.Variant)
	if err != nil {
		return videoPlan{}, err
	}
	return plan, nil
}

// runVideo downloads the units that are not done, then joins them.
func (r *run) runVideo(units []unit) error {
	t := r.t
	t.mu.Lock()
	v := &videoRun{
		dir:      filepath.Join(t.rec.Folder, t.rec.Name+partSuffix),
		units:    units,
		inflight: map[int]int64{},
	}
	v.keys = newKeyring(r.fetchKey)
	r.video = v
	r.limit = t.connLimitLocked()
	if u, err := url.Parse(t.rec.Video.Playlist); err == nil {
		r.host = u.Host
	}
	t.mu.Unlock()
	t.setPhase(PhaseDownloading, "")
	if err := r.videoLoop(); err != nil {
		return err
	}
	return r.finishVideo()
}

// nextUnitLocked claims the first unit neither done nor in flight; -1
// when there is none.
func (r *run) nextUnitLocked() int {
	v := r.video
	done := r.t.rec.Video.Done
	for i := range v.units {
		if _, busy := v.inflight[i]; !busy && done[i] < 0 {
			v.inflight[i] = 0
			return i
		}
	}
	return -1
}

// completeLocked reports whether every unit is on disk.
func (r *run) videoCompleteLocked() bool {
	return !slices.ContainsFunc(r.t.rec.Video.Done, func(d int64) bool { return d < 0 })
}
