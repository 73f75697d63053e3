/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
// Keeps the app shell on the phone so a reload on flaky venue Wi-Fi still opens the table;
// the table's data itself comes from IndexedDB (y-indexeddb) via the sync client.
import { assets, immutable } from '$app/manifest';
import { version } from '$app/env';

const worker = self as unknown as ServiceWorkerGlobalScope;
const CACHE = `tablemap-participant-${version}`;
const SHELL = '/table';
const ASSETS = [...immutable, ...assets].map((file) => `/${file.path.replace(/^\//, '')}`);

worker.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll([...ASSETS, SHELL]))
      .then(() => worker.skipWaiting()),
  );
});

worker.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith('tablemap-participant-') && key !== CACHE).map((key) => caches.delete(key))))
      .then(() => worker.clients.claim()),
  );
});

worker.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/sync/')) return;

  if (ASSETS.includes(url.pathname)) {
    // Built files are immutable: cache first.
    event.respondWith(caches.match(url.pathname).then((hit) => hit ?? fetch(request)));
    return;
  }
  if (request.mode === 'navigate') {
    // Pages: network first, falling back to the cached shell (the app routes on the client).
    event.respondWith(
      fetch(request)
        .then(async (response) => {
          if (response.ok) (await caches.open(CACHE)).put(request, response.clone());
          return response;
        })
        .catch(async () => (await caches.match(request)) ?? (await caches.match(SHELL)) ?? Response.error()),
    );
  }
});
