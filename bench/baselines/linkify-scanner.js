// Baseline page scanner built on linkifyjs: walks text nodes with a TreeWalker and asks
// linkify for the email addresses in each, and reads `[email]` attributes; on mutations it
// scans only the added subtrees (batched per task). It puts a marker span beside each address it
// finds (after the text node or element). Bundled with esbuild and injected into the page (main
// world) by bench/page-cost.mjs.
import * as linkify from 'linkifyjs';

const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEXTAREA', 'TEMPLATE']);
let markers = 0;
/** Text nodes and elements already marked (a rescan of a parent must not mark them twice). */
const done = new WeakSet();

function mark(after) {
  const span = document.createElement('span');
  span.className = 'bench-mark';
  span.textContent = '\u25c6';
  after.parentNode.insertBefore(span, after.nextSibling);
  markers++;
}

function scanRoot(root) {
  if (root.nodeType === 3) root = root.parentNode;
  if (!root || root.nodeType !== 1 || root.className === 'bench-mark') return;
  const hits = [];
  if (root.hasAttribute('email') && !done.has(root)) hits.push(root);
  for (const el of root.querySelectorAll('[email]')) if (!done.has(el)) hits.push(el);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => (done.has(n) || SKIP.has(n.parentNode.nodeName) || n.nodeValue.indexOf('@') < 0 ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
  });
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    for (let k = linkify.find(n.nodeValue, 'email').length; k > 0; k--) hits.push(n);
  }
  for (const n of hits) {
    done.add(n);
    mark(n);
  }
}

let queue = new Set();
const observer = new MutationObserver((records) => {
  const wasEmpty = queue.size === 0;
  for (const r of records) {
    for (const n of r.addedNodes) {
      if (n.nodeType === 3) queue.add(n.parentNode);
      else if (n.nodeType === 1 && n.className !== 'bench-mark') queue.add(n);
    }
  }
  if (wasEmpty && queue.size) {
    setTimeout(() => {
      const added = [...queue];
      queue = new Set();
      // Outermost added nodes only: a node inside another added node is scanned with it.
      const roots = added.filter((n) => n && n.isConnected && !added.some((o) => o !== n && o.contains(n)));
      for (const r of roots) scanRoot(r);
    }, 0);
  }
});

function start() {
  scanRoot(document.body);
  observer.observe(document.body, { childList: true, subtree: true });
}
window.__benchScanner = { name: 'linkify', count: () => markers };
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => setTimeout(start, 0));
else setTimeout(start, 0);
