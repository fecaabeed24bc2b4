// Package downloader is Haul's download engine: a queue of tasks, each
// fetched over many HTTP(S) connections at once and resumable after a
// pause, a crash or a reboot. It imports nothing from any UI.
//
// # The simplest use
//
// Open a Manager on a Store (downloader/store has the bbolt one), add a
// URL, and wait for it to stop:
//
//	db, _ := store.Open(filepath.Join(dataDir, "haul.db"), store.Options{})
//	m, _ := downloader.Open(ctx, downloader.Config{Store: db, DefaultFolder: dir})
//	defer m.Close()
//	ids, err := m.Add(ctx, downloader.Request{URL: "https://example.com/big.iso"})
//	if err != nil {
//		return err // ErrBadURL, ErrBadChecksum, ErrBadOption, ErrClosed …
//	}
//	s, err := m.Wait(ctx, ids[0])
//	if err == nil && s.State == downloader.StateCompleted {
//		fmt.Println("saved", s.Path())
//	}
//
// Subscribe follows every task instead, for a UI.
//
// # Tasks and the queue
//
// A task moves Queued → Active → (Paused | Completed | Failed). At most
// Settings.MaxActive tasks are Active; when one ends, the next Queued one in
// queue order starts. Pause, Resume, Cancel, Remove and Move act on one task;
// PauseAll and ResumeAll on all. Every change is persisted in the Store
// before it is announced, so a task is never lost: Open continues the tasks
// that were running, keeps queued and paused ones where they were, and shows
// a record it cannot read as a broken task instead of failing.
//
// # The schedule
//
// Settings.Schedule holds the queue to chosen hours on chosen days
// (Window: minutes of local wall-clock time, past midnight allowed) or
// until a start time, and replaces the global limit during given hours
// (LimitWindow; EffectiveLimit is the one place the two layers meet). Held
// tasks stay Queued with PhaseWaitingSchedule; StartNow lets one run
// anyway. Time comes from Config.Clock (package clock), so tests drive it
// across midnight and DST changes; a timer fires at the next boundary,
// or after a minute at most, since timers do not see the wall clock jump
// when the computer wakes from sleep. A Config.Hold manager (`haul get`) ignores the
// schedule. WatchFlow says whether bytes are flowing, the engine's whole
// say in keeping the computer awake (package unattended does that).
//
// # Snapshots and events
//
// List, Get and the events carry Snapshot values: copies, safe to keep and
// read from any goroutine, holding everything a UI shows (sizes, speed,
// ETA, state and phase, the error sentence, the segment map). Subscribe
// never blocks the engine: state changes are queued and never dropped;
// progress is sampled a few times a second and coalesced per task. The
// sampler runs only while a task runs: a queue with nothing moving does no
// periodic work, so an idle Haul costs no CPU of its own.
//
// # How a file is fetched
//
// The first request is a GET with Range: bytes=0-; its answer tells the
// size, whether ranges work, the validators, the file name and the final
// URL, and its body becomes the first connection's stream. More connections
// join by slow start (1, 2, 4, …) up to the task's limit and the per-host
// cap; each takes an idle range or the upper part of the range with the
// most time left, so the tail of a download is as fast as its middle. Bytes
// go with WriteAt into "<name>.part"; about once a second the part file is
// synced and only then are the counters committed, so a record never claims
// a byte that is not on disk. Every ranged request carries If-Range: a
// changed remote file restarts the task instead of splicing old and new
// bytes. Finished files are verified (size, and checksum when given) and
// renamed; an existing file is never overwritten.
//
// # How a video is fetched
//
// A probe answer that is an HLS playlist (a .m3u8 URL, a playlist media
// type, or a body starting with #EXTM3U) makes the task a video
// (Snapshot.Kind, Snapshot.Video; Options.Variant picks the variant of a
// master playlist). The plan is then a list of units — media segments
// and fMP4 initialization sections — instead of byte ranges: each is
// fetched (its sub-range, for EXT-X-BYTERANGE), decrypted when AES-128,
// written into the staging folder "<name>.part/", synced and renamed
// before TaskRecord.Video says it is done. The same connections, limits,
// host caps, retries and stall watchdog serve playlists, keys and
// segments. The finish joins the units in order into one file, syncs it,
// renames it to "<name>.ts" or "<name>.mp4", and only then removes the
// staging folder. Playlist parsing and decryption live in downloader/hls.
//
// # Settings and their layers
//
// Four layers decide what runs, lowest first, each in one place:
//
//  1. Saved: SetSettings, persisted in the Store; SavedSettings is what
//     the next start uses.
//  2. Session: SetSessionSettings overrides fields for this run only,
//     never persisted (an aria2 client's changeGlobalOption lands there);
//     SessionOverrides names them, KeepSessionSettings saves them, and
//     SetSettings keeps every override the caller left unchanged
//     (session.go). Settings returns layers 1 and 2.
//  3. Schedule: during a Settings.Schedule limit window the global speed
//     limit is the window's, and outside the queue's hours tasks wait
//     (EffectiveLimit in schedule.go is the one place the limit layers;
//     scheduler.go applies it, ScheduleState shows it).
//  4. Per site: a task's unset options (connections, speed limit,
//     headers) are filled from its site when it is added (ApplySite), and
//     a site's PerHost caps connections to its hosts (sites.go).
//
// A task's own Options beat all four. Every change of layers 1 and 2
// is announced as EventSettings, so no front end keeps a copy. Lowering
// a connection count (Options.Connections, or the default for tasks that
// follow it) closes the surplus connections at once.
//
// # Organizing
//
// Each task has a Category (Video, Music, …), decided at the probe from
// the name's extension, else the response's media type, with lists from
// Settings.Categories. A task added without a folder (Request.Folder "",
// Snapshot.AutoFolder) is moved into its category's folder at the probe
// when Settings.Categories.Sort is on, before its part file exists.
// Settings.Sites holds per-site settings keyed by host or "*.domain":
// ApplySite fills a new task's unset options from them, a site's
// PerHost caps connections to its hosts, and its login is added to each
// request whose own host belongs to the site (never to a redirect target
// elsewhere); the password comes from Config.Logins (downloader/logins:
// the OS keyring, or this session only) and is never stored in a record.
// ExpandPattern turns "img[01-30].jpg" into its series; downloader/tasklist
// reads and writes aria2 input files and JSON lists.
//
// # Errors
//
// Errors wrap sentinels (ErrNotFound, ErrBadURL, ErrChecksum, …) and
// *StatusError; compare with errors.Is and errors.As. One table
// (errtable.go) says for each what a failed request means (retry, start
// over, pause, fail), its ErrorKind for programs and its English
// sentence; Snapshot.Error and Sentence give that sentence, and a front
// end translating it keys on Snapshot.ErrorKind.
package downloader
