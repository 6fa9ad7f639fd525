// The offline field mode's service worker, served at /sw.js (scope: the whole app). build.mjs
// bundles it with SHELL, the app's own files of this build (index.html as "/", the script, the
// style, the fonts, the manifest and its icon), which it keeps at install in a cache named after
// the build. Pages are asked from the network first and fall back to the kept index.html (the
// app routes itself); the hashed files come from the cache first. Tiles and API reads go to the
// network and, when it fails, are answered from the caches: what a volunteer saved on a
// campaign's page ("Save this area for offline use", cache FIELD_CACHE, campaign_offline.js).
// Nothing is sent from here: the answers and reports made offline wait in IndexedDB and the page
// sends them (field_store.js).
/* global SHELL, SHELL_VERSION */
const shellCache = `sightline-shell-${SHELL_VERSION}`;
const fieldCache = 'sightline-field';

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(shellCache).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys())
      if (name.startsWith('sightline-shell-') && name !== shellCache) await caches.delete(name);
    await self.clients.claim();
  })());
});

// Tiles vary by Accept-Encoding, which a worker's request and the page's may not share.
async function fromCaches(request) {
  return (await caches.match(request, { cacheName: fieldCache, ignoreVary: true })) || caches.match(request, { ignoreVary: true });
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  // The app's own pages (not /embed, an API download or a photo) fall back to the kept page.
  const appPage = !/^\/(embed|api\/|tiles\/|photos\/|feeds\/|metrics|healthz)/.test(url.pathname);
  if (request.mode === 'navigate' && appPage) {
    event.respondWith(fetch(request).catch(async () => (await caches.match('/', { cacheName: shellCache })) || Response.error()));
    return;
  }
  if (url.pathname.startsWith('/assets/')) {
    event.respondWith(caches.match(request, { ignoreVary: true }).then((hit) => hit || fetch(request)));
    return;
  }
  if (url.pathname.startsWith('/tiles/') || url.pathname.startsWith('/api/v1/')) {
    event.respondWith(fetch(request).catch(async () => (await fromCaches(request)) || Response.error()));
  }
});
