// Package plumbing is what both of Haul's mains need below main: the data
// folder, opening the store, the exit statuses and starting the loopback
// service (the aria2-compatible RPC, or the single-instance hand-off
// alone) from the stored RPC preferences.
//
// The desktop haul (package main at the repository root, with the window)
// and the headless cmd/hauld use it; neither duplicates its wiring. It
// imports neither Fyne nor gui/, and says nothing to the user itself:
// callers word notices in their own language (the window's setting, or
// the terminal's locale).
//
// The instance file (instance.json, where a running Haul listens) belongs
// to the hand-off transport in package rpc: the server writes it while it
// runs and rpc.HandOff reads it.
package plumbing
