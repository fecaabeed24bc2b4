package gui

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// filterBar is the sidebar of categories with live counts.
type filterBar struct {
	list     *widget.List
	counts   [filterTotal]int
	onChange func(Filter)
}

func filterTitle(f Filter) string {
	if c, ok := filterCategory(f); ok {
		return CategoryTitle(c)
	}
	switch f {
	case FilterDownloading:
		return lang.L("Downloading")
	case FilterQueued:
		return lang.L("Queued")
	case FilterPaused:
		return lang.L("Paused")
	case FilterCompleted:
		return lang.L("Completed")
	case FilterFailed:
		return lang.L("Failed")
	}
	return lang.L("All")
}

func filterIcon(f Filter) fyne.Resource {
	if c, ok := filterCategory(f); ok {
		return categoryIcon(c)
	}
	switch f {
	case FilterDownloading:
		return theme.DownloadIcon()
	case FilterQueued:
		return theme.HistoryIcon()
	case FilterPaused:
		return theme.MediaPauseIcon()
	case FilterCompleted:
		return theme.ConfirmIcon()
	case FilterFailed:
		return theme.ErrorIcon()
	}
	return theme.ListIcon()
}

func newFilterBar(onChange func(Filter)) *filterBar {
	fb := &filterBar{onChange: onChange}
	fb.list = widget.NewList(
		func() int { return int(filterTotal) },
		func() fyne.CanvasObject {
			count := widget.NewLabel("")
			count.Importance = widget.LowImportance
			return container.NewBorder(nil, nil, widget.NewIcon(nil), count, widget.NewLabel(""))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			c := o.(*fyne.Container)
			f := Filter(i)
			c.Objects[0].(*widget.Label).SetText(filterTitle(f))
			c.Objects[1].(*widget.Icon).SetResource(filterIcon(f))
			c.Objects[2].(*widget.Label).SetText(strconv.Itoa(fb.counts[f]))
		},
	)
	fb.list.Select(0) // before OnSelected: the window is not built yet
	fb.list.OnSelected = func(i widget.ListItemID) {
		if fb.onChange != nil {
			fb.onChange(Filter(i))
		}
	}
	return fb
}

// setCounts redraws the counts when one changed.
func (fb *filterBar) setCounts(c [filterTotal]int) {
	if c != fb.counts {
		fb.counts = c
		fb.list.Refresh()
	}
}
