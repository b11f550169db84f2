/** Small pure helpers for showing lead data safely and briefly. */

/** Returns the URL when it is http(s), else null: anything else is shown as text. */
export function safeHref(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url.trim());
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

/**
 * A date as the rep reads it: a date alone (`2026-07-14`) as it is written, a moment
 * (`2026-07-15T02:00:00Z`) on the rep's own calendar (Jul 14 in New York).
 */
export function shortDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(iso);
  return new Date(t).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric', timeZone: dateOnly ? 'UTC' : undefined });
}

export function humanise(value: string | null | undefined): string {
  if (!value) return '';
  return value.replace(/_/g, ' ').replace(/^\w/, (c) => c.toUpperCase());
}

/**
 * Whether a CSS rgb()/rgba() colour is dark: its perceived brightness (ITU-R BT.601 weights) under
 * about a half. Null when it is transparent or not an rgb() colour.
 */
export function isDarkColour(color: string): boolean | null {
  const m = /rgba?\(\s*(\d+)[,\s]+(\d+)[,\s]+(\d+)(?:[,\s/]+([\d.]+))?/.exec(color);
  if (!m || Number(m[4]) === 0) return null;
  return 0.299 * +m[1] + 0.587 * +m[2] + 0.114 * +m[3] < 124;
}

/** Whether a page's background is dark, from the body's or root's computed background. */
export function detectDarkPage(doc: Document): boolean {
  const view = doc.defaultView;
  if (!view) return false;
  for (const el of [doc.body, doc.documentElement]) {
    if (!el) continue;
    const dark = isDarkColour(view.getComputedStyle(el).backgroundColor);
    if (dark !== null) return dark;
  }
  return view.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false;
}

const sheets = new Map<string, CSSStyleSheet>();

/**
 * Gives a shadow root its styles through one shared constructed stylesheet per CSS text, so a
 * thousand badges parse and hold their CSS once. Where a browser does not let a content script
 * adopt sheets, a `<style>` element is used instead.
 */
export function adoptStyles(shadow: ShadowRoot, css: string): void {
  try {
    let sheet = sheets.get(css);
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      sheets.set(css, sheet);
    }
    shadow.adoptedStyleSheets = [sheet];
  } catch {
    const style = shadow.ownerDocument.createElement('style');
    style.textContent = css;
    shadow.prepend(style);
  }
}

/** Width of the card (px); a narrow window gets it narrower (card.css). */
export const CARD_WIDTH = 400;

/**
 * Where the card goes by its badge (`rect`, viewport coordinates) in a window `vw` × `vh`: below
 * the badge when there is room (or more room than above), else above it, its bottom edge by the
 * badge so a short card does not float away; `maxHeight` keeps it inside the window (at least
 * 120 px, in a window too short for more).
 */
export function placeCard(
  rect: { top: number; left: number; bottom: number },
  vw: number,
  vh: number,
): { left: number; top?: number; bottom?: number; maxHeight: number } {
  const left = Math.max(8, Math.min(rect.left - 8, vw - CARD_WIDTH - 8));
  const below = vh - rect.bottom - 14;
  const above = rect.top - 14;
  const down = below >= 320 || below >= above;
  const h = Math.max(120, down ? below : above);
  // Fewer than 120 px on its side (a very short window): moved in so all of it shows.
  return down
    ? { left, top: Math.min(rect.bottom + 6, Math.max(0, vh - h)), maxHeight: h }
    : { left, bottom: Math.min(vh - rect.top + 6, Math.max(0, vh - h)), maxHeight: h };
}
