package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"

	"haul/downloader"
)

// The sidebar's category filters (Video, Music, …) follow its state
// filters: Filter values from filterCount on are categories, in the
// order of downloader.AllCategories.

// numCategories is len(downloader.AllCategories), as a constant for the
// counts array; TestCategoryFilters checks they agree.
const numCategories = 7

// filterTotal is the number of sidebar rows: states, then categories.
const filterTotal = filterCount + numCategories

// CategoryFilter is the sidebar filter showing category c.
func CategoryFilter(c downloader.Category) Filter {
	for i, k := range downloader.AllCategories {
		if k == c {
			return filterCount + Filter(i)
		}
	}
	return filterCount + Filter(numCategories-1) // Other
}

// filterCategory is the category a sidebar filter shows, if it is one.
func filterCategory(f Filter) (downloader.Category, bool) {
	i := int(f - filterCount)
	if i < 0 || i >= len(downloader.AllCategories) {
		return "", false
	}
	return downloader.AllCategories[i], true
}

// taskCategory is the task's category; a record from before categories
// is classified by its name with the default lists.
func taskCategory(s *downloader.Snapshot) downloader.Category {
	if s.Category != "" {
		return s.Category
	}
	return downloader.CategorySettings{}.Classify(displayName(s), "")
}

// filterMatches tells whether filter f shows task s.
func filterMatches(f Filter, s *downloader.Snapshot) bool {
	if c, ok := filterCategory(f); ok {
		return taskCategory(s) == c
	}
	return f == FilterAll || category(s) == f
}

// CategoryTitle is the translated name of a category.
func CategoryTitle(c downloader.Category) string {
	switch c {
	case downloader.CategoryVideo:
		return lang.L("Video")
	case downloader.CategoryMusic:
		return lang.L("Music")
	case downloader.CategoryDocuments:
		return lang.L("Documents")
	case downloader.CategoryArchives:
		return lang.L("Archives")
	case downloader.CategoryPrograms:
		return lang.L("Programs")
	case downloader.CategoryImages:
		return lang.L("Images")
	}
	return lang.L("Other files")
}

func categoryIcon(c downloader.Category) fyne.Resource {
	switch c {
	case downloader.CategoryVideo:
		return theme.MediaVideoIcon()
	case downloader.CategoryMusic:
		return theme.MediaMusicIcon()
	case downloader.CategoryDocuments:
		return theme.DocumentIcon()
	case downloader.CategoryArchives:
		return theme.StorageIcon()
	case downloader.CategoryPrograms:
		return theme.ComputerIcon()
	case downloader.CategoryImages:
		return theme.MediaPhotoIcon()
	}
	return theme.FileIcon()
}
