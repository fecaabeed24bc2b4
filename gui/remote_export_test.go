package gui

import (
	"fyne.io/fyne/v2/widget"
)

// RemoteForm is the open settings dialog's "Another computer" tab.
func (u *UI) RemoteForm() (address, secret *widget.Entry) {
	if u.settingsDlg == nil {
		return nil, nil
	}
	return &u.settingsDlg.remote.address.Entry, &u.settingsDlg.remote.secret.Entry
}

// Banner is the text above the toolbar saying whose queue this is, or "".
func (u *UI) Banner() string {
	if u.banner == nil {
		return ""
	}
	return u.banner.label.Text
}
