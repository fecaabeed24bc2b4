package gui

import (
	"fyne.io/fyne/v2/lang"

	"haul/downloader"
)

// errorText is why a task stopped, in the user's language. The engine's
// sentence is English and carries details (status codes, sizes, paths);
// where a translation of the kind exists it is shown instead, and English
// keeps the detailed sentence.
func errorText(s downloader.Snapshot) string {
	if englishUI.Load() {
		return s.Error
	}
	if s.ErrorKind == downloader.KindChecksum && s.Verification.Source != downloader.VerifyUser {
		return lang.L("The file does not match the checksum the server published; it was not saved.")
	}
	if t := kindSentence(s.ErrorKind); t != "" {
		return t
	}
	return s.Error
}

// kindSentence is the translated sentence for a kind, "" for none.
func kindSentence(k downloader.ErrorKind) string {
	switch k {
	case downloader.KindNotFound:
		return lang.L("The server says the file does not exist. Check the link.")
	case downloader.KindForbidden:
		return lang.L("The server refused access. The link may have expired, or it needs a cookie or referer.")
	case downloader.KindGone:
		return lang.L("The file is gone from the server. Get a fresh link.")
	case downloader.KindServer:
		return lang.L("The server keeps failing. Try again later.")
	case downloader.KindNetwork:
		return lang.L("The connection to the server failed.")
	case downloader.KindName:
		return lang.L("The server name does not exist. Check the link.")
	case downloader.KindTLS:
		return lang.L("The server's security certificate is not trusted, so Haul did not connect.")
	case downloader.KindChecksum:
		return lang.L("The file does not match the checksum you gave; it was not saved.")
	case downloader.KindSize:
		return lang.L("The file came out a different size than announced; resume to download it again.")
	case downloader.KindDiskFull:
		return lang.L("The disk is full. Free some space, then resume.")
	case downloader.KindNoSpace:
		return lang.L("Not enough disk space. Free some space or choose another folder, then resume.")
	case downloader.KindRedirects:
		return lang.L("The link redirects too many times.")
	case downloader.KindBadURL:
		return lang.L("This is not a valid http or https link.")
	case downloader.KindChanged:
		return lang.L("The file on the server kept changing; try again later.")
	case downloader.KindCanceled:
		return lang.L("Canceled. Resume to download it again from the start.")
	case downloader.KindBroken:
		return lang.L("This task's saved record is damaged. Remove it and add the link again.")
	case downloader.KindBadResponse:
		return lang.L("The server sent an answer Haul cannot use.")
	case downloader.KindLinkExpired:
		return lang.L("The link has expired. Give the download a fresh link of the same file (Change link…) and it continues where it stopped.")
	case downloader.KindRefused:
		return lang.L("The server refuses connections. Haul keeps trying.")
	case downloader.KindFileSystem:
		return lang.L("Haul could not write the file.")
	}
	return ""
}
