//go:build windows

package downloader

import (
	"fmt"
	"os"

	"golang.org/x/sys/windows"
)

// Windows opens no symbolic link without the privilege to make one; the
// identity check catches a file put in place of ours.
const oNoFollow = 0

func isLinkError(error) bool { return false }

// fileIdentity is the volume serial number and file index of path, which
// a rename keeps and a replacement does not.
func fileIdentity(path string) (string, error) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return "", err
	}
	h, err := windows.CreateFile(p, 0, windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE,
		nil, windows.OPEN_EXISTING, windows.FILE_FLAG_BACKUP_SEMANTICS|windows.FILE_FLAG_OPEN_REPARSE_POINT, 0)
	if err != nil {
		return "", &os.PathError{Op: "open", Path: path, Err: err}
	}
	defer windows.CloseHandle(h)
	var info windows.ByHandleFileInformation
	if err := windows.GetFileInformationByHandle(h, &info); err != nil {
		return "", &os.PathError{Op: "identify", Path: path, Err: err}
	}
	return fmt.Sprintf("%x:%x%08x", info.VolumeSerialNumber, info.FileIndexHigh, info.FileIndexLow), nil
}

// syncDir is a no-op: directories cannot be synced on Windows, and NTFS
// journals their entries.
func syncDir(string) error { return nil }
