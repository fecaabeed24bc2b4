package plumbing

// Exit statuses of haul, hauld and their verbs.
const (
	ExitOK          = 0
	ExitFailed      = 1 // a download failed or was left incomplete, or the app could not start
	ExitUsage       = 2 // bad flags or arguments
	ExitInterrupted = 130
)
