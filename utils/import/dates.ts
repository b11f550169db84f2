/**
 * Dates as exports write them, to ISO 8601. A date alone stays a date (`2026-07-14`); a date with a
 * time becomes UTC (`2026-07-14T10:00:00.000Z`). Times without a zone are taken as UTC.
 *
 * Read: ISO date and date-time (with `T` or a space, seconds and fractions optional, `Z`, `UTC` or
 * an offset), `YYYY/MM/DD`, `MM/DD/YYYY` (US, as Salesforce and HubSpot write it, optionally with
 * `h:mm AM`), `DD.MM.YYYY` (European, optionally with `HH:mm`), and Unix time in seconds or
 * milliseconds. Anything else is unreadable (null), and so are impossible dates (31 February).
 */

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  if (month === 2 && ((year % 4 === 0 && year % 100 !== 0) || year % 400 === 0)) return 29;
  return DAYS[month - 1];
}

function validDate(y: number, m: number, d: number): boolean {
  return y >= 1900 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m);
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

interface Parts {
  y: number;
  m: number;
  d: number;
  time?: { h: number; min: number; s: number; ms: number; offsetMin: number };
}

function build(p: Parts): string | null {
  if (!validDate(p.y, p.m, p.d)) return null;
  const date = `${pad(p.y, 4)}-${pad(p.m)}-${pad(p.d)}`;
  if (!p.time) return date;
  const { h, min, s, ms, offsetMin } = p.time;
  if (h > 23 || min > 59 || s > 59) return null;
  // UTC already: written out directly (big files have many dates); otherwise shifted by the offset.
  if (offsetMin === 0) return `${date}T${pad(h)}:${pad(min)}:${pad(s)}.${pad(ms, 3)}Z`;
  return new Date(Date.UTC(p.y, p.m - 1, p.d, h, min, s, ms) - offsetMin * 60_000).toISOString();
}

function parseOffset(z: string | undefined): number | null {
  if (!z) return 0;
  const u = z.toUpperCase();
  if (u === 'Z' || u === 'UTC' || u === 'GMT') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(z);
  if (!m) return null;
  const v = Number(m[2]) * 60 + Number(m[3]);
  if (Number(m[2]) > 14 || Number(m[3]) > 59) return null;
  return m[1] === '-' ? -v : v;
}

/** Milliseconds of a fraction of a second, the digits past them cut (as `Date.parse` does). */
function fraction(f: string | undefined): number {
  return f ? Number(`${f}00`.slice(0, 3)) : 0;
}

function hour12(h: number, ampm: string | undefined): number | null {
  if (!ampm) return h;
  if (h < 1 || h > 12) return null;
  const pm = ampm.toUpperCase() === 'PM';
  return (h % 12) + (pm ? 12 : 0);
}

const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?)?$/i;
const YMD_SLASH = /^(\d{4})\/(\d{1,2})\/(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$/;
const EU = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const EPOCH = /^\d{10}(\d{3})?$/;

/**
 * Parses one date cell. Returns the ISO string, `undefined` for an empty cell, or `null` when the
 * text cannot be read as a date.
 */
export function parseDate(raw: string | undefined | null): string | null | undefined {
  const s = (raw ?? '').trim();
  if (s === '') return undefined;
  let m = ISO.exec(s);
  if (m) {
    const [, y, mo, d, h, mi, sec, frac, zone] = m;
    if (h === undefined) return build({ y: +y, m: +mo, d: +d });
    const offset = parseOffset(zone);
    if (offset === null) return null;
    return build({ y: +y, m: +mo, d: +d, time: { h: +h, min: +mi, s: sec ? +sec : 0, ms: fraction(frac), offsetMin: offset } });
  }
  m = YMD_SLASH.exec(s);
  if (m) {
    const [, y, mo, d, h, mi, sec] = m;
    return build({ y: +y, m: +mo, d: +d, time: h === undefined ? undefined : { h: +h, min: +mi, s: sec ? +sec : 0, ms: 0, offsetMin: 0 } });
  }
  m = US.exec(s);
  if (m) {
    const [, mo, d, y, h, mi, sec, ampm] = m;
    if (h === undefined) return build({ y: +y, m: +mo, d: +d });
    const hh = hour12(+h, ampm);
    if (hh === null) return null;
    return build({ y: +y, m: +mo, d: +d, time: { h: hh, min: +mi, s: sec ? +sec : 0, ms: 0, offsetMin: 0 } });
  }
  m = EU.exec(s);
  if (m) {
    const [, d, mo, y, h, mi, sec] = m;
    return build({ y: +y, m: +mo, d: +d, time: h === undefined ? undefined : { h: +h, min: +mi, s: sec ? +sec : 0, ms: 0, offsetMin: 0 } });
  }
  if (EPOCH.test(s)) {
    const n = Number(s);
    const ms = s.length === 13 ? n : n * 1000;
    const date = new Date(ms);
    const y = date.getUTCFullYear();
    if (y < 1990 || y > 2200) return null;
    return date.toISOString();
  }
  return null;
}
