'use strict';
const api = globalThis.browser ?? globalThis.chrome;
const msg = (key, ...subs) => api.i18n.getMessage(key, subs.map(String)) || key;
const DEFAULTS = {enabled: true, minSizeMiB: 0, skipTypes: '', skipSites: '', bypassKey: 'alt', folder: ''};

for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = msg(el.dataset.i18n);

function showStatus(s) {
  const el = document.getElementById('status');
  if (!s) { el.textContent = ''; el.className = 'status'; return; }
  el.className = 'status ' + (s.ok ? 'ok' : 'bad');
  el.textContent = s.ok ? msg('statusOK', s.version ?? '') : msg('statusBad', s.message ?? s.error ?? '');
}

async function load() {
  const s = {...DEFAULTS, ...(await api.storage.local.get([...Object.keys(DEFAULTS), 'hostStatus', 'lastResult']))};
  for (const k of Object.keys(DEFAULTS)) {
    const el = document.getElementById(k);
    if (el.type === 'checkbox') el.checked = s[k]; else el.value = s[k];
    el.addEventListener('change', save);
  }
  showStatus(s.hostStatus);
  if (s.lastResult && !s.lastResult.ok) {
    document.getElementById('last').textContent = msg('lastProblem', new Date(s.lastResult.time).toLocaleString(), s.lastResult.message);
  }
}

async function save() {
  const out = {};
  for (const k of Object.keys(DEFAULTS)) {
    const el = document.getElementById(k);
    out[k] = el.type === 'checkbox' ? el.checked : el.type === 'number' ? Math.max(0, Number(el.value) || 0) : el.value.trim();
  }
  await api.storage.local.set(out);
}

document.getElementById('test').addEventListener('click', async () => {
  let reply;
  try {
    reply = await api.runtime.sendNativeMessage('app.haul.host', {type: 'ping'});
  } catch (e) {
    reply = {ok: false, message: /not found|no such native application/i.test(String(e?.message)) ? msg('errNoHost') : String(e?.message ?? e)};
  }
  showStatus(reply);
});

// Firefox grants an MV3 extension's host permissions only when the user
// agrees; without them the browser's cookies cannot travel with a download.
async function checkAccess() {
  const ok = await api.permissions.contains({origins: ['<all_urls>']});
  document.getElementById('access').hidden = ok;
}
document.getElementById('grant').addEventListener('click', async () => {
  await api.permissions.request({origins: ['<all_urls>']});
  checkAccess();
});

load();
checkAccess();
