// Haul's extension: hands the browser's downloads to Haul through the native
// messaging host app.haul.host, and gives them back to the browser whenever
// Haul refuses or cannot be reached, so no download is ever lost.
//
// Every listener is registered at the top level, synchronously: a download
// that wakes the service worker must find its listener in place.
'use strict';

const api = globalThis.browser ?? globalThis.chrome;
const HOST = 'app.haul.host';
// Chromium can hold a download while its name is decided; Firefox cannot,
// so there the download is cancelled at once and restarted if Haul fails.
const CAN_HOLD = !!(globalThis.chrome?.downloads?.onDeterminingFilename);
const DEFAULTS = {enabled: true, minSizeMiB: 0, skipTypes: '', skipSites: '', bypassKey: 'alt', folder: ''};
const BYPASS_MS = 10000;

const msg = (key, ...subs) => api.i18n.getMessage(key, subs.map(String)) || key;

async function settings() {
  return {...DEFAULTS, ...(await api.storage.local.get(Object.keys(DEFAULTS)))};
}

// browserName tells the host which browser this is, for Haul's Settings.
function browserName() {
  if (!CAN_HOLD) return 'firefox';
  const brands = navigator.userAgentData?.brands ?? [];
  const own = brands.find((b) => !/not.?a.?brand|^chromium$/i.test(b.brand));
  return own ? own.brand : 'Chromium';
}

// native sends one message to the host. It resolves to the host's reply,
// or to {ok:false, error} when the host cannot be started or failed.
async function native(message) {
  try {
    return await api.runtime.sendNativeMessage(HOST, {browser: browserName(), ...message});
  } catch (e) {
    const text = String(e?.message ?? e);
    // The browsers' sentences are the only signal there is.
    if (/not found|no such native application/i.test(text)) return {ok: false, error: 'no-host', message: text};
    if (/forbidden/i.test(text)) return {ok: false, error: 'forbidden', message: text};
    return {ok: false, error: 'host-failed', message: text};
  }
}

// explain is the sentence for a failed reply, in the browser's language.
function explain(reply) {
  switch (reply.error) {
    case 'no-host': return msg('errNoHost');
    case 'forbidden': return msg('errForbidden');
    case 'refused': return msg('errRefused', reply.message ?? '');
    case 'unavailable': return msg('errUnavailable', reply.message ?? '');
    case 'bad-request': return msg('errBadRequest', reply.message ?? '');
    default: return msg('errHostFailed', reply.message ?? reply.error ?? '');
  }
}

async function record(result) {
  await api.storage.local.set({lastResult: {...result, time: Date.now()}});
  await api.action.setBadgeText({text: result.ok ? '' : '!'});
}

async function notify(text) {
  try {
    await api.notifications.create({type: 'basic', iconUrl: api.runtime.getURL('icons/icon-128.png'), title: msg('extName'), message: text});
  } catch (_) { /* notifications may be off; the badge and options page still say it */ }
}

// hello is the worker's first word to the host: Haul records the contact
// (Settings → Browser → "Extension last seen") and the options page shows
// whether Haul is reachable.
async function hello() {
  const reply = await native({type: 'hello'});
  await api.storage.local.set({hostStatus: {...reply, time: Date.now()}});
  await api.action.setBadgeText({text: reply.ok ? '' : '!'});
}
hello();
// An event page (Firefox) or service worker that is asleep when the browser
// starts wakes for onStartup; the top-level hello above then runs.
api.runtime.onStartup.addListener(() => {});

// --- Which downloads Haul takes -------------------------------------------

function listOf(text) {
  return String(text).split(/[\s,;]+/).map((s) => s.trim().toLowerCase().replace(/^\*?\./, '')).filter(Boolean);
}

function hostOf(url) {
  try { return new URL(url).hostname.toLowerCase(); } catch (_) { return ''; }
}

function extensionOf(name) {
  const base = String(name).split(/[\\/]/).pop();
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

// bypassed reports (and uses up) a recent click with the "let the browser
// have it" key held, or a download this extension gave back to the browser.
async function bypassed(url) {
  const {bypassUntil = 0, givenBack = []} = await api.storage.session.get(['bypassUntil', 'givenBack']);
  if (givenBack.includes(url)) {
    await api.storage.session.set({givenBack: givenBack.filter((u) => u !== url)});
    return true;
  }
  if (bypassUntil > Date.now()) {
    await api.storage.session.set({bypassUntil: 0});
    return true;
  }
  return false;
}

async function wanted(item, s) {
  const url = item.finalUrl || item.url;
  if (!s.enabled || item.incognito || !/^https?:/i.test(url)) return false;
  // bypassed first: it also uses up the mark of a download given back.
  if (await bypassed(url)) return false;
  if (item.byExtensionId && item.byExtensionId === api.runtime.id) return false;
  const size = item.fileSize > 0 ? item.fileSize : item.totalBytes;
  if (s.minSizeMiB > 0 && size > 0 && size < s.minSizeMiB * 1048576) return false;
  const types = listOf(s.skipTypes);
  const ext = extensionOf(item.filename || new URL(url).pathname);
  if (types.length && (types.includes(ext) || (item.mime && types.includes(item.mime.toLowerCase())))) return false;
  const host = hostOf(url);
  const refHost = hostOf(item.referrer || '');
  for (const site of listOf(s.skipSites)) {
    for (const h of [host, refHost]) {
      if (h && (h === site || h.endsWith('.' + site))) return false;
    }
  }
  return true;
}

// handOver asks Haul to take the download; cookies travel with it and are
// never stored by the extension.
async function handOver(d, s) {
  let cookies = [];
  try {
    cookies = (await api.cookies.getAll({url: d.url})).map((c) => ({name: c.name, value: c.value}));
  } catch (_) { /* no cookies: the server decides */ }
  return native({type: 'download', download: {
    url: d.url, referrer: d.referrer || '', filename: d.filename || '', fileSize: d.fileSize > 0 ? d.fileSize : 0,
    mime: d.mime || '', userAgent: navigator.userAgent, cookies, folder: s.folder || '',
  }});
}

function itemDownload(item) {
  return {url: item.finalUrl || item.url, referrer: item.referrer, filename: (item.filename || '').split(/[\\/]/).pop(),
    fileSize: item.fileSize > 0 ? item.fileSize : item.totalBytes, mime: item.mime};
}

async function afterReply(reply, url) {
  await record({ok: reply.ok, url, error: reply.error, message: reply.ok ? '' : explain(reply)});
  if (!reply.ok) await notify(explain(reply));
  else if (reply.queued) await notify(msg('queued'));
}

// Chromium: hold the item while its name is decided, ask Haul, then either
// cancel and erase the browser's item (Haul has it) or let it go on.
async function determine(item, suggest) {
  let release = () => { release = () => {}; suggest(); };
  try {
    const s = await settings();
    if (!(await wanted(item, s))) return release();
    const d = itemDownload(item);
    const reply = await handOver(d, s);
    if (reply.ok) {
      await api.downloads.cancel(item.id);
      await api.downloads.erase({id: item.id});
    } else {
      release();
    }
    await afterReply(reply, d.url);
  } catch (e) {
    release();
    await record({ok: false, error: 'host-failed', message: String(e?.message ?? e)});
  }
}

// Firefox: the download has started; stop it at once, and start it again
// in the browser when Haul does not take it.
async function created(item) {
  const s = await settings();
  if (item.state !== 'in_progress' || !(await wanted(item, s))) return;
  await api.downloads.cancel(item.id);
  await api.downloads.erase({id: item.id});
  const d = itemDownload(item);
  const reply = await handOver(d, s);
  if (!reply.ok) await giveBack(d.url, d.filename);
  await afterReply(reply, d.url);
}

async function giveBack(url, filename) {
  const {givenBack = []} = await api.storage.session.get('givenBack');
  await api.storage.session.set({givenBack: [...givenBack, url]});
  await api.downloads.download(filename ? {url, filename} : {url});
}

if (CAN_HOLD) {
  chrome.downloads.onDeterminingFilename.addListener((item, suggest) => {
    determine(item, suggest);
    return true; // suggest is called later, or never when Haul took it
  });
} else {
  api.downloads.onCreated.addListener((item) => { created(item); });
}

// --- The "let the browser have it" key, from bypass.js ---------------------

api.runtime.onMessage.addListener((m, sender) => {
  if (m?.type === 'bypass' && sender.id === api.runtime.id) {
    api.storage.session.set({bypassUntil: Date.now() + BYPASS_MS});
  }
});

// --- Context menus ----------------------------------------------------------

api.runtime.onInstalled.addListener(async () => {
  // Firefox leaves MV3 host permissions to the user: ask on the options page.
  if (!(await api.permissions.contains({origins: ['<all_urls>']}))) api.runtime.openOptionsPage();
  api.contextMenus.removeAll(() => {
    api.contextMenus.create({id: 'haul-link', title: msg('menuLink'), contexts: ['link']});
    api.contextMenus.create({id: 'haul-selection', title: msg('menuSelection'), contexts: ['selection']});
  });
});

// selectedLinks runs in the page: the http(s) links inside the selection.
function selectedLinks() {
  const sel = getSelection();
  const out = new Set();
  for (let i = 0; i < sel.rangeCount; i++) {
    const range = sel.getRangeAt(i);
    for (const a of document.querySelectorAll('a[href]')) {
      if (range.intersectsNode(a) && /^https?:/i.test(a.href)) out.add(a.href);
    }
  }
  return [...out];
}

async function menuClicked(info, tab) {
  const s = await settings();
  if (info.menuItemId === 'haul-link') {
    const reply = await handOver({url: info.linkUrl, referrer: info.pageUrl}, s);
    if (!reply.ok) await giveBack(info.linkUrl, '');
    return afterReply(reply, info.linkUrl);
  }
  if (info.menuItemId !== 'haul-selection' || !tab?.id) return;
  const [res] = await api.scripting.executeScript({target: {tabId: tab.id, frameIds: [info.frameId ?? 0]}, func: selectedLinks});
  const links = res?.result ?? [];
  if (!links.length) return notify(msg('noLinks'));
  let taken = 0;
  let last = null;
  for (const url of links) {
    const reply = await handOver({url, referrer: info.pageUrl}, s);
    if (reply.ok) taken++; else last = reply;
  }
  await record({ok: !last, error: last?.error, message: last ? explain(last) : ''});
  await notify(last ? msg('someFailed', links.length - taken, links.length, explain(last)) : msg('handedLinks', taken));
}
api.contextMenus.onClicked.addListener((info, tab) => { menuClicked(info, tab); });

api.action.onClicked.addListener(() => api.runtime.openOptionsPage());
