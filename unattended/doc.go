// Package unattended is Haul's desktop side of leaving downloads to run
// alone: keeping the computer awake while bytes flow, acting when all
// downloads finish (quit, sleep, shut down) and starting with the user's
// session. The engine only says whether bytes are flowing and what its
// tasks do; everything that talks to the operating system is here, one
// file per system behind a small interface.
package unattended
