// Package e2e holds Haul's end-to-end tests: the real haul binary, run as
// a separate process against the in-process fault-injecting test server
// (haul/downloader/testserver, loopback only), killed with SIGKILL and
// SIGINT and run again.
//
// The binary comes from HAUL_E2E_BIN (set by `make e2e` and `make chaos`,
// which build bin/haul first). Without it, TestMain builds one into a temp
// folder with `go build`, bounded by HAUL_E2E_BUILD_TIMEOUT (default 3m;
// the main package links Fyne, so a cold build can be slow); if the build
// fails or times out the tests skip with the reason. Under the race
// detector (`go test -race ./...`, i.e. `make unit`) without HAUL_E2E_BIN
// they skip: the race detector does not reach into the child processes,
// it only slows the in-process server and would skew the kill timing, and
// `make test` runs them once more without it through `make e2e`.
//
// Knobs (environment):
//
//	HAUL_E2E_BIN         haul binary to test
//	HAUL_CHAOS_KILLS     SIGKILLs in TestE2ECrashLoop (default 8; make chaos: 100)
//	HAUL_CHAOS_FILES     files per crash-loop round (default 3; make chaos: 6)
//	HAUL_CHAOS_SEED      seed of the crash loop's random choices (default: time)
//
// There are no timed assertions: durations only bound hangs.
package e2e
