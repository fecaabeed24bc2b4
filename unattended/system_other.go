//go:build !linux && !windows && !darwin

package unattended

import "context"

type noPower struct{}

func (noPower) Inhibit(context.Context) (func() error, error) { return nil, ErrUnsupported }
func (noPower) Suspend(context.Context) error                 { return ErrUnsupported }
func (noPower) PowerOff(context.Context) error                { return ErrUnsupported }

// System returns the inhibitor and power control of this system.
func System() (Inhibitor, Power) { return noPower{}, noPower{} }
