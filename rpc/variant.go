package rpc

import (
	"haul/downloader"
	"haul/downloader/hls"
)

// applyVariant sets Haul's own option haul-variant: which variant of an
// HLS master playlist to save, "best", "worst" or a height like "720p".
func applyVariant(o *downloader.Options, v string) error {
	if _, err := hls.ParseChoice(v); err != nil {
		return failf("haul-variant must be best, worst or a height like 720p, not %q.", truncate(v, 20))
	}
	o.Variant = v
	return nil
}
