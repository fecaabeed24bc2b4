"use strict";
// Drives Haul with the unmodified npm "aria2" client the way real clients
// use aria2's RPC beyond the basics (rpc/jsclient_test.go,
// TestNpmAria2ClientOptions): a listen-only WebSocket, pages opened from a
// file (Origin: null), and the options extensions and AriaNg set.
//
// node clients.js --port N --null-port M --secret S --dir D --file URL \
//   --auth URL --user U --passwd P --proxy URL --limited URL --limit-bytes B
//
// --port is a Haul with default settings, --null-port the same Haul
// started with --rpc-allow-origin null. stdout gets one JSON line on
// success; any failure exits non-zero with a message on stderr.

const { parseArgs } = require("node:util");
const Aria2 = require("aria2");
const WebSocket = require("ws");
const nodeFetch = require("node-fetch");
const { fail, check, budget, sleep, listen, finish } = require("./common");

const { values: arg } = parseArgs({
  options: {
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "string" },
    "null-port": { type: "string" },
    secret: { type: "string" },
    dir: { type: "string" },
    file: { type: "string" },
    auth: { type: "string" },
    user: { type: "string" },
    passwd: { type: "string" },
    proxy: { type: "string" },
    limited: { type: "string" },
    "limit-bytes": { type: "string" },
    timeout: { type: "string", default: "60" },
  },
});
for (const k of ["port", "null-port", "secret", "dir", "file", "auth", "user", "passwd", "proxy", "limited", "limit-bytes"]) {
  if (!arg[k]) fail(`missing --${k}`);
}

const timer = budget(arg.timeout);

const opts = { host: arg.host, port: Number(arg.port), secret: arg.secret };
const url = (port, scheme) => `${scheme}://${arg.host}:${port}/jsonrpc`;

// The WebSocket and fetch a page opened from a file would use: every
// request says Origin: null.
class NullOriginWebSocket extends WebSocket {
  constructor(address, protocols) {
    super(address, protocols, { origin: "null" });
  }
}
const nullOriginFetch = (u, init) =>
  nodeFetch(u, { ...init, headers: { ...(init && init.headers), Origin: "null" } });

// wsStatus opens a raw WebSocket with an Origin and reports the HTTP
// status of the handshake (101 when it was accepted).
function wsStatus(port, origin) {
  return new Promise((resolve) => {
    const ws = new WebSocket(url(port, "ws"), { origin });
    ws.on("open", () => {
      ws.close();
      resolve(101);
    });
    ws.on("unexpected-response", (_req, res) => {
      resolve(res.statusCode);
      ws.terminate();
    });
    ws.on("error", () => resolve(0));
  });
}

async function main() {
  const summary = {};
  const http = new Aria2(opts);

  // 1. A client that only listens hears of a completion.
  const listener = new Aria2(opts);
  const heard = listen(listener);
  await listener.open();
  const listenGid = await http.call("addUri", [arg.file], { dir: arg.dir, out: "listened.bin" });
  await heard.wait("onDownloadComplete", listenGid);
  summary.listenOnly = heard.eventsOf(listenGid);
  await listener.close();

  // 2. Origin: null is refused by default, on POST and WebSocket alike,
  // and answered by the Haul that allows it.
  const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "aria2.getVersion", params: ["token:" + arg.secret] });
  const post = (port) =>
    nodeFetch(url(port, "http"), { method: "POST", body, headers: { Origin: "null", "Content-Type": "application/json" } });
  summary.nullDefault = { post: (await post(arg.port)).status, ws: await wsStatus(arg.port, "null") };
  const fromFile = new Aria2({ ...opts, port: Number(arg["null-port"]), WebSocket: NullOriginWebSocket, fetch: nullOriginFetch });
  const viaHTTP = await fromFile.call("getVersion");
  await fromFile.open();
  const viaWS = await fromFile.call("getVersion");
  await fromFile.close();
  summary.nullAllowed = { post: (await post(arg["null-port"])).status, http: viaHTTP.version, ws: viaWS.version };

  // 3. Options: Basic auth, out with a folder, all-proxy. One socket
  // carries the calls and hears the notifications.
  const aria2 = new Aria2(opts);
  const events = listen(aria2);
  await aria2.open();
  const add = async (uri, options) => {
    const gid = await aria2.call("addUri", [uri], { dir: arg.dir, ...options });
    await events.wait("onDownloadComplete", gid);
    return aria2.call("tellStatus", gid, ["status", "files"]);
  };
  summary.auth = (await add(arg.auth, { "http-user": arg.user, "http-passwd": arg.passwd, out: "auth.bin" })).files[0].path;
  summary.out = (await add(arg.file, { out: "sub/deeper/out.bin" })).files[0].path;
  summary.proxy = (await add(arg.file, { "all-proxy": arg.proxy, out: "proxied.bin" })).files[0].path;

  // 4. changeOption max-download-limit on a running download: start it at
  // four times the limit, lower it, and measure the pace after a second
  // to settle.
  const want = Number(arg["limit-bytes"]);
  const limitedGid = await aria2.call("addUri", [arg.limited], {
    dir: arg.dir,
    out: "limited.bin",
    "max-download-limit": String(4 * want),
  });
  await events.wait("onDownloadStart", limitedGid);
  check((await aria2.call("changeOption", limitedGid, { "max-download-limit": String(want) })) === "OK", "changeOption");
  await sleep(1000);
  const sample = async () => {
    const st = await aria2.call("tellStatus", limitedGid, ["completedLength", "status"]);
    check(st.status === "active", `limited download ${st.status} while measured`);
    return { t: process.hrtime.bigint(), done: Number(st.completedLength) };
  };
  const a = await sample();
  await sleep(4000);
  const b = await sample();
  summary.measuredRate = Math.round((b.done - a.done) / (Number(b.t - a.t) / 1e9));
  const opt = await aria2.call("getOption", limitedGid);
  summary.limitOption = opt["max-download-limit"];
  await aria2.call("forceRemove", limitedGid);

  await aria2.close();
  return summary;
}

finish(main, timer);
