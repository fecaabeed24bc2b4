package nmhost

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// seenDir holds one file per browser, in Haul's data folder, with the time
// its extension last talked to the host. One file each: hosts of several
// browsers may run at once and must not overwrite each other's record.
const seenDir = "browser-seen"

// unknownBrowser keys contacts from a browser the host could not tell.
const unknownBrowser = "unknown"

type seenRecord struct {
	Time time.Time `json:"time"`
}

// RecordSeen notes that the browser keyed key made contact at now.
func RecordSeen(dataDir, key string, now time.Time) error {
	b, _ := json.Marshal(seenRecord{Time: now.UTC()})
	return writeFileAtomic(filepath.Join(dataDir, seenDir, key+".json"), b)
}

// LastSeen returns, per browser key, the last contact recorded; the key
// "unknown" holds contacts from a browser that could not be told.
func LastSeen(dataDir string) map[string]time.Time {
	out := map[string]time.Time{}
	entries, _ := os.ReadDir(filepath.Join(dataDir, seenDir))
	for _, e := range entries {
		key, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || strings.HasPrefix(key, ".") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dataDir, seenDir, e.Name()))
		var r seenRecord
		if err == nil && json.Unmarshal(b, &r) == nil && !r.Time.IsZero() {
			out[key] = r.Time
		}
	}
	return out
}

// BrowserKey tells which browser is talking: by the executable that
// started the host (parentExe; "" when unknown), else by the name the
// extension reported (claimed), else "unknown".
func BrowserKey(parentExe, claimed string) string {
	if parentExe != "" {
		base := strings.ToLower(parentExe[strings.LastIndexAny(parentExe, `/\`)+1:])
		base = strings.TrimSuffix(base, ".exe")
		for _, b := range Browsers {
			for _, n := range b.exe {
				if base == n {
					return b.Key
				}
			}
		}
	}
	c := strings.ToLower(claimed)
	for _, b := range Browsers {
		if c != "" && (c == b.Key || strings.Contains(c, strings.ToLower(b.Name))) {
			return b.Key
		}
	}
	return unknownBrowser
}
