package downloader

import (
	"mime"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
)

// fallbackName is used when neither the server nor the URL offers a usable
// file name.
const fallbackName = "download"

// maxNameBytes is the longest file name most file systems accept (ext4,
// APFS, NTFS count 255 bytes or UTF-16 units; bytes is the stricter one).
const maxNameBytes = 255

// maxExtBytes bounds what counts as an extension worth preserving when a
// name must be shortened; anything longer is more likely part of the name.
const maxExtBytes = 32

// joinPath is where a task's file lives on disk.
func joinPath(folder, name string) string { return filepath.Join(folder, name) }

// fileNameFromResponse suggests a file name for a response. It prefers the
// Content-Disposition header (filename* over filename, RFC 6266), then the
// last non-empty segment of finalURL's path, then "download". When the name
// has no extension and contentType is a well-known type, the usual
// extension is appended. The result is raw: pass it through SanitizeName
// before touching the disk.
// Bytes that are not UTF-8 are read in the OS locale's legacy charset
// (see charset.go for the rule).
func fileNameFromResponse(contentDisposition string, finalURL *url.URL, contentType string) string {
	return fileNameFromResponseLegacy(contentDisposition, finalURL, contentType, LegacyCharset(systemLocale()))
}

// fileNameFromResponseLegacy is fileNameFromResponse with the legacy
// charset for names that are not UTF-8 given (LegacyCharset of the
// user's language); nil means ISO-8859-1.
func fileNameFromResponseLegacy(contentDisposition string, finalURL *url.URL, contentType string, legacy encoding.Encoding) string {
	name := nameFromDisposition(contentDisposition, legacy)
	if name == "" && finalURL != nil {
		name = nameFromURL(finalURL, legacy)
	}
	if name == "" {
		name = fallbackName
	}
	if extOf(lastElement(name)) == "" {
		if ext := extForType(contentType); ext != "" {
			// "report." + ".pdf" would otherwise read "report..pdf".
			name = strings.TrimRight(name, ". ") + ext
		}
	}
	return name
}

// nameFromDisposition returns the usable file name in a Content-Disposition
// value, or "". The parser is deliberately forgiving: real servers send
// unquoted names with spaces, unterminated quotes, raw UTF-8 and
// percent-encoding where RFC 6266 allows none of these, and
// mime.ParseMediaType rejects all of them.
func nameFromDisposition(h string, legacy encoding.Encoding) string {
	params := dispositionParams(h)
	if v, ok := params["filename*"]; ok {
		if name, ok := decodeExtValue(v); ok && sanitize(name) != "" {
			return name
		}
	}
	if v, ok := params["filename"]; ok {
		if name := decodePlainName(v, legacy); sanitize(name) != "" {
			return name
		}
	}
	return ""
}

// dispositionParams splits a Content-Disposition value into lower-cased
// parameter names and their (unquoted) values. The disposition type and
// anything without "=" are skipped; the first occurrence of a name wins.
func dispositionParams(h string) map[string]string {
	params := make(map[string]string)
	i := 0
	for i < len(h) {
		for i < len(h) && (h[i] == ' ' || h[i] == '\t' || h[i] == ';') {
			i++
		}
		j := i
		for j < len(h) && h[j] != '=' && h[j] != ';' {
			j++
		}
		if j >= len(h) || h[j] == ';' {
			i = j
			continue
		}
		key := strings.ToLower(strings.TrimSpace(h[i:j]))
		j++
		for j < len(h) && (h[j] == ' ' || h[j] == '\t') {
			j++
		}
		var val string
		if j < len(h) && h[j] == '"' {
			var b strings.Builder
			j++
			for j < len(h) {
				c := h[j]
				if c == '\\' && j+1 < len(h) {
					b.WriteByte(h[j+1])
					j += 2
					continue
				}
				j++
				if c == '"' {
					break
				}
				b.WriteByte(c)
			}
			// A missing closing quote runs to the end, as browsers do.
			val = b.String()
			for j < len(h) && h[j] != ';' {
				j++
			}
		} else {
			k := j
			for j < len(h) && h[j] != ';' {
				j++
			}
			val = strings.TrimSpace(h[k:j])
		}
		if _, dup := params[key]; !dup {
			params[key] = val
		}
		i = j
	}
	return params
}

// decodeExtValue decodes an RFC 8187 ext-value: charset'language'%XX…
// Only UTF-8 and ISO-8859-1 are defined; an unknown charset is accepted
// only when its bytes happen to be valid UTF-8.
func decodeExtValue(v string) (string, bool) {
	v = strings.TrimSpace(v)
	charset, rest := "utf-8", v
	if a := strings.IndexByte(v, '\''); a >= 0 {
		if b := strings.IndexByte(v[a+1:], '\''); b >= 0 {
			charset = strings.ToLower(strings.TrimSpace(v[:a]))
			rest = v[a+1+b+1:]
		}
	}
	raw := percentDecode(rest)
	switch charset {
	case "iso-8859-1", "latin1", "latin-1", "us-ascii":
		return latin1ToUTF8(raw), true
	default:
		// UTF-8, and the odd other charset that is UTF-8 in practice.
		if utf8.ValidString(raw) {
			return raw, true
		}
		// A legacy charset by name (GBK'…'), which RFC 8187 does not
		// define but servers send.
		return namedCharset(raw, charset)
	}
}

// decodePlainName turns a filename= value into text. Headers are bytes; a
// name that is not UTF-8 is taken as ISO-8859-1 (HTTP's historical
// charset). Many servers percent-encode or RFC 2047-encode the plain
// parameter, so those are decoded when the result is valid UTF-8.
func decodePlainName(v string, legacy encoding.Encoding) string {
	if !utf8.ValidString(v) {
		return nameText(v, legacy)
	}
	if strings.HasPrefix(v, "=?") {
		if d, err := new(mime.WordDecoder).DecodeHeader(v); err == nil && utf8.ValidString(d) {
			return d
		}
	}
	if strings.IndexByte(v, '%') >= 0 {
		if d := percentDecode(v); utf8.ValidString(d) {
			return d
		} else if t, ok := decodeLegacy(d, legacy); ok {
			return t
		}
	}
	return v
}

// percentDecode decodes %XX escapes and leaves malformed ones as they are,
// unlike url.PathUnescape which gives up on the whole string.
func percentDecode(s string) string {
	if strings.IndexByte(s, '%') < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				b = append(b, byte(n))
				i += 2
				continue
			}
		}
		b = append(b, s[i])
	}
	return string(b)
}

func latin1ToUTF8(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		b.WriteRune(rune(s[i]))
	}
	return b.String()
}

// nameFromURL returns the last non-empty path segment of u, decoded, or "".
// The escaped path is split so that an encoded "%2F" stays in the name.
func nameFromURL(u *url.URL, legacy encoding.Encoding) string {
	segs := strings.Split(u.EscapedPath(), "/")
	for i := len(segs) - 1; i >= 0; i-- {
		if segs[i] == "" {
			continue
		}
		name := percentDecode(segs[i])
		if !utf8.ValidString(name) {
			// Not UTF-8: the legacy charset when every byte fits it,
			// else the escaped form, which is at least readable and
			// unique.
			if t, ok := decodeLegacy(name, legacy); ok {
				name = t
			} else {
				name = segs[i]
			}
		}
		if sanitize(name) == "" {
			return ""
		}
		return name
	}
	return ""
}

// typeExts maps common content types to extensions. mime.ExtensionsByType
// depends on the host's mime.types files and is empty on minimal systems,
// so the engine carries its own table.
var typeExts = map[string]string{
	"application/zip":                         ".zip",
	"application/x-zip-compressed":            ".zip",
	"application/pdf":                         ".pdf",
	"application/x-iso9660-image":             ".iso",
	"application/gzip":                        ".gz",
	"application/x-gzip":                      ".gz",
	"application/x-tar":                       ".tar",
	"application/x-bzip2":                     ".bz2",
	"application/x-xz":                        ".xz",
	"application/zstd":                        ".zst",
	"application/x-7z-compressed":             ".7z",
	"application/vnd.rar":                     ".rar",
	"application/x-rar-compressed":            ".rar",
	"application/json":                        ".json",
	"application/xml":                         ".xml",
	"application/javascript":                  ".js",
	"application/wasm":                        ".wasm",
	"application/epub+zip":                    ".epub",
	"application/x-msdownload":                ".exe",
	"application/x-msi":                       ".msi",
	"application/x-apple-diskimage":           ".dmg",
	"application/vnd.debian.binary-package":   ".deb",
	"application/x-rpm":                       ".rpm",
	"application/vnd.android.package-archive": ".apk",
	"text/html":                               ".html",
	"text/plain":                              ".txt",
	"text/csv":                                ".csv",
	"text/css":                                ".css",
	"text/xml":                                ".xml",
	"text/javascript":                         ".js",
	"text/markdown":                           ".md",
	"image/png":                               ".png",
	"image/jpeg":                              ".jpg",
	"image/gif":                               ".gif",
	"image/webp":                              ".webp",
	"image/avif":                              ".avif",
	"image/svg+xml":                           ".svg",
	"audio/mpeg":                              ".mp3",
	"audio/ogg":                               ".ogg",
	"audio/flac":                              ".flac",
	"audio/wav":                               ".wav",
	"audio/mp4":                               ".m4a",
	"video/mp4":                               ".mp4",
	"video/webm":                              ".webm",
	"video/x-matroska":                        ".mkv",
	"video/quicktime":                         ".mov",
}

// extForType returns the extension for a Content-Type value, or "".
// Parameters and case are ignored rather than validated.
func extForType(ct string) string {
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	return typeExts[strings.ToLower(strings.TrimSpace(ct))]
}

// extOf returns the extension of a single path element including the dot,
// or "" when there is none. A leading dot (".bashrc") is not an extension.
func extOf(name string) string {
	i := strings.LastIndexByte(name, '.')
	if i <= 0 || i == len(name)-1 {
		return ""
	}
	return name[i:]
}

// lastElement is the part after the last / or \, ignoring trailing
// separators, so that "../../x" and `C:\dir\x.exe` lose their directories
// whatever the host OS.
func lastElement(s string) string {
	s = strings.TrimRight(s, `/\`)
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		s = s[i+1:]
	}
	return s
}

// SanitizeName makes name safe to use as a single file name on Linux,
// macOS and Windows: directories are dropped, control, bidi and
// Windows-reserved characters removed or replaced, Windows device names
// defused, and the result cut to 255 bytes keeping the extension. It never
// returns "", "." or "..": the fallback is "download".
func SanitizeName(name string) string {
	if s := sanitize(name); s != "" {
		return s
	}
	return fallbackName
}

// sanitize is SanitizeName returning "" where SanitizeName falls back, so
// callers can tell a usable name from nothing.
func sanitize(name string) string {
	name = strings.ToValidUTF8(name, "\uFFFD")
	name = lastElement(name)
	name = strings.Map(mapNameRune, name)
	name = trimName(name)
	if len(name) > maxNameBytes {
		name = trimName(truncateName(name, maxNameBytes))
	}
	if name == "" {
		return ""
	}
	if isReservedName(name) {
		name = "_" + name
		if len(name) > maxNameBytes {
			// The prefix keeps it non-empty and no longer reserved.
			name = trimName(truncateName(name, maxNameBytes))
		}
	}
	return name
}

// mapNameRune drops invisible characters that could hide the real name
// (controls, bidi overrides such as U+202E which make "exe.txt" display
// as "txt.exe") and replaces characters Windows forbids.
func mapNameRune(r rune) rune {
	switch r {
	case '<', '>', ':', '"', '/', '\\', '|', '?', '*':
		return '_'
	case '\u061C', '\u200E', '\u200F', '\u202A', '\u202B', '\u202C', '\u202D',
		'\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\uFEFF':
		return -1
	}
	if unicode.IsControl(r) {
		return -1
	}
	return r
}

// trimName removes leading spaces and trailing spaces and dots: Windows
// silently strips the trailing ones, so "x.exe." would not be the file
// we think it is, and "." and ".." vanish entirely.
func trimName(s string) string {
	return strings.TrimRight(strings.TrimLeft(s, " "), " .")
}

// truncateName shortens s to at most max bytes without splitting a rune,
// keeping a short extension when there is room for some of the stem.
func truncateName(s string, max int) string {
	if len(s) <= max {
		return s
	}
	ext := extOf(s)
	if len(ext) > maxExtBytes || len(ext) >= max/2 {
		ext = ""
	}
	stem := cutUTF8(s[:len(s)-len(ext)], max-len(ext))
	return stem + ext
}

// cutUTF8 returns the longest prefix of s of at most max bytes that ends on
// a rune boundary.
func cutUTF8(s string, max int) string {
	if len(s) <= max {
		return s
	}
	for max > 0 && !utf8.RuneStart(s[max]) {
		max--
	}
	return s[:max]
}

// isReservedName reports whether Windows treats name as a device, which it
// does whatever the extension ("nul.txt") and ignoring trailing spaces.
func isReservedName(name string) bool {
	stem := name
	if i := strings.IndexByte(stem, '.'); i >= 0 {
		stem = stem[:i]
	}
	stem = strings.ToUpper(strings.TrimRight(stem, " "))
	switch stem {
	case "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$":
		return true
	}
	if len(stem) >= 4 && (strings.HasPrefix(stem, "COM") || strings.HasPrefix(stem, "LPT")) {
		// COM0-9 and LPT0-9, plus the superscript digits Windows also honours.
		switch stem[3:] {
		case "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "¹", "²", "³":
			return true
		}
	}
	return false
}

// uniqueName returns name, or "name (1).ext", "name (2).ext", … — the first
// for which exists(joinPath(folder, candidate)) is false. exists should
// report a path taken when either the file or its ".part" is there. Double
// extensions such as ".tar.gz" stay together and candidates stay within
// 255 bytes. It returns "" if no free name turns up after many attempts,
// which only a broken exists can cause.
func uniqueName(folder, name string, exists func(string) bool) string {
	name = SanitizeName(name)
	if !exists(joinPath(folder, name)) {
		return name
	}
	stem, ext := splitExt(name)
	for n := 1; n <= maxUniqueTries; n++ {
		suffix := " (" + strconv.Itoa(n) + ")"
		s := cutUTF8(stem, maxNameBytes-len(suffix)-len(ext))
		cand := s + suffix + ext
		if !exists(joinPath(folder, cand)) {
			return cand
		}
	}
	return ""
}

// maxUniqueTries bounds uniqueName so a faulty exists cannot hang a task.
const maxUniqueTries = 10000

// compressExts are the suffixes that pair with ".tar" into one extension.
var compressExts = map[string]bool{
	".gz": true, ".bz2": true, ".xz": true, ".zst": true, ".lz": true,
	".lzma": true, ".lz4": true, ".z": true, ".br": true,
}

// splitExt splits name into stem and extension, treating ".tar.gz" and the
// like as one extension so numbering lands before it.
func splitExt(name string) (stem, ext string) {
	ext = extOf(name)
	if ext == "" || len(ext) > maxExtBytes {
		return name, ""
	}
	stem = name[:len(name)-len(ext)]
	if compressExts[strings.ToLower(ext)] {
		if e := extOf(stem); strings.EqualFold(e, ".tar") {
			return stem[:len(stem)-len(e)], e + ext
		}
	}
	return stem, ext
}
