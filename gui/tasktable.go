package gui

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"haul/downloader"
)

// taskTable is the list of downloads: a header, a virtual list whose rows
// are created only for what is visible, and a selection of task ids that
// survives filtering and re-sorting.
type taskTable struct {
	model  *taskModel
	list   *widget.List
	header [colCount]*widget.Button
	root   fyne.CanvasObject

	selected map[string]struct{}
	anchor   string // where a shift-click range starts

	// shown maps a task id to the row widget drawing it. Rows are redrawn
	// through it directly: List.RefreshItem in Fyne 2.7 refreshes the
	// whole list (and builds a template row) on every call, far too much
	// for a hundred updates a tick.
	shown map[string]*taskRow

	onSelection func()                           // the selection changed
	onMenu      func(fyne.Canvas, fyne.Position) // secondary tap on a row, at an absolute position
	onOpen      func(*downloader.Snapshot)       // double tap
	onSort      func(sortKey)                    // header tapped
	empty       *widget.Label
	pitch       float32 // row height plus the gap, once measured

	cols      *columnWidths
	colGen    int // bumped on every resize, so recycled rows lay out again
	headerRow *fyne.Container
	onColumns func() // the columns were resized by the user
}

func newTaskTable(m *taskModel) *taskTable {
	t := &taskTable{model: m, selected: make(map[string]struct{}), shown: make(map[string]*taskRow), cols: newColumnWidths()}
	t.list = widget.NewList(
		func() int { return len(t.model.view) },
		func() fyne.CanvasObject { return newTaskRow(t) },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*taskRow).show(i) },
	)
	t.list.HideSeparators = true

	titles := [colCount]string{
		colName:     lang.L("Name"),
		colSize:     lang.L("Size"),
		colProgress: lang.L("Progress"),
		colSpeed:    lang.L("Speed"),
		colETA:      lang.L("Time left"),
		colStatus:   lang.L("Status"),
	}
	sortable := map[int]sortKey{colName: sortName, colSize: sortSize}
	cells := make([]fyne.CanvasObject, colCount)
	for c := range colCount {
		b := widget.NewButton(titles[c], nil)
		b.Importance = widget.LowImportance
		b.Alignment = widget.ButtonAlignLeading
		if k, ok := sortable[c]; ok {
			b.OnTapped = func() { t.sortBy(k) }
		} else {
			// Columns that move every tick cannot sort without a re-sort
			// per tick; tapping them restores queue order instead.
			b.OnTapped = func() { t.sortBy(sortQueue) }
		}
		t.header[c] = b
		cells[c] = b
	}
	for c := range colCount - 1 {
		cells = append(cells, newColumnDivider(c, t.resizeColumn, func() {
			if t.onColumns != nil {
				t.onColumns()
			}
		}))
	}
	header := container.New(headerLayout{columnsLayout{t.cols}}, cells...)
	t.headerRow = header
	t.empty = widget.NewLabel(lang.L("No downloads here. Press Add or Ctrl+N, or paste links with Ctrl+V."))
	t.empty.Alignment = fyne.TextAlignCenter
	t.empty.Importance = widget.LowImportance
	t.root = container.NewBorder(
		container.NewVBox(header, widget.NewSeparator()), nil, nil, nil,
		container.NewStack(t.list, container.NewCenter(t.empty)),
	)
	return t
}

// resizeColumn widens col by dx and lays the header and the rows on
// screen out again.
func (t *taskTable) resizeColumn(col int, dx float32) {
	t.cols.resize(col, dx, t.headerRow.Size().Width)
	t.colGen++
	t.relayout()
}

// relayout applies the column widths to the header and the visible rows.
func (t *taskTable) relayout() {
	t.headerRow.Refresh()
	for _, r := range t.shown {
		if r.cols != nil {
			r.colGen = t.colGen
			r.cols.Refresh()
		}
	}
}

func (t *taskTable) sortBy(k sortKey) {
	if t.onSort != nil {
		t.onSort(k)
	}
}

// updateHeader marks the sorted column.
func (t *taskTable) updateHeader() {
	col := map[sortKey]int{sortName: colName, sortSize: colSize}
	for c, b := range t.header {
		b.SetIcon(nil)
		if cc, ok := col[t.model.sort]; ok && cc == c {
			if t.model.desc {
				b.SetIcon(theme.MenuDropDownIcon())
			} else {
				b.SetIcon(theme.MenuDropUpIcon())
			}
		}
	}
}

// refresh redraws after a model change: the changed rows that are on
// screen, or everything visible after a rebuild.
func (t *taskTable) refresh(ch modelChange) {
	if ch.rebuilt {
		t.pruneSelection()
		t.list.Refresh()
		t.updateEmpty()
		return
	}
	for _, id := range ch.ids {
		if r := t.shown[id]; r != nil {
			r.redraw()
		}
	}
}

// redrawShown updates every row on screen, e.g. for a new selection.
func (t *taskTable) redrawShown() {
	for _, r := range t.shown {
		r.redraw()
	}
}

func (t *taskTable) updateEmpty() {
	if len(t.model.view) == 0 {
		t.empty.Show()
	} else {
		t.empty.Hide()
	}
}

// pruneSelection drops ids that left the view.
func (t *taskTable) pruneSelection() {
	changed := false
	for id := range t.selected {
		if _, ok := t.model.index[id]; !ok {
			delete(t.selected, id)
			changed = true
		}
	}
	if changed && t.onSelection != nil {
		t.onSelection()
	}
}

// selection returns the selected tasks in view order.
func (t *taskTable) selection() []*downloader.Snapshot {
	if len(t.selected) == 0 {
		return nil
	}
	out := make([]*downloader.Snapshot, 0, len(t.selected))
	if len(t.selected) < 64 {
		// Few selected: avoid a walk over a long view.
		rows := make([]int, 0, len(t.selected))
		for id := range t.selected {
			if r, ok := t.model.index[id]; ok {
				rows = append(rows, r)
			}
		}
		slices.Sort(rows)
		for _, r := range rows {
			out = append(out, t.model.at(r))
		}
		return out
	}
	for _, id := range t.model.view {
		if _, ok := t.selected[id]; ok {
			out = append(out, t.model.tasks[id])
		}
	}
	return out
}

func (t *taskTable) isSelected(id string) bool {
	_, ok := t.selected[id]
	return ok
}

// click applies a primary click on row with the held modifiers, the way
// file managers do: plain replaces, Ctrl toggles, Shift extends.
func (t *taskTable) click(row int, mod fyne.KeyModifier) {
	s := t.model.at(row)
	if s == nil {
		return
	}
	switch {
	case mod&fyne.KeyModifierShift != 0 && t.anchor != "":
		a, ok := t.model.index[t.anchor]
		if !ok {
			a = row
		}
		clear(t.selected)
		for i := min(a, row); i <= max(a, row); i++ {
			t.selected[t.model.view[i]] = struct{}{}
		}
	case mod&(fyne.KeyModifierControl|fyne.KeyModifierSuper) != 0:
		if t.isSelected(s.ID) {
			delete(t.selected, s.ID)
		} else {
			t.selected[s.ID] = struct{}{}
		}
		t.anchor = s.ID
	default:
		clear(t.selected)
		t.selected[s.ID] = struct{}{}
		t.anchor = s.ID
	}
	t.selectionChanged()
}

// selectIDs replaces the selection and shows the first of ids.
func (t *taskTable) selectIDs(ids ...string) {
	clear(t.selected)
	first := -1
	for _, id := range ids {
		if r, ok := t.model.index[id]; ok {
			t.selected[id] = struct{}{}
			if first < 0 || r < first {
				first = r
			}
		}
	}
	if first >= 0 {
		t.anchor = t.model.view[first]
		t.list.ScrollTo(first)
	}
	t.selectionChanged()
}

func (t *taskTable) selectAll() {
	for _, id := range t.model.view {
		t.selected[id] = struct{}{}
	}
	t.selectionChanged()
}

// step moves a single selection by delta rows (arrow keys).
func (t *taskTable) step(delta int) {
	n := len(t.model.view)
	if n == 0 {
		return
	}
	row := -1
	if r, ok := t.model.index[t.anchor]; ok && t.isSelected(t.anchor) {
		row = r
	}
	row = min(max(row+delta, 0), n-1)
	if row < 0 {
		row = 0
	}
	t.click(row, 0)
	t.list.ScrollTo(row)
}

func (t *taskTable) selectionChanged() {
	t.redrawShown()
	if t.onSelection != nil {
		t.onSelection()
	}
}
