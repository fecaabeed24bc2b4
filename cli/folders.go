package cli

import "haul/downloader"

// candidateFolders are where an earlier run of the same request may have
// saved: its -d folder, or without one the download folder and each
// category folder sorting may have chosen.
func candidateFolders(set downloader.Settings, req downloader.Request) []string {
	if req.Folder != "" {
		return []string{req.Folder}
	}
	return append([]string{set.Folder}, set.Categories.Folders(set.Folder)...)
}
