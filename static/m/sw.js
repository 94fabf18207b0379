/* Service worker of the technician pages (scope /m/): keeps the app shell and today's pages on the phone,
 * so a reload in a basement still shows the route and the job pages.
 *
 * - shell (CSS, JS): cache first, one cache per version (?v= digest of the files, set by the page);
 * - pages under /m/: network first, the last good copy when there is no network;
 * - API calls and anything not GET: not touched; the page's queue (queue.js) deals with them.
 */
"use strict";

var VERSION = new URL(self.location.href).searchParams.get("v") || "dev";
var SHELL = "m-shell-" + VERSION;
var PAGES = "m-pages";
var SHELL_URLS = ["/static/app.css", "/static/m/app.css", "/static/m/queue.js", "/static/m/app.js",
                  "/static/m/signature.js"];
var SCOPE_PATH = new URL(self.registration.scope).pathname;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) { return cache.addAll(SHELL_URLS); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name.indexOf("m-shell-") === 0 && name !== SHELL; })
      .map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

// Pages are stored by path: ?lang=... shows the same page in another language.
function pageKey(url) { return new URL(url, self.location.href).pathname; }

function storePage(url, response) {
  // Only a real page: not a redirect to the login page, not an error page.
  if (!response.ok || response.type !== "basic" || response.redirected) return Promise.resolve();
  var copy = response.clone();
  return caches.open(PAGES).then(function (cache) { return cache.put(pageKey(url), copy); });
}

function cachedPage(url) {
  return caches.open(PAGES).then(function (cache) {
    return cache.match(pageKey(url)).then(function (hit) {
      // A job page never opened online: today's route is the best we have.
      return hit || cache.match(SCOPE_PATH + "today");
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (SHELL_URLS.indexOf(url.pathname) >= 0) {
    event.respondWith(caches.match(url.pathname).then(function (hit) { return hit || fetch(request); }));
    return;
  }
  if (request.mode === "navigate" && url.pathname.indexOf(SCOPE_PATH) === 0) {
    event.respondWith(fetch(request).then(function (response) {
      return storePage(request.url, response).then(function () { return response; });
    }, function () {
      return cachedPage(request.url).then(function (hit) {
        return hit || Response.error();
      });
    }));
  }
});

// The route page asks for today's job pages to be kept, so they open offline too.
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "precache") return;
  var urls = (data.urls || []).filter(function (u) { return pageKey(u).indexOf(SCOPE_PATH) === 0; });
  event.waitUntil(Promise.all(urls.map(function (u) {
    return fetch(u, { credentials: "same-origin" })
      .then(function (response) { return storePage(u, response); })
      .catch(function () { /* offline: keep what we have */ });
  })).then(function () {
    if (event.ports && event.ports[0]) event.ports[0].postMessage({ type: "precached", count: urls.length });
  }));
});
