package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"haul/downloader"
)

// The details pane's link and verification parts: the "Change link…"
// button and the Verification row.

func (d *detailsPane) linkButton() fyne.CanvasObject {
	d.changeLink = widget.NewButtonWithIcon(lang.L("Change link…"), theme.MailForwardIcon(), func() {
		if d.onChangeLink != nil {
			d.onChangeLink(d.shown)
		}
	})
	d.changeLink.Hide()
	return d.changeLink
}

func (d *detailsPane) verifiedRow() fyne.CanvasObject {
	d.verified = widget.NewLabel("")
	d.verified.Truncation = fyne.TextTruncateEllipsis
	return d.verified
}

// showLink updates the button and the row for s.
func (d *detailsPane) showLink(s *downloader.Snapshot) {
	d.shown = *s
	show := d.changeable != nil && d.changeable(s)
	imp := widget.MediumImportance
	if s.Phase == downloader.PhaseWaitingLink {
		imp = widget.HighImportance
	}
	if show != d.changeLink.Visible() || imp != d.changeLink.Importance {
		d.changeLink.Importance = imp
		if show {
			d.changeLink.Show()
		} else {
			d.changeLink.Hide()
		}
		// The header row grows or shrinks with the button: lay it out again.
		d.content.Refresh()
	}
	vimp := widget.MediumImportance
	if s.Verification.Verified {
		vimp = widget.SuccessImportance
	}
	setLabel(d.verified, verificationText(s), vimp)
}

// verificationText is the Verification row: how the file was or will be
// checked.
func verificationText(s *downloader.Snapshot) string {
	v := s.Verification
	data := map[string]any{"Algo": v.AlgoName(), "File": v.From}
	switch {
	case v.IsZero() && s.State == downloader.StateCompleted:
		return lang.L("Not verified (no checksum offered)")
	case v.IsZero():
		return lang.L("No checksum known yet")
	case v.Verified && v.Source == downloader.VerifyServer:
		return lang.L("Verified ({{.Algo}} from the server)", data)
	case v.Verified && v.Source == downloader.VerifySidecar:
		return lang.L("Verified ({{.Algo}} from {{.File}})", data)
	case v.Verified:
		return lang.L("Verified ({{.Algo}} you gave)", data)
	case s.State == downloader.StateCompleted:
		return lang.L("Not verified (no checksum offered)")
	case v.Source == downloader.VerifyServer:
		return lang.L("Will be verified with {{.Algo}} from the server", data)
	}
	return lang.L("Will be verified with {{.Algo}}", data)
}
