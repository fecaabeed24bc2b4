package gui

// Test hooks for categories, sites, theme and import/export.

// NumCategories is the number of category rows in the sidebar.
const NumCategories = numCategories

// FilterCount is the count the sidebar shows beside filter f.
func (u *UI) FilterCount(f Filter) int { return u.filters.counts[f] }
