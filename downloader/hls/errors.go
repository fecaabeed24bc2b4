package hls

// Error is a reason Haul cannot save a stream, with the sentence a user
// sees. The values below are sentinels for errors.Is.
type Error struct {
	msg, sentence string
}

func (e *Error) Error() string { return e.msg }

// UserSentence is what a user reads: what happened and what to do.
func (e *Error) UserSentence() string { return e.sentence }

var (
	// ErrNotPlaylist: the data does not start with #EXTM3U.
	ErrNotPlaylist = &Error{"not an HLS playlist",
		"The link did not return a video playlist (it does not start with #EXTM3U)."}
	// ErrBadPlaylist: the playlist cannot be read.
	ErrBadPlaylist = &Error{"bad playlist",
		"The video playlist is damaged or uses something Haul cannot read."}
	// ErrLive: a media playlist without EXT-X-ENDLIST.
	ErrLive = &Error{"live playlist (no EXT-X-ENDLIST)",
		"This is a live stream: its playlist has no end (no EXT-X-ENDLIST). Haul saves only on-demand videos; try again once the broadcast is over and offered as a recording."}
	// ErrSampleAES: segments encrypted with METHOD=SAMPLE-AES.
	ErrSampleAES = &Error{"SAMPLE-AES encryption",
		"This video is protected with SAMPLE-AES encryption (DRM), which Haul does not remove."}
	// ErrDRM: a KEYFORMAT other than "identity".
	ErrDRM = &Error{"key format is not identity (DRM)",
		"This video is protected by DRM (its key format is not \"identity\"), which Haul does not remove."}
	// ErrMethod: an encryption method RFC 8216 does not define.
	ErrMethod = &Error{"unknown encryption method",
		"This video uses an encryption method Haul does not know."}
	// ErrBadKey: a key that is not 16 bytes.
	ErrBadKey = &Error{"the key is not 16 bytes",
		"The video's decryption key is not a valid AES-128 key (16 bytes); the key link may need a login or cookie."}
	// ErrBadPadding: decryption produced invalid PKCS#7 padding.
	ErrBadPadding = &Error{"bad PKCS#7 padding after decryption",
		"A video segment did not decrypt correctly (wrong key or damaged data); the key link may need a login or cookie."}
	// ErrNoVariant: no variant fits the preference.
	ErrNoVariant = &Error{"no variant fits",
		"No variant of this video fits the quality you chose."}
	// ErrBadChoice: a preference other than best, worst or NNNp.
	ErrBadChoice = &Error{"variant must be best, worst or a height like 720p",
		"The variant must be best, worst or a height like 720p."}
)
