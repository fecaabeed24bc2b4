package unattended

import "context"

// Power suspends or switches off the computer.
type Power interface {
	// Suspend puts the computer to sleep.
	Suspend(ctx context.Context) error
	// PowerOff shuts the computer down.
	PowerOff(ctx context.Context) error
}
