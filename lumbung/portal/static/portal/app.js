// Member's app: the live feed (server-sent events) and the service worker. No framework.
(function () {
  "use strict";
  var base = document.body.dataset.base;
  if ("serviceWorker" in navigator && base) {
    navigator.serviceWorker.register(base + "sw.js", { scope: base }).catch(function () {});
  }
  var feed = document.getElementById("feed");
  if (!feed || !window.EventSource) return;
  var seen = {};
  feed.querySelectorAll("li[data-id]").forEach(function (li) { seen[li.dataset.id] = true; });
  var status = document.getElementById("live-status");
  var receipt = feed.dataset.receipt.replace(/0\/$/, "");

  function show(item) {
    if (seen[item.id]) return;  // a resumed stream never shows a posting twice
    seen[item.id] = true;
    var empty = feed.querySelector(".empty");
    if (empty) empty.remove();
    var li = document.createElement("li");
    li.className = "item fresh " + item.direction;
    li.dataset.id = item.id;
    var a = document.createElement("a");
    a.href = receipt + item.entry + "/";
    var what = document.createElement("span");
    what.className = "what";
    what.textContent = item.description;
    var small = document.createElement("small");
    small.textContent = item.account + " · " + item.date;
    what.appendChild(small);
    var amount = document.createElement("span");
    amount.className = "amount";
    amount.textContent = (item.amount > 0 ? "+" : "−") + item.amount_text;
    a.appendChild(what);
    a.appendChild(amount);
    li.appendChild(a);
    feed.insertBefore(li, feed.firstChild);
    if (item.balance_text) {
      var card = document.querySelector('.account[data-ref="' + item.ref + '"] .balance');
      if (card) card.textContent = item.balance_text;
    }
  }

  // The first connection starts after the newest posting on the page; reconnections send
  // Last-Event-ID themselves, so nothing is lost or repeated after a network drop.
  var source = new EventSource(feed.dataset.stream + "?after=" + feed.dataset.after);
  source.addEventListener("posting", function (event) { show(JSON.parse(event.data)); });
  source.onopen = function () { if (status) status.hidden = false; };
  source.onerror = function () { if (status) status.hidden = true; };
})();
