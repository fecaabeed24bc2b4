"use strict";
// What drive.js, clients.js, links.js and e2e/hauld/testdata/client.js
// share: failing with a message, an overall time budget, and recording the
// notifications a client hears.

function fail(msg) {
  process.stderr.write(`jsclient: ${msg}\n`);
  process.exit(1);
}

function check(cond, msg) {
  if (!cond) throw new Error(msg);
}

// A hung server must not hang the test run: the whole script has a
// budget. Returns the timer, for clearTimeout on success.
function budget(seconds) {
  return setTimeout(() => {
    process.stderr.write(`jsclient: timed out after ${seconds} s\n`);
    process.exit(2);
  }, Number(seconds) * 1000);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const notifications = [
  "onDownloadStart",
  "onDownloadPause",
  "onDownloadStop",
  "onDownloadComplete",
  "onDownloadError",
];

// listen records every notification client hears, from the start:
// notifications can arrive before the addUri answer that names the gid,
// so waits look back at the record. wait(event, gid) resolves once it was
// heard and rejects on onDownloadError for that gid; eventsOf(gid) lists
// what was heard for it.
function listen(client) {
  const seen = []; // [{event, gid}]
  const waiters = new Set();
  for (const event of notifications) {
    client.on(event, (params) => {
      seen.push({ event, gid: params && params[0] && params[0].gid });
      for (const w of waiters) w();
    });
  }
  const wait = (event, gid) =>
    new Promise((resolve, reject) => {
      const w = () => {
        if (seen.some((e) => e.event === event && e.gid === gid)) {
          waiters.delete(w);
          resolve();
        } else if (
          event !== "onDownloadError" &&
          seen.some((e) => e.event === "onDownloadError" && e.gid === gid)
        ) {
          waiters.delete(w);
          reject(new Error(`${gid}: onDownloadError while waiting for ${event}`));
        }
      };
      waiters.add(w);
      w();
    });
  const eventsOf = (gid) => seen.filter((e) => e.gid === gid).map((e) => e.event);
  return { wait, eventsOf };
}

// finish runs main, prints its summary as one JSON line and stops the
// budget timer; a failure exits non-zero with the stack.
function finish(main, timer) {
  main().then(
    (summary) => {
      clearTimeout(timer);
      process.stdout.write(JSON.stringify(summary) + "\n");
    },
    (err) => fail(err && err.stack ? err.stack : String(err))
  );
}

module.exports = { fail, check, budget, sleep, listen, finish };
