"use strict";
// Drives a running Haul through the unmodified npm "aria2" client, the way
// a web front end or browser extension would. rpc/jsclient_test.go starts
// Haul and the local file servers, runs this script, and checks the JSON
// summary it prints plus the downloaded files.
//
// node drive.js --port N --secret S --dir D --fast URL --slow URL \
//   --limit 3M --limit-bytes 3145728
//
// Any mismatch, error or the overall timeout exits non-zero with a message
// on stderr; stdout gets exactly one JSON line on success.

const { parseArgs } = require("node:util");
const Aria2 = require("aria2");
const { fail, check, budget, sleep, listen, finish } = require("./common");

const { values: arg } = parseArgs({
  options: {
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "string" },
    secret: { type: "string" },
    dir: { type: "string" },
    fast: { type: "string" },
    slow: { type: "string" },
    limit: { type: "string", default: "3M" },
    "limit-bytes": { type: "string", default: "3145728" },
    timeout: { type: "string", default: "60" },
  },
});
for (const k of ["port", "secret", "dir", "fast", "slow"]) {
  if (!arg[k]) fail(`missing --${k}`);
}

const timer = budget(arg.timeout);

async function main() {
  const summary = {};
  const opts = { host: arg.host, port: Number(arg.port), secret: arg.secret };

  // A wrong secret, over HTTP (no socket opened): the library must reject
  // with aria2's own error text.
  const intruder = new Aria2({ ...opts, secret: arg.secret + "-wrong" });
  try {
    await intruder.call("getVersion");
    throw new Error("a call with a wrong secret was answered");
  } catch (err) {
    check(err.name === "JSONRPCError", `wrong secret: unexpected ${err.stack || err}`);
    summary.unauthorized = err.message;
  }
  check(summary.unauthorized === "Unauthorized", `wrong secret: message ${summary.unauthorized}`);

  // The right secret over HTTP works too, so the refusal above was about
  // the secret and not the transport.
  const http = new Aria2(opts);
  summary.httpVersion = (await http.call("getVersion")).version;

  const aria2 = new Aria2(opts);
  const { wait: waitEvent, eventsOf } = listen(aria2);
  let closing = false;
  aria2.on("close", () => {
    if (!closing) fail("the WebSocket closed unexpectedly");
  });
  await aria2.open();
  // getVersion over the socket: the library and the secret work on it.
  const version = await aria2.call("getVersion");
  check(typeof version.version === "string", `getVersion: ${JSON.stringify(version)}`);
  summary.version = version.version;

  // 1. A whole download: addUri, the completion notification, tellStatus.
  const fastGid = await aria2.call("addUri", [arg.fast], {
    dir: arg.dir,
    out: "fast.bin",
    split: "4",
  });
  check(/^[0-9a-f]{16}$/.test(fastGid), `addUri gid ${fastGid}`);
  await waitEvent("onDownloadComplete", fastGid);
  const fast = await aria2.call("tellStatus", fastGid);
  check(fast.gid === fastGid, `tellStatus gid ${fast.gid}`);
  check(fast.status === "complete", `fast status ${fast.status}`);
  check(
    fast.totalLength !== "0" && fast.completedLength === fast.totalLength,
    `fast lengths ${fast.completedLength}/${fast.totalLength}`
  );
  check(fast.dir === arg.dir, `fast dir ${fast.dir}`);
  summary.fast = {
    gid: fastGid,
    status: fast.status,
    totalLength: fast.totalLength,
    completedLength: fast.completedLength,
    path: fast.files && fast.files[0] && fast.files[0].path,
    events: eventsOf(fastGid),
  };

  // 2. Pause and unpause a download the server feeds slowly, so it is
  // still running when the pause arrives.
  const slowGid = await aria2.call("addUri", [arg.slow], {
    dir: arg.dir,
    out: "slow.bin",
    split: "1",
  });
  await waitEvent("onDownloadStart", slowGid);
  // Some bytes first, so the resume really continues a partial file.
  let before;
  for (;;) {
    before = await aria2.call("tellStatus", slowGid, ["status", "completedLength", "totalLength"]);
    if (Number(before.completedLength) > 0 || before.status !== "active") break;
    await sleep(50);
  }
  check(before.status === "active", `slow finished before the pause (${before.status})`);
  check(
    Number(before.completedLength) < Number(before.totalLength),
    `slow already complete before the pause`
  );
  check((await aria2.call("pause", slowGid)) === slowGid, "pause did not answer the gid");
  await waitEvent("onDownloadPause", slowGid);
  const paused = await aria2.call("tellStatus", slowGid, ["status", "completedLength", "totalLength"]);
  check(paused.status === "paused", `after pause: status ${paused.status}`);
  check(
    Number(paused.completedLength) < Number(paused.totalLength),
    `after pause: ${paused.completedLength}/${paused.totalLength}`
  );
  const waiting = await aria2.call("tellWaiting", 0, 10, ["gid", "status"]);
  check(
    waiting.some((t) => t.gid === slowGid && t.status === "paused"),
    `tellWaiting: ${JSON.stringify(waiting)}`
  );
  check((await aria2.call("unpause", slowGid)) === slowGid, "unpause did not answer the gid");
  await waitEvent("onDownloadComplete", slowGid);
  const slow = await aria2.call("tellStatus", slowGid);
  check(slow.status === "complete", `slow status ${slow.status}`);
  check(
    slow.totalLength !== "0" && slow.completedLength === slow.totalLength,
    `slow lengths ${slow.completedLength}/${slow.totalLength}`
  );
  summary.slow = {
    gid: slowGid,
    pausedStatus: paused.status,
    pausedAt: paused.completedLength,
    status: slow.status,
    totalLength: slow.totalLength,
    completedLength: slow.completedLength,
    path: slow.files && slow.files[0] && slow.files[0].path,
    events: eventsOf(slowGid),
  };

  // 3. Global options: change, then read back.
  const changed = await aria2.call("changeGlobalOption", {
    "max-concurrent-downloads": "2",
    "max-overall-download-limit": arg.limit,
  });
  check(changed === "OK", `changeGlobalOption: ${JSON.stringify(changed)}`);
  const global = await aria2.call("getGlobalOption");
  check(
    global["max-concurrent-downloads"] === "2",
    `max-concurrent-downloads ${global["max-concurrent-downloads"]}`
  );
  check(
    global["max-overall-download-limit"] === arg["limit-bytes"],
    `max-overall-download-limit ${global["max-overall-download-limit"]}, want ${arg["limit-bytes"]}`
  );
  summary.global = {
    "max-concurrent-downloads": global["max-concurrent-downloads"],
    "max-overall-download-limit": global["max-overall-download-limit"],
  };

  const stat = await aria2.call("getGlobalStat");
  summary.numStopped = stat.numStopped;

  closing = true;
  await aria2.close();
  return summary;
}

finish(main, timer);
