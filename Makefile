# Haul — the two commands that matter are `make run` and `make test`.
GO      ?= go
BIN     := bin/haul
DATA    ?=
export CGO_ENABLED := 1

.PHONY: run build test deps deps-gui deps-browser deps-docs deps-node jsclient fmt-check vet unit fuzz-smoke gui-e2e test-browser docs-shots e2e bench bench-smoke chaos clean \
	package package-check package-windows package-extension hauld package-headless

run: deps build
	./$(BIN) $(if $(DATA),--data $(DATA))

# haul and hauld carry one stamp of the sources they were built from;
# `haul get` hands its download to the hauld beside it only when the two
# match (headless.go): same engine and CLI, half the memory.
SOURCE_ID := $(shell find . \( -path ./bin -o -path ./.git -o -path ./docs -o -name node_modules \) -prune -o -type f -print | LC_ALL=C sort | xargs cat | sha256sum | cut -c1-16)
STAMP     := -ldflags=-X=haul/internal/plumbing.SourceID=$(SOURCE_ID)

build: deps
	$(GO) build $(STAMP) -o $(BIN) .

# Headless Haul (cmd/hauld): no Fyne, no C, so a static binary.
HAULD := bin/hauld
hauld:
	CGO_ENABLED=0 $(GO) build $(STAMP) -o $(HAULD) ./cmd/hauld

deps:
	@scripts/deps.sh build

deps-gui:
	@scripts/deps.sh gui-test

deps-browser:
	@scripts/deps.sh browser-test

deps-docs:
	@scripts/deps.sh docs-shots

deps-node:
	@scripts/deps.sh node

# Every check CI runs, one after another, each with the time it took.
TEST_STEPS := deps-gui jsclient fmt-check vet unit fuzz-smoke gui-e2e test-browser e2e bench-smoke
test:
	@start=$$(date +%s); for step in $(TEST_STEPS); do \
		t0=$$(date +%s); $(MAKE) --no-print-directory $$step || { echo "make test: $$step FAILED after $$(( $$(date +%s) - t0 )) s"; exit 1; }; \
		echo "make test: $$step took $$(( $$(date +%s) - t0 )) s"; \
	done; echo "make test: all checks passed in $$(( $$(date +%s) - start )) s"

fmt-check:
	@out="$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))"; \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

unit: jsclient
	$(GO) test -race -count=1 -timeout 10m ./...

# The unmodified npm aria2 client that rpc/jsclient_test.go drives Haul with,
# in a folder of its own. npm ci reruns only when the lock file changes (npm
# writes node_modules/.package-lock.json last); its cache serves repeat runs.
JSCLIENT := rpc/jsclient
jsclient: deps-node $(JSCLIENT)/node_modules/.package-lock.json
$(JSCLIENT)/node_modules/.package-lock.json: $(JSCLIENT)/package.json $(JSCLIENT)/package-lock.json | deps-node
	@npm ci --prefix $(JSCLIENT) --prefer-offline --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
	@touch $@

# A few seconds of each fuzzer on top of its committed seeds (go test runs
# only the seeds). FUZZTIME=1m for a longer look. The default is a count,
# not a duration: with a duration Go's fuzz coordinator can end a clean run
# with "context deadline exceeded" when the deadline falls mid-step on a
# busy machine, and CI must not fail on that.
FUZZTIME ?= 20000x
FUZZ_TARGETS := downloader:FuzzContentDisposition downloader:FuzzSanitizeName downloader:FuzzContentRange \
	downloader:FuzzParseRate downloader:FuzzParseURL downloader:FuzzExpandPattern downloader/store:FuzzDecodeRecord \
	downloader/store:FuzzDecodeSegments downloader/store:FuzzSalvage downloader/hls:FuzzParse downloader/tasklist:FuzzParse rpc:FuzzDecodeRequest gui:FuzzParseLinks
fuzz-smoke:
	@mkdir -p bin
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; fn=$${t##*:}; \
		$(GO) test -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZTIME) ./$$pkg/ >bin/fuzz.log 2>&1 \
			|| { cat bin/fuzz.log; echo "fuzz $$fn failed"; exit 1; }; \
		echo "fuzz $$fn: $$(grep -o 'execs: [0-9]*' bin/fuzz.log | tail -1)"; \
	done

# End-to-end: real haul and hauld binaries and processes (kill -9 and resume;
# hauld serve driven by the npm aria2 client, SIGTERM and restart).
e2e: build hauld jsclient
	HAUL_E2E_BIN=$(CURDIR)/$(BIN) HAULD_E2E_BIN=$(CURDIR)/$(HAULD) \
		$(GO) test -count=1 -timeout 10m -run 'E2E' ./e2e/...

# The real window under Xvfb on a private session D-Bus (e2e/desktop/): downloads a file
# from the in-process test server, checks the tray item, its menu, the notification, close to
# tray, and takes a screenshot (bin/gui-e2e.png).
gui-e2e: deps-gui build
	HAUL_E2E_BIN=$(CURDIR)/$(BIN) HAUL_E2E_SHOT=$(CURDIR)/bin/gui-e2e.png \
		$(GO) test -count=1 -timeout 3m -v -run 'TestDesktop' ./e2e/desktop/

# Haul's extension in a real Chromium under Xvfb (e2e/browser/), one browser session: a
# cookie-protected attachment is handed to the running Haul through the native messaging host
# (byte-exact, one copy, nothing staged), the browser keeps it when the host manifest is
# missing, and the host starts Haul when none runs; the same hand-off from Firefox ESR with
# the extension as an unsigned .xpi. Plus the host's stdout framing.
test-browser: deps-browser build
	HAUL_E2E_BIN=$(CURDIR)/$(BIN) $(GO) test -count=1 -timeout 3m -v -run 'TestBrowser|TestFirefox|TestHost' ./e2e/browser/

# Rewrites docs/window.png, docs/add-dialog.png, docs/settings.png, docs/window-zh.png (LANG=zh_CN),
# docs/schedule.png, docs/schedule-status.png, docs/countdown.png
# and docs/notification.png (drawn by dunst) from the real app; docs/categories.png and
# docs/settings-sites.png (+ settings-site-edit.png), change-link.png, verified-details.png and
# waiting-link.png from the window on Fyne's test driver.
docs-shots: deps-docs build
	HAUL_E2E_BIN=$(CURDIR)/$(BIN) HAUL_DOCS_SHOTS=$(CURDIR)/docs \
		$(GO) test -count=1 -timeout 3m -v -run 'TestDocs|TestDesktopNoTray' ./e2e/desktop/
	HAUL_ORGANIZE_SHOTS=$(CURDIR)/docs $(GO) test -count=1 -run 'TestOrganizeScreenshots' ./gui/
	HAUL_SCREENSHOT_CHANGELINK=$(CURDIR)/docs/change-link.png HAUL_SCREENSHOT_VERIFIED=$(CURDIR)/docs/verified-details.png \
		HAUL_SCREENSHOT_WAITING=$(CURDIR)/docs/waiting-link.png $(GO) test -count=1 -run 'TestLinkScreenshots' ./gui/

# Linux bundle: bin/Haul.tar.xz (usr/local/bin/haul and hauld, the .desktop entry, the icon, and
# a Makefile to install them). scripts/package-linux.sh runs fyne package, which builds haul
# with $(STAMP) (taken from GOFLAGS), adds hauld built to match it, so the installed `haul get`
# hands its downloads to hauld, and checks the pair. fyne package reads FyneApp.toml and bumps
# its Build number on every run: the file is put back so packaging leaves the tree as it was.
# The fyne tool is pinned and installed into bin/, not into GOPATH. ~3.5 min cold (a release
# build of its own). `make package-check` tests the tarball's install.
FYNE_TOOL := $(CURDIR)/bin/fyne
package:
	@scripts/deps.sh package
	@[ -x $(FYNE_TOOL) ] || GOBIN=$(CURDIR)/bin $(GO) install fyne.io/tools/cmd/fyne@v1.7.4
	GO=$(GO) scripts/package-linux.sh $(FYNE_TOOL) $(SOURCE_ID)
	@ls -l bin/Haul.tar.xz
	@$(MAKE) --no-print-directory package-extension

# Installs bin/Haul.tar.xz with its own Makefile into a temporary folder and runs
# TestE2EGetRunsInHauld on the installed haul: `haul get` must run as the hauld beside it.
# Not part of make test (make package takes minutes); run it after make package.
package-check:
	@GO=$(GO) scripts/package-check.sh bin/Haul.tar.xz

# Haul's browser extension as one archive: unpacked for Chromium-family browsers (unzip, then
# chrome://extensions → Developer mode → Load unpacked), and as an unsigned .xpi for Firefox
# (about:debugging → Load Temporary Add-on, or ESR/Developer Edition with signatures off).
# docs/packaging.md has the steps. The manifest's key keeps the Chromium ID the host allows.
package-extension:
	@scripts/deps.sh package
	@mkdir -p bin && rm -f bin/haul-extension.zip
	@cd browser/extension && zip -qr -X ../../bin/haul-extension.zip . -x '.*'
	@cp bin/haul-extension.zip bin/haul-extension.xpi
	@ls -l bin/haul-extension.zip bin/haul-extension.xpi
	@echo "Extension: unzip bin/haul-extension.zip and load the folder unpacked (Chromium, Chrome, Brave, Edge, Vivaldi), or load bin/haul-extension.xpi in Firefox; see docs/packaging.md."

# Windows: bin/haul.exe, cross-built with mingw-w64 (a GUI-subsystem binary, no console).
package-windows:
	@scripts/deps.sh windows
	CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc \
		$(GO) build -trimpath -ldflags='-s -w -H=windowsgui' -o bin/haul.exe .
	@ls -l bin/haul.exe

# The long crash loop: 100 SIGKILLs over rounds of 6 files; prints kills survived, mismatches,
# bytes served / size. CHAOS_KILLS, CHAOS_FILES; HAUL_CHAOS_SEED=N repeats a run's random choices.
# Then CHAOS_FINISH_KILLS (50) kills aimed in turn at probing, transferring, verify, rename and
# commit, each followed by a rerun, reported per phase apart from the random kills.
chaos: build
	HAUL_E2E_BIN=$(CURDIR)/$(BIN) HAUL_CHAOS_KILLS=$(or $(CHAOS_KILLS),100) HAUL_CHAOS_FILES=$(or $(CHAOS_FILES),6) \
		HAUL_CHAOS_FINISH_KILLS=$(or $(CHAOS_FINISH_KILLS),50) \
		$(GO) test -count=1 -timeout 60m -v -run 'TestE2ECrashLoop|TestE2EFinishKillLoop' ./e2e/

# hauld for servers: static (CGO_ENABLED=0) release builds for linux/amd64, linux/arm64 and
# windows/amd64 into bin/headless/, and their sizes.
HEADLESS_TARGETS := linux/amd64 linux/arm64 windows/amd64
package-headless:
	@mkdir -p bin/headless
	@for t in $(HEADLESS_TARGETS); do \
		os=$${t%%/*}; arch=$${t##*/}; ext=; [ $$os = windows ] && ext=.exe; \
		out=bin/headless/hauld-$$os-$$arch$$ext; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -ldflags='-s -w' -o $$out ./cmd/hauld || exit 1; \
		awk -v f=$$out -v n=$$(stat -c %s $$out) 'BEGIN { printf "%-36s %6.1f MiB (%d bytes)\n", f, n / 1048576, n }'; \
	done

# Haul against curl, aria2c and axel, as ratios (bench/; writes docs/benchmarks.md).
# BENCH_SIZE (256M), BENCH_ROUNDS (3), BENCH_SCENARIOS (1,2,3a,3b,3c,4,5,5b; "idle" alone: only the idle window), BENCH_TOOLS, BENCH_WAN_SIZE,
# BENCH_IDLE (60s per idle mode; 0 skips it), BENCH_BASELINE (another haul binary, run side by side
# as tool haulbase to judge an engine change in one run), BENCH_TRACE (a folder for per-run timelines).
BENCH_ENV = $(foreach v,BENCH_SIZE BENCH_ROUNDS BENCH_SCENARIOS BENCH_TOOLS BENCH_WAN_SIZE BENCH_IDLE BENCH_BASELINE,$(if $($(v)),$(v)=$($(v)) ))
bench:
	@scripts/deps.sh bench
	$(GO) build $(STAMP) -o $(BIN) .
	CGO_ENABLED=0 $(GO) build $(STAMP) -o $(HAULD) ./cmd/hauld
	$(GO) build -o bin/bench ./bench
	$(GO) build -o bin/idlefloor ./bench/idlefloor
	./bin/bench -haul $(BIN) -out docs/benchmarks.md -reproduce "$(BENCH_ENV)make bench"

# A tiny bench (8 MiB, one round, scenarios 1, 2, 4, 5): fails only on a Haul failure or a bad checksum.
bench-smoke:
	$(GO) build -o $(BIN) .
	$(GO) build -o bin/bench ./bench
	./bin/bench -smoke -haul $(BIN)

clean:
	rm -rf bin
