/* bukuma bookmark button.
 * Usage: <a class="bukuma-button" href="https://HOST/entry?url=PAGE" data-url="PAGE">bukuma</a>
 *        <script async src="https://HOST/button.js"></script>
 * Shows each page's public bookmark count beside the link and links to its
 * entry page. Counts come from one /count/entries call per 50 buttons, sent
 * without cookies or referrer; nothing else is loaded or recorded. */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script) {
    var all = document.querySelectorAll('script[src$="/button.js"]');
    script = all[all.length - 1];
  }
  if (!script || !script.src) return;
  var origin = new URL(script.src).origin;
  var BATCH = 50;

  function pageUrl(a) {
    var raw = a.getAttribute('data-url') || window.location.href.split('#')[0];
    try {
      var u = new URL(raw, window.location.href);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
      var s = u.href;
      return s.length <= 2048 ? s : null;
    } catch (e) {
      return null;
    }
  }

  function show(a, count) {
    var badge = a.querySelector('.bukuma-button-count');
    if (!badge) {
      badge = document.createElement('span');
      badge.className = 'bukuma-button-count';
      badge.style.marginLeft = '0.3em';
      badge.style.padding = '0 0.4em';
      badge.style.borderRadius = '0.3em';
      badge.style.background = '#fde8e8';
      badge.style.color = '#c0392b';
      badge.style.fontWeight = 'bold';
      a.appendChild(badge);
    }
    badge.textContent = String(count);
    a.setAttribute('data-count', String(count));
  }

  function fetchCounts(urls, buttons) {
    var q = urls.map(function (u) { return 'url=' + encodeURIComponent(u); }).join('&');
    return fetch(origin + '/count/entries?' + q, {
      method: 'GET',
      mode: 'cors',
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
      cache: 'default'
    })
      .then(function (r) { return r.ok ? r.json() : {}; })
      .then(function (counts) {
        buttons.forEach(function (b) {
          if (urls.indexOf(b.url) >= 0) show(b.a, Number(counts[b.url]) || 0);
        });
      })
      .catch(function () { /* the links keep working without counts */ });
  }

  function run() {
    var anchors = document.querySelectorAll('a.bukuma-button:not([data-bukuma-done])');
    var buttons = [];
    var urls = [];
    for (var i = 0; i < anchors.length; i++) {
      var a = anchors[i];
      a.setAttribute('data-bukuma-done', '');
      var url = pageUrl(a);
      if (!url) continue;
      a.href = origin + '/entry?url=' + encodeURIComponent(url);
      a.rel = 'noopener';
      buttons.push({ a: a, url: url });
      if (urls.indexOf(url) < 0) urls.push(url);
    }
    for (var j = 0; j < urls.length; j += BATCH) {
      fetchCounts(urls.slice(j, j + BATCH), buttons);
    }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', run);
  } else {
    run();
  }
})();
