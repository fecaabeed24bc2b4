"use strict";
// Drives Haul's link features through the unmodified npm "aria2" client
// (rpc/jsclient_test.go, TestNpmAria2ClientLinks): addUri with a mirror,
// changeUri answering [deleted, added], a link that expires reading as
// paused with its sentence, a link to another file refused, unpause after
// a fresh link, and tellStatus' verified.
//
// node links.js --port N --secret S --dir D --link URL --mirror URL \
//   --other URL --fresh URL
//
// The test expires --link once the download is under way. stdout gets
// one JSON line on success; any failure exits non-zero with a message.

const { parseArgs } = require("node:util");
const Aria2 = require("aria2");
const { fail, check, budget, listen, finish } = require("./common");

const { values: arg } = parseArgs({
  options: {
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "string" },
    secret: { type: "string" },
    dir: { type: "string" },
    link: { type: "string" },
    mirror: { type: "string" },
    other: { type: "string" },
    fresh: { type: "string" },
    timeout: { type: "string", default: "60" },
  },
});
for (const k of ["port", "secret", "dir", "link", "mirror", "other", "fresh"]) {
  if (!arg[k]) fail(`missing --${k}`);
}

const timer = budget(arg.timeout);

async function main() {
  const summary = {};
  const aria2 = new Aria2({ host: arg.host, port: Number(arg.port), secret: arg.secret });
  const { wait: waitEvent, eventsOf } = listen(aria2);
  await aria2.open();

  // Two URIs of one file, as aria2 takes mirrors.
  const gid = await aria2.call("addUri", [arg.link, arg.mirror], { dir: arg.dir, split: "4" });
  summary.gid = gid;
  summary.uris = (await aria2.call("getUris", gid)).map((u) => u.status);
  // The mirror goes, so the expiry is what stops the download.
  summary.dropMirror = await aria2.call("changeUri", gid, 1, [arg.mirror], []);

  await waitEvent("onDownloadPause", gid);
  const paused = await aria2.call("tellStatus", gid, ["status", "errorMessage"]);
  summary.pausedStatus = paused.status;
  summary.pausedMessage = paused.errorMessage;

  try {
    await aria2.call("changeUri", gid, 1, [arg.link], [arg.other]);
    throw new Error("changeUri to another file was accepted");
  } catch (err) {
    check(err.name === "JSONRPCError", `changeUri to another file: ${err.stack || err}`);
    summary.refused = err.message;
  }
  summary.changed = await aria2.call("changeUri", gid, 1, [arg.link], [arg.fresh]);
  summary.unpause = await aria2.call("unpause", gid);
  await waitEvent("onDownloadComplete", gid);
  const done = await aria2.call("tellStatus", gid);
  summary.status = done.status;
  summary.verified = done.verified;
  summary.path = done.files[0].path;
  summary.events = eventsOf(gid);
  await aria2.close();
  return summary;
}

finish(main, timer);
