package cli

import "haul/internal/i18n"

// tr translates a sentence for the terminal. The terminal follows the
// system locale (LC_ALL, LC_MESSAGES, LANG), as other command-line tools
// do; the window's language setting is the window's.
func tr(key string, data ...any) string { return i18n.T(key, data...) }

// trN is tr with a plural form chosen by n.
func trN(key string, n int, data ...any) string { return i18n.N(key, n, data...) }
