package downloader

import "strings"

// serverName is the file name to use for a name the server (or the URL)
// suggested: SanitizeName's, without leading dots, so a download never
// arrives as a hidden file (".bash_profile" → "bash_profile"), as browsers
// do. A name the user chose is kept as it is.
func serverName(suggested string) string {
	name := strings.TrimLeft(SanitizeName(suggested), ".")
	if name == "" {
		return fallbackName
	}
	return SanitizeName(name)
}
