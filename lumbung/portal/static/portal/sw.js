// Service worker of the member's app: the app shell (style, script, icon) is kept for slow
// networks; pages and money data always come from the network, never from a cache.
var SHELL = "lumbung-anggota-v1";
var FILES = ["/static/portal/app.css", "/static/portal/app.js", "/static/portal/icon.svg"];
self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) { return cache.addAll(FILES); }));
});
self.addEventListener("fetch", function (event) {
  var url = new URL(event.request.url);
  if (event.request.method !== "GET" || FILES.indexOf(url.pathname) < 0) return;
  event.respondWith(caches.match(event.request).then(function (hit) {
    return hit || fetch(event.request);
  }));
});
