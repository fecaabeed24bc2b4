// Package store is the bbolt implementation of downloader.Store.
//
// # File layout
//
// One bbolt file (conventionally haul.db, mode 0600) holds four top-level
// buckets:
//
//	meta      "schema"   → decimal schema version ("1")
//	tasks     <task id>  → JSON of downloader.TaskRecord, "v" = RecordVersion
//	segments  <task id>  → binary segment list (below); absent = no segments
//	settings  "settings" → JSON of downloader.Settings
//
// Segments change many times a second while downloading, so they live apart
// from the record and use a compact binary form instead of JSON:
//
//	byte     format (2)
//	uvarint  count
//	count ×  varint Start, varint End, varint Done   (zig-zag, End may be -1)
//	uint32   CRC-32C of all the bytes before it, big-endian
//
// Format 1, written by earlier versions, is the same without the CRC.
//
// Segments are validated on both write and read (Start ≥ 0, End = -1 or
// End ≥ Start, 0 ≤ Done ≤ End-Start), so the store never persists what it
// would refuse to load.
//
// # Damage handling
//
// Open moves a file that is not a usable bbolt database (damaged, or
// empty) aside to "<path>.broken-<UTC time>" and rebuilds a fresh one from
// it: a tolerant page-by-page read (salvage.go) follows the tree from the
// newest valid meta page and skips pages that do not check out, or scans
// every page when the tree is gone; records it cannot read are taken from
// the backup "<path>.bak", which is rewritten (Tx.WriteTo, then a rename)
// every BackupEvery while there are writes, and on Close. DB.Recovered
// reports what was kept and lost.
// A locked file (another Haul process) is never touched: Open returns
// ErrLocked. A single undecodable record comes back from LoadTasks with
// Broken set instead of failing the load.
//
// # Durability
//
// Every write is committed in an fsynced bbolt transaction before the call
// returns, so a record or segment list the engine saw stored survives power
// loss; NoSync is never used. Concurrent PutSegments calls share one
// transaction (group commit) without delaying a lone caller; each call's
// writes are still all-or-nothing.
package store
