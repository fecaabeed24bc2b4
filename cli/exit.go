package cli

import "haul/internal/plumbing"

// Exit statuses of the verbs: the app's own (plumbing).
const (
	ExitOK          = plumbing.ExitOK
	ExitFailed      = plumbing.ExitFailed
	ExitUsage       = plumbing.ExitUsage
	ExitInterrupted = plumbing.ExitInterrupted
)
