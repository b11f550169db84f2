/**
 * Email addresses as they appear on host pages: the grammar, a real-TLD check, and the forms
 * pages write them in (`mailto:` links with query strings, `Name <a@b.com>`, address lists).
 *
 * This module ships in the content script, so it is small and has no dependencies. It accepts a
 * subset of what `emailSchema` (utils/schema.ts) accepts, so whatever it returns the background
 * takes as it is.
 *
 * Top-level domains: an address must end in a TLD that can be real, so that `logo@2x.png`, `name@host.local`
 * or `a@b.zz` in page text is not taken for an address. Two-letter TLDs are country codes, checked
 * against the list of those in use. Longer ones are letters only (or the ASCII form `xn--…` of an
 * internationalised TLD) and not one of the endings that look like a TLD on a page but are not
 * (file names, names reserved for private networks): with well over a thousand generic TLDs
 * delegated, from `.com` to `.dental` and `.properties`, a list of them would cost every host page
 * kilobytes and still miss the next one. `zip` and `mov` are real but left out on purpose: on a
 * page they are far more often file names than mail domains. The names RFC 2606 / RFC 6761
 * reserve for documentation and testing (`example`, `test`, `localhost`) are accepted: sample data
 * and test pages use them for addresses that must never resolve.
 */

/** Two-letter country codes, grouped by first letter: `ac` … `az` is `acdefgilmoqrstuwxz`. */
const CC_TLDS = 'acdefgilmoqrstuwxz babdefghijmnoqrstwyz cacdfghiklmnoruvwxyz dejkmoz ecegrstu fijkmor gabdefghilmnpqrstuwy hkmnrtu idelmnoqrst jemop keghimnprwyz labcikrstuvy macdeghklmnopqrstuvwxyz nacefgilopruz om paefghklmnrstwy qa reosuw sabcdeghiklmnorstuvxyz tcdfghjklmnortvwz uagksyz vaceginu wfs yet zamw';

const CC: ReadonlySet<string> = new Set(CC_TLDS.split(' ').flatMap((g) => [...g.slice(1)].map((c) => g[0] + c)));

/** Endings of three letters or more that are no TLD in use: file types, and private or invalid names (digits never pass). */
const NOT_TLDS: ReadonlySet<string> = new Set(
  ('png jpg jpeg gif svg webp avif ico bmp tif tiff heic css scss mjs cjs jsx tsx json xml yml yaml html htm php asp aspx jsp ' +
    'pdf txt csv tsv log doc docx xls xlsx ppt pptx odt rtf eml msg ics vcf zip mov rar tar tgz dmg exe msi apk ' +
    'wav ogg avi webm mkv woff ttf otf eot bak tmp ' +
    'local localdomain internal intranet invalid lan home corp private domain').split(' '),
);

export const EMAIL_MAX = 254;
const LOCAL_MAX = 64;

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
/** A whole, lower-cased address: dot-atom local part, domain of at least two labels. */
const EMAIL_RE = new RegExp(`^[a-z0-9!#$%&'*+/=?^_\`{|}~-]+(?:\\.[a-z0-9!#$%&'*+/=?^_\`{|}~-]+)*@(?:${LABEL}\\.)+${LABEL}$`);

/**
 * Addresses inside running text. Narrower local part than the grammar (no double quotes,
 * slashes or braces) so surrounding punctuation is not swallowed; a trailing full stop ends the
 * address ("write to ann@acme.io."). Every match is checked with `isEmail` afterwards.
 */
const IN_TEXT_RE = /(?<![A-Za-z0-9._%+-]|[A-Za-z0-9]')[A-Za-z0-9_%+-](?:[A-Za-z0-9._%+'-]{0,63})@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})(?![A-Za-z0-9-]|\.[A-Za-z0-9])/g;

/** Whether `tld` (without the dot) is a real top-level domain, or a reserved test name (see above). */
export function isRealTld(tld: string): boolean {
  const t = tld.toLowerCase();
  return t.length === 2 ? CC.has(t) : /^(?:[a-z]{3,63}|xn--[a-z0-9-]{1,59})$/.test(t) && !NOT_TLDS.has(t);
}

/** Whether `s` is already a clean address: lower-case, grammatical, with a real TLD. */
export function isEmail(s: string): boolean {
  if (s.length > EMAIL_MAX || !EMAIL_RE.test(s)) return false;
  const at = s.lastIndexOf('@');
  if (at > LOCAL_MAX) return false;
  return isRealTld(s.slice(s.lastIndexOf('.') + 1));
}

/**
 * Turns what a page holds (`mailto:Ann@Acme.io?subject=Hi`, ` <ann@acme.io> `, `ann%40acme.io`)
 * into a lower-cased address, or null when it is not exactly one address.
 */
export function normaliseEmail(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let s = raw.trim();
  if (/^mailto:/i.test(s)) s = s.slice(7);
  const cut = s.search(/[?#]/);
  if (cut >= 0) s = s.slice(0, cut);
  if (s.includes('%')) {
    try {
      s = decodeURIComponent(s);
    } catch {
      return null;
    }
  }
  s = s.trim();
  if (s.startsWith('<') && s.endsWith('>')) s = s.slice(1, -1).trim();
  s = s.toLowerCase();
  return isEmail(s) ? s : null;
}

/** Every address in a `mailto:` URL's recipient part (`mailto:a@x.com,b@y.com?cc=…` or `a@x.com;b@y.com` gives both). */
export function mailtoAddresses(href: string | null | undefined): string[] {
  if (!href || !/^mailto:/i.test(href.trim())) return [];
  let s = href.trim().slice(7);
  const cut = s.search(/[?#]/);
  if (cut >= 0) s = s.slice(0, cut);
  // One plain address (the usual case): no list to split.
  if (!/[,;%]/.test(s)) {
    const e = normaliseEmail(s);
    return e ? [e] : [];
  }
  const out: string[] = [];
  // Commas, or semicolons as Outlook and Dynamics write lists.
  for (const part of s.split(/[,;]|%2c|%3b/i)) {
    const e = normaliseEmail(part);
    if (e && !out.includes(e)) out.push(e);
  }
  return out;
}

export interface EmailMatch {
  email: string;
  /** Where the address starts and ends in the text searched. */
  start: number;
  end: number;
}

/** The addresses in a run of text, in order (valid ones only; duplicates kept). */
export function findEmails(text: string): EmailMatch[] {
  if (text.indexOf('@') < 0) return [];
  const out: EmailMatch[] = [];
  IN_TEXT_RE.lastIndex = 0;
  for (let m = IN_TEXT_RE.exec(text); m; m = IN_TEXT_RE.exec(text)) {
    const email = m[0].toLowerCase();
    if (isEmail(email)) out.push({ email, start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/** The first address in a run of text, or null. */
export function firstEmail(text: string | null | undefined): string | null {
  if (!text) return null;
  const m = findEmails(text);
  return m.length ? m[0].email : null;
}

function cleanName(raw: string): string | null {
  let s = raw.replace(/\s+/g, ' ').trim();
  if (s.length >= 2 && s.startsWith('"') && s.endsWith('"')) s = s.slice(1, -1).replace(/\\(.)/g, '$1').trim();
  if (!s || s.includes('@') || s.length > 200) return null;
  return s;
}

const PARTICLES = new Set(['van', 'von', 'der', 'den', 'de', 'da', 'di', 'du', 'del', 'della', 'la', 'le', 'bin', 'al', 'y']);

/** In running text ("Looping in Maria Gonzalez"), the name is the trailing run of capitalised words. */
function trailingName(s: string): string | null {
  const words = s.split(' ');
  if (words.every((w) => /^\p{Lu}/u.test(w) || PARTICLES.has(w))) return s;
  const run: string[] = [];
  for (let i = words.length - 1; i >= 0 && run.length < 5; i--) {
    const w = words[i];
    if (/^\p{Lu}/u.test(w) || (PARTICLES.has(w) && run.length > 0)) run.unshift(w);
    else break;
  }
  while (run.length && PARTICLES.has(run[0])) run.shift();
  return run.length ? run.join(' ') : null;
}

/**
 * The display name written right before an address in text: `Ann Lee <ann@acme.io>`,
 * `Ann Lee<ann@acme.io>`, `"Lee, Ann" <ann@acme.io>`, `Tom Baker (tom@hooli.com)`, also inside a
 * sentence (`Looping in Maria Gonzalez <maria@initech.io>` gives "Maria Gonzalez"). `start` is
 * where the address begins.
 */
export function nameBefore(text: string, start: number): string | null {
  const head = text.slice(Math.max(0, start - 202), start);
  const m = /(?:^|[,;:]|\s-\s)\s*("(?:[^"\\]|\\.)*"|[^"<>(),;:@]*?)\s*[<(]$/.exec(head);
  if (!m) return null;
  const raw = m[1].trim();
  if (raw.startsWith('"')) return cleanName(raw);
  const name = cleanName(raw);
  return name ? trailingName(name) : null;
}

export interface ParsedAddress {
  email: string;
  name: string | null;
}

/** One address in any of its written forms: `a@b.com`, `<a@b.com>`, `Name <a@b.com>`, `"Lee, Ann" <a@b.com>`. */
export function parseAddress(input: string | null | undefined): ParsedAddress | null {
  if (!input) return null;
  const s = input.trim();
  const angle = /^(.*?)<([^<>]+)>\s*$/.exec(s);
  if (angle) {
    const email = normaliseEmail(angle[2]);
    return email ? { email, name: cleanName(angle[1]) } : null;
  }
  const email = normaliseEmail(s);
  return email ? { email, name: null } : null;
}

/** A header-style list (`Ann Lee <ann@acme.io>, "Patel, Raj" <raj@globex.com>; li@umbrella.co`). Bad entries are skipped. */
export function parseAddressList(input: string | null | undefined): ParsedAddress[] {
  if (!input) return [];
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  let angled = false;
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c === '\\' && quoted && i + 1 < input.length) {
      cur += c + input[++i];
      continue;
    }
    if (c === '"' && !angled) quoted = !quoted;
    else if (c === '<' && !quoted) angled = true;
    else if (c === '>' && !quoted) angled = false;
    if ((c === ',' || c === ';') && !quoted && !angled) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  const out: ParsedAddress[] = [];
  for (const p of parts) {
    const a = parseAddress(p);
    if (a) out.push(a);
  }
  return out;
}
