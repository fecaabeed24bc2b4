package downloader

import (
	"maps"
	"mime"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// Categories sort downloads by kind of file. The category is decided at
// the probe, when the server's media type is known (a ".bin" served as
// video/mp4 is Video), and with Settings.Categories.Sort a task added
// without a folder goes into its category's folder.

// Category is a kind of file: one of the Category* constants.
type Category string

const (
	CategoryVideo     Category = "video"
	CategoryMusic     Category = "music"
	CategoryDocuments Category = "documents"
	CategoryArchives  Category = "archives"
	CategoryPrograms  Category = "programs"
	CategoryImages    Category = "images"
	CategoryOther     Category = "other"
)

// AllCategories lists the categories in the order a UI shows them.
var AllCategories = []Category{CategoryVideo, CategoryMusic, CategoryDocuments,
	CategoryArchives, CategoryPrograms, CategoryImages, CategoryOther}

// CategoryRule says which files belong to a category and where they go.
type CategoryRule struct {
	// Extensions are file name extensions without the dot, lower case
	// ("mp4", "tar.gz").
	Extensions []string `json:"ext,omitempty"`
	// MediaTypes are MIME types ("application/pdf") or whole top-level
	// types ("video/*"), RFC 9110 §8.3.1.
	MediaTypes []string `json:"mime,omitempty"`
	// Folder is where sorted files go: relative to Settings.Folder, or an
	// absolute path.
	Folder string `json:"folder,omitempty"`
}

// CategorySettings are the category lists and the sort switch.
type CategorySettings struct {
	// Sort puts new tasks added without a folder into their category's
	// folder. Off by default.
	Sort bool `json:"sort,omitempty"`
	// Rules overrides the default rule of a category; a category missing
	// here uses DefaultCategoryRules.
	Rules map[Category]CategoryRule `json:"rules,omitempty"`
}

// DefaultCategoryRules returns the built-in lists, with each category's
// folder named after it.
func DefaultCategoryRules() map[Category]CategoryRule {
	return map[Category]CategoryRule{
		CategoryVideo: {Folder: "Video",
			Extensions: []string{"mp4", "m4v", "mkv", "webm", "avi", "mov", "wmv", "flv", "mpg", "mpeg", "ts", "m2ts", "3gp", "ogv", "m3u8"},
			MediaTypes: []string{"video/*", "application/vnd.apple.mpegurl", "application/x-mpegurl"}},
		CategoryMusic: {Folder: "Music",
			Extensions: []string{"mp3", "m4a", "aac", "flac", "ogg", "oga", "opus", "wav", "wma", "aiff", "ape", "mka"},
			MediaTypes: []string{"audio/*"}},
		CategoryDocuments: {Folder: "Documents",
			Extensions: []string{"pdf", "doc", "docx", "odt", "rtf", "txt", "md", "epub", "mobi", "xls", "xlsx", "ods", "csv", "ppt", "pptx", "odp"},
			MediaTypes: []string{"application/pdf", "application/msword", "application/epub+zip", "text/plain", "text/csv", "text/markdown",
				"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
				"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
				"application/vnd.openxmlformats-officedocument.presentationml.presentation",
				"application/vnd.oasis.opendocument.text", "application/vnd.ms-excel", "application/vnd.ms-powerpoint"}},
		CategoryArchives: {Folder: "Archives",
			Extensions: []string{"zip", "rar", "7z", "tar", "gz", "tgz", "bz2", "tbz2", "xz", "txz", "zst", "lz", "lzma", "cab", "tar.gz", "tar.xz", "tar.bz2", "tar.zst"},
			MediaTypes: []string{"application/zip", "application/x-7z-compressed", "application/vnd.rar", "application/x-rar-compressed",
				"application/x-tar", "application/gzip", "application/x-gzip", "application/x-bzip2", "application/x-xz", "application/zstd"}},
		CategoryPrograms: {Folder: "Programs",
			Extensions: []string{"exe", "msi", "msix", "dmg", "pkg", "deb", "rpm", "apk", "appimage", "flatpak", "snap", "jar", "iso", "img"},
			MediaTypes: []string{"application/x-msdownload", "application/x-msi", "application/x-apple-diskimage", "application/vnd.debian.binary-package",
				"application/x-rpm", "application/vnd.android.package-archive", "application/java-archive", "application/x-iso9660-image"}},
		CategoryImages: {Folder: "Images",
			Extensions: []string{"jpg", "jpeg", "png", "gif", "webp", "avif", "heic", "bmp", "tif", "tiff", "svg", "ico", "raw", "psd"},
			MediaTypes: []string{"image/*"}},
		CategoryOther: {Folder: "Other"},
	}
}

// Rule is the effective rule of c: the stored one, else the default.
func (s CategorySettings) Rule(c Category) CategoryRule {
	if r, ok := s.Rules[c]; ok {
		return r
	}
	return DefaultCategoryRules()[c]
}

// Classify tells the category of a file from its name and the media type
// the server sent ("" when unknown). A known extension decides first
// (servers label many files application/octet-stream); else the media
// type; else CategoryOther.
func (s CategorySettings) Classify(name, mediaType string) Category {
	lower := strings.ToLower(name)
	var best Category
	bestLen := 0
	for _, c := range AllCategories {
		for _, ext := range s.Rule(c).Extensions {
			ext = strings.ToLower(strings.TrimPrefix(ext, "."))
			// The longest match wins: "tar.gz" over "gz".
			if ext != "" && len(ext) > bestLen && strings.HasSuffix(lower, "."+ext) {
				best, bestLen = c, len(ext)
			}
		}
	}
	if best != "" {
		return best
	}
	mt, _, err := mime.ParseMediaType(mediaType)
	if err != nil || mt == "" {
		return CategoryOther
	}
	top, _, _ := strings.Cut(mt, "/")
	for _, c := range AllCategories {
		for _, want := range s.Rule(c).MediaTypes {
			want = strings.ToLower(strings.TrimSpace(want))
			if want == mt || strings.HasSuffix(want, "/*") && strings.TrimSuffix(want, "/*") == top {
				return c
			}
		}
	}
	return CategoryOther
}

// Folder is where a sorted file of category c goes, given the default
// download folder base.
func (s CategorySettings) Folder(c Category, base string) string {
	f := strings.TrimSpace(s.Rule(c).Folder)
	switch {
	case f == "":
		return base
	case filepath.IsAbs(f):
		return filepath.Clean(f)
	}
	return filepath.Join(base, f)
}

// Folders lists every folder sorting may choose for base, so a caller can
// tell whether a task's folder came from sorting.
func (s CategorySettings) Folders(base string) []string {
	out := make([]string, 0, len(AllCategories))
	for _, c := range AllCategories {
		out = append(out, s.Folder(c, base))
	}
	return out
}

func (s CategorySettings) clone() CategorySettings {
	if s.Rules == nil {
		return s
	}
	rules := maps.Clone(s.Rules)
	for c, r := range rules {
		r.Extensions = slices.Clone(r.Extensions)
		r.MediaTypes = slices.Clone(r.MediaTypes)
		rules[c] = r
	}
	s.Rules = rules
	return s
}

// nameCategory guesses a category from a link alone, before the probe.
func nameCategory(s CategorySettings, name, rawURL string) Category {
	if name == "" {
		if u, err := ParseURL(rawURL); err == nil {
			name = path.Base(u.Path)
		}
	}
	return s.Classify(name, "")
}

// categorize decides the task's category from the probe's answer and,
// when the task was added without a folder and sorting is on, moves it
// into the category's folder — only before its part file exists.
func (r *run) categorize(p *probed) {
	t := r.t
	set := t.m.settingsSnapshot()
	t.mu.Lock()
	defer t.mu.Unlock()
	name := t.rec.Name
	if !t.rec.NameFixed || name == "" {
		name = p.name
	}
	c := set.Categories.Classify(name, p.mediaType)
	if p.playlist {
		c = CategoryVideo
	}
	t.rec.Category = c
	if t.rec.AutoFolder && set.Categories.Sort && !t.rec.PartOwned && t.rec.Video == nil {
		t.rec.Folder = set.Categories.Folder(c, set.Folder)
	}
}
