// Serving host pages without a network: requests to the real host names are answered by the
// test, so content scripts run on https://mail.google.com/ and the like exactly as in use.
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ROOT } from './paths.mjs';

/**
 * Answers every request matching `pattern` with HTML. Navigations (documents) get the HTML;
 * other requests under the pattern (favicon, images) get an empty 404 so they fail fast.
 *
 * @param {import('playwright-core').BrowserContext | import('playwright-core').Page} target
 * @param {string | RegExp} pattern  a Playwright URL glob (`https://mail.google.com/**`) or RegExp
 * @param {string | ((url: URL) => string)} html  the page, or a function of the requested URL
 * @param {{ status?: number, headers?: Record<string, string> }} [opts]
 */
export async function routeHtml(target, pattern, html, { status = 200, headers = {} } = {}) {
  await target.route(pattern, async (route) => {
    const request = route.request();
    if (request.resourceType() !== 'document') {
      await route.fulfill({ status: 404, body: '' });
      return;
    }
    const body = typeof html === 'function' ? html(new URL(request.url())) : html;
    await route.fulfill({ status, contentType: 'text/html; charset=utf-8', headers, body });
  });
}

/**
 * Answers navigations matching `pattern` with a fixture page (a path relative to the project
 * root, e.g. `tests/fixtures/pages/gmail-inbox.html`). The file is read on every request, so
 * a test may also route a different fixture per URL with a function:
 * `routeFixture(ctx, 'https://app.hubspot.com/**', (url) => url.pathname.includes('/record/') ? A : B)`.
 *
 * @param {import('playwright-core').BrowserContext | import('playwright-core').Page} target
 * @param {string | RegExp} pattern
 * @param {string | ((url: URL) => string)} fixture
 */
export async function routeFixture(target, pattern, fixture, opts) {
  const read = (file) => readFileSync(isAbsolute(file) ? file : resolve(ROOT, file), 'utf8');
  // Read once now so a missing fixture fails where the test names it, not inside a route.
  if (typeof fixture === 'string') read(fixture);
  await routeHtml(target, pattern, (url) => read(typeof fixture === 'function' ? fixture(url) : fixture), opts);
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Makes every http(s) request that no later route answers fail at once (tests run offline;
 * without this a page would wait for DNS). Loopback addresses pass, for local test servers.
 * Register it first: Playwright tries routes newest first, so routes added later win.
 * @param {import('playwright-core').BrowserContext} context
 */
export async function blockExternalNetwork(context) {
  await context.route(
    (url) => (url.protocol === 'http:' || url.protocol === 'https:') && !LOOPBACK.has(url.hostname),
    (route) => route.abort('internetdisconnected'),
  );
}
