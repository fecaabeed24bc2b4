// Package cli implements Haul's terminal verbs (haul get, …) on the same
// engine and store the window uses.
package cli
