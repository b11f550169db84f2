// Baseline page scanner, the naive way many extensions start: a regular expression over
// `document.body.innerText` plus `querySelectorAll('[email]')`, run again over the whole page
// on every batch of mutations. It puts a marker span beside each match it can place: after each
// element with an `email` attribute, and after each text node holding an address that the
// innerText pass found. Injected into the page (main world) by bench/page-cost.mjs.
(() => {
  const FIND = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
  const done = new WeakSet();
  let markers = 0;

  function mark(after) {
    const span = document.createElement('span');
    span.className = 'bench-mark';
    span.textContent = '\u25c6';
    after.parentNode.insertBefore(span, after.nextSibling);
    markers++;
  }

  function scan() {
    const found = new Set((document.body.innerText.match(FIND) || []).map((e) => e.toLowerCase()));
    for (const el of document.querySelectorAll('[email]')) {
      if (done.has(el)) continue;
      done.add(el);
      mark(el);
    }
    if (found.size === 0) return;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const hits = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (done.has(n) || n.nodeValue.indexOf('@') < 0) continue;
      const tag = n.parentNode.nodeName;
      if (tag === 'SCRIPT' || tag === 'STYLE') continue;
      for (const e of n.nodeValue.match(FIND) || []) if (found.has(e.toLowerCase())) hits.push(n);
    }
    for (const n of hits) {
      done.add(n);
      mark(n);
    }
  }

  let queued = false;
  const observer = new MutationObserver((records) => {
    const ours = records.every((r) => r.type === 'childList' && r.removedNodes.length === 0 && [...r.addedNodes].every((n) => n.className === 'bench-mark'));
    if (ours || queued) return;
    queued = true;
    setTimeout(() => {
      queued = false;
      scan();
    }, 0);
  });

  function start() {
    scan();
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
  }
  window.__benchScanner = { name: 'naive', count: () => markers };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => setTimeout(start, 0));
  else setTimeout(start, 0);
})();
