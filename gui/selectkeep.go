package gui

import "slices"

// removal remembers where the selection was when tasks were removed, so
// the row that takes their place is selected and the list does not jump.
type removal struct {
	ids []string // tasks asked to go
	row int      // the first of their rows
}

// noteRemoval records ids, about to be removed, at the selection's place.
func (u *UI) noteRemoval(ids []string) {
	row := -1
	for _, id := range ids {
		if r, ok := u.model.index[id]; ok && (row < 0 || r < row) {
			row = r
		}
	}
	u.removing = removal{ids: slices.Clone(ids), row: row}
}

// selectAfterRemove selects the row now at the removed tasks' place once
// the engine has removed all of them, and shows it.
func (u *UI) selectAfterRemove() {
	if u.removing.row < 0 || len(u.removing.ids) == 0 {
		return
	}
	for _, id := range u.removing.ids {
		if _, ok := u.model.tasks[id]; ok {
			return // not all gone yet
		}
	}
	row := min(u.removing.row, len(u.model.view)-1)
	u.removing = removal{}
	if row >= 0 && len(u.table.selected) == 0 {
		u.table.selectIDs(u.model.view[row])
	}
}

// selectAdded selects the first of the tasks just added once it is in the
// list, and shows it. Only the first: a paste of 2,000 links must not
// leave 2,000 rows selected for the next Delete.
func (u *UI) selectAdded() {
	for _, id := range u.pendingSelect {
		if _, ok := u.model.index[id]; ok {
			u.pendingSelect = nil
			u.table.selectIDs(id)
			return
		}
	}
}
