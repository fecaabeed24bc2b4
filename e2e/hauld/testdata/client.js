"use strict";
// Drives a running `hauld serve` through the unmodified npm "aria2" client
// (installed in rpc/jsclient, whose common.js it shares; hauld_test.go
// runs this with NODE_PATH pointing there). Two phases, one per hauld
// process:
//
// node client.js --phase start --port N --secret S --dir D --fast URL --slow URL
//   a wrong secret is refused; addUri(fast) → onDownloadComplete;
//   addUri(slow) and wait until a third of it is in; prints {fast, slow} gids.
// node client.js --phase continue --port N --secret S --gid G
//   after a restart: tellStatus(G) must be active with bytes kept, then
//   onDownloadComplete; prints what it saw.
//
// Any mismatch, error or the timeout exits non-zero with a message on
// stderr; stdout gets exactly one JSON line on success.

const { parseArgs } = require("node:util");
const Aria2 = require("aria2");
const { check, budget, sleep, listen, finish } = require("../../../rpc/jsclient/common");

const { values: arg } = parseArgs({
  options: {
    phase: { type: "string" },
    port: { type: "string" },
    secret: { type: "string" },
    dir: { type: "string" },
    fast: { type: "string" },
    slow: { type: "string" },
    gid: { type: "string" },
    timeout: { type: "string", default: "60" },
  },
});

const timer = budget(arg.timeout);

// connect opens the socket; waitEvent looks back at every notification
// heard from the start, as one can arrive before the answer naming its gid.
async function connect(opts) {
  const aria2 = new Aria2(opts);
  const { wait: waitEvent } = listen(aria2);
  await aria2.open();
  await aria2.call("getVersion"); // notifications start after an authorised call
  return { aria2, waitEvent };
}

async function start(opts) {
  const out = {};
  const intruder = new Aria2({ ...opts, secret: "" });
  try {
    await intruder.call("getVersion");
    throw new Error("a call without the secret was answered");
  } catch (err) {
    check(err.name === "JSONRPCError", `no secret: unexpected ${err.stack || err}`);
    out.unauthorized = err.message;
  }
  const { aria2, waitEvent } = await connect(opts);
  out.fast = await aria2.call("addUri", [arg.fast], { dir: arg.dir, out: "fast.bin", split: "4" });
  await waitEvent("onDownloadComplete", out.fast);
  const fast = await aria2.call("tellStatus", out.fast, ["status", "completedLength", "totalLength"]);
  check(fast.status === "complete", `fast status ${fast.status}`);

  out.slow = await aria2.call("addUri", [arg.slow], { dir: arg.dir, out: "slow.bin", split: "2" });
  for (;;) {
    const s = await aria2.call("tellStatus", out.slow, ["status", "completedLength", "totalLength"]);
    check(s.status === "active" || s.status === "waiting", `slow status ${s.status} before the stop`);
    // A third of the file first, so the restart has real progress to keep.
    if (Number(s.completedLength) * 3 >= Number(s.totalLength) && Number(s.totalLength) > 0) {
      check(Number(s.completedLength) < Number(s.totalLength), "slow finished before the stop");
      out.slowDone = s.completedLength;
      break;
    }
    await sleep(50);
  }
  await aria2.close();
  return out;
}

async function resume(opts) {
  const { aria2, waitEvent } = await connect(opts);
  const s = await aria2.call("tellStatus", arg.gid, ["status", "completedLength", "totalLength"]);
  const out = { statusAtStart: s.status, doneAtStart: s.completedLength };
  if (s.status !== "complete") {
    check(s.status === "active" || s.status === "waiting", `after the restart: status ${s.status}`);
    await waitEvent("onDownloadComplete", arg.gid);
  }
  const end = await aria2.call("tellStatus", arg.gid, ["status", "completedLength", "totalLength", "files"]);
  check(end.status === "complete", `end status ${end.status}`);
  out.path = end.files[0].path;
  await aria2.close();
  return out;
}

const opts = { host: "127.0.0.1", port: Number(arg.port), secret: arg.secret };
finish(() => (arg.phase === "start" ? start(opts) : resume(opts)), timer);
