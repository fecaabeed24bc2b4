// Package hls reads HTTP Live Streaming playlists (RFC 8216) and decrypts
// their segments, for the downloader's video tasks.
//
// Parse turns playlist bytes into a Master (variants) or a Media playlist
// (segments with their media sequence number, byte range, key and
// initialization section), with every URI resolved against the
// playlist's final URL. Check refuses what Haul cannot save: live
// playlists, SAMPLE-AES and DRM key formats. Choose picks a variant by a
// user's preference ("best", "worst", "720p"). Decrypter undoes
// AES-128-CBC with its PKCS#7 padding checked.
//
// The package does no I/O; fetching is the caller's.
package hls
