package gui

// A Select shows titles while the settings keep values; these map a fixed
// list of values to a Select's options and the shown option back.

// choiceTitles is the Select options for values, in their order.
func choiceTitles[T any](values []T, title func(T) string) []string {
	titles := make([]string, len(values))
	for i, v := range values {
		titles[i] = title(v)
	}
	return titles
}

// choiceOf is the value whose title is shown; ok is false when none is.
func choiceOf[T any](values []T, title func(T) string, shown string) (v T, ok bool) {
	for _, v := range values {
		if title(v) == shown {
			return v, true
		}
	}
	return v, false
}
