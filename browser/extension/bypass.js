// Tells Haul's extension when a link is clicked with the "let the browser
// have this one" key held (Settings: Alt, Ctrl, Shift or none).
'use strict';
(() => {
  const api = globalThis.browser ?? globalThis.chrome;
  let key = 'alt';
  api.storage.local.get('bypassKey').then((s) => { key = s.bypassKey ?? 'alt'; }, () => {});
  api.storage.onChanged.addListener((c) => { if (c.bypassKey) key = c.bypassKey.newValue ?? 'alt'; });
  const check = (e) => {
    if (key !== 'none' && e[key + 'Key']) api.runtime.sendMessage({type: 'bypass'}).catch(() => {});
  };
  addEventListener('click', check, true);
  addEventListener('auxclick', check, true);
})();
