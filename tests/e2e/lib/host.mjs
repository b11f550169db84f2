// Host pages: the badges and the card, through the hooks of the automation contract only.
// Playwright's CSS and role locators look inside open shadow roots, where Unison's UI lives.

/**
 * Shown badges: a badge made before the lookup confirmed its lead is invisible and carries
 * `data-unison-pending` for a moment (automation hooks 1.1); it does not count yet.
 */
export const SHOWN_BADGE = 'unison-badge:not([data-unison-pending])';

/** Every shown badge on the page (`<unison-badge data-unison-email>`). */
export function badges(page) {
  return page.locator(SHOWN_BADGE);
}

/** The shown badge for one address (lower-cased in the attribute). */
export function badgeFor(page, email) {
  return page.locator(`${SHOWN_BADGE}[data-unison-email="${email.toLowerCase()}"]`);
}

/**
 * Waits until at least `min` badges are attached and their number has stopped changing for
 * `settle` ms (badges come in batches); returns how many there are.
 */
export async function waitForBadges(page, { min = 1, timeout = 15_000, settle = 500 } = {}) {
  const deadline = Date.now() + timeout;
  await page.waitForFunction(([sel, n]) => document.querySelectorAll(sel).length >= n, [SHOWN_BADGE, min], { timeout });
  let count = await badges(page).count();
  let stableSince = Date.now();
  while (Date.now() - stableSince < settle && Date.now() < deadline) {
    await page.waitForTimeout(100);
    const now = await badges(page).count();
    if (now !== count) {
      count = now;
      stableSince = Date.now();
    }
  }
  return count;
}

/** The addresses of the badges on the page, in document order (one entry per badge). */
export async function badgeEmails(page) {
  return page.$$eval(SHOWN_BADGE, (els) => els.map((el) => el.getAttribute('data-unison-email')));
}

/** The `Unison:` button inside a badge (in its open shadow root). */
export function badgeButton(badge) {
  return badge.getByRole('button', { name: /^Unison:/ });
}

/**
 * Opens the card of a badge (the first one, or the one for `email`) and returns the dialog.
 * @param {import('playwright-core').Page} page
 */
export async function openCard(page, email) {
  const badge = email ? badgeFor(page, email).first() : badges(page).first();
  await badgeButton(badge).click();
  const dialog = page.getByRole('dialog');
  await dialog.first().waitFor({ state: 'visible' });
  return dialog.first();
}
