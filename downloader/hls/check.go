package hls

import (
	"fmt"
	"strings"
)

// Check refuses a media playlist Haul cannot save: a live one (no
// EXT-X-ENDLIST), SAMPLE-AES, a KEYFORMAT other than "identity" (DRM
// systems) and unknown methods. It returns nil for a saveable VOD.
func Check(m *Media) error {
	if !m.Ended {
		return ErrLive
	}
	for _, s := range m.Segments {
		if s.Key == nil {
			continue
		}
		switch {
		case s.Key.Method == MethodSampleAES || strings.HasPrefix(s.Key.Method, MethodSampleAES+"-"):
			return ErrSampleAES
		case s.Key.Format != "" && s.Key.Format != "identity":
			return fmt.Errorf("key format %q: %w", s.Key.Format, ErrDRM)
		case s.Key.Method != MethodAES128:
			return fmt.Errorf("method %q: %w", s.Key.Method, ErrMethod)
		case s.Key.URI == "":
			return fmt.Errorf("%w: EXT-X-KEY without URI", ErrBadPlaylist)
		}
	}
	return nil
}
