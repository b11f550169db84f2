/**
 * One CSV row seen through its file's headers: values looked up by header key (with aliases),
 * dates parsed with the column named in any error.
 */
import type { Utm } from '../schema';
import { parseDate } from './dates';
import type { RowIssue } from './types';
import { headerKey } from './util';

/** A file's columns: header keys to column positions (the first column of a repeated header wins). */
export class Columns {
  readonly headers: string[];
  readonly keys: string[];
  private readonly index = new Map<string, number>();

  constructor(headers: string[]) {
    this.headers = headers.map((h) => h.replace(/^\uFEFF/, '').trim());
    this.keys = this.headers.map(headerKey);
    this.keys.forEach((k, i) => {
      if (k !== '' && !this.index.has(k)) this.index.set(k, i);
    });
  }

  /** A Columns whose keys are given explicitly (a user's mapping: field key → header). */
  static mapped(headers: string[], mapping: Record<string, string | undefined>): Columns {
    const cols = new Columns(headers);
    cols.index.clear();
    for (const [field, header] of Object.entries(mapping)) {
      if (!header) continue;
      const i = cols.headers.findIndex((h) => h === header.trim());
      if (i >= 0) cols.index.set(headerKey(field), i);
    }
    return cols;
  }

  has(key: string): boolean {
    return this.index.has(key);
  }
  hasAny(keys: readonly string[]): boolean {
    return keys.some((k) => this.index.has(k));
  }
  position(key: string): number | undefined {
    return this.index.get(key);
  }
  /** The first key present among `keys`. */
  first(keys: readonly string[]): string | undefined {
    return keys.find((k) => this.index.has(k));
  }
  /** Keys present that end with `suffix` (for prefixed columns like `Deal - utm_source`). */
  endingWith(suffix: string): string | undefined {
    for (const k of this.index.keys()) if (k === suffix || k.endsWith(` ${suffix}`)) return k;
    return undefined;
  }
  header(key: string): string {
    const i = this.index.get(key);
    return i === undefined ? key : this.headers[i];
  }
}

export class Row {
  /** Problems found while reading this row (a bad date); the row is left out when any. */
  readonly issues: RowIssue[] = [];

  constructor(
    readonly cols: Columns,
    readonly fields: string[],
    readonly line: number,
  ) {}

  /** The value under `key`, trimmed ('' when the column is absent or empty). */
  value(key: string): string {
    const i = this.cols.position(key);
    if (i === undefined) return '';
    const v = this.fields[i];
    return v === undefined ? '' : v.trim();
  }

  /** The first non-empty value among the aliases, or undefined. */
  get(...keys: string[]): string | undefined {
    for (const k of keys) {
      const v = this.value(k);
      if (v !== '') return v;
    }
    return undefined;
  }

  /** The key of the first alias holding a value. */
  keyOf(...keys: string[]): string | undefined {
    return keys.find((k) => this.value(k) !== '');
  }

  /**
   * Every present date column among `keys` is read (so each unreadable one is reported); returns
   * the first readable one.
   */
  date(...keys: string[]): string | undefined {
    let found: string | undefined;
    for (const k of keys) {
      const raw = this.value(k);
      if (raw === '') continue;
      const parsed = parseDate(raw);
      if (parsed === null) {
        this.issues.push({ line: this.line, column: this.cols.header(k), message: `unreadable date “${shorten(raw)}”` });
      } else if (parsed !== undefined && found === undefined) {
        found = parsed;
      }
    }
    return found;
  }

  /** Every non-empty cell count (to tell report footers from data). */
  filledCount(): number {
    let n = 0;
    for (const f of this.fields) if (f.trim() !== '') n++;
    return n;
  }
}

export function shorten(s: string, max = 60): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** What one row says, before validation and de-duplication. */
export interface RowOut {
  email: string | undefined;
  /** The column the email came from (for error messages). */
  emailColumn: string;
  lead: {
    name?: string;
    firstName?: string;
    lastName?: string;
    company?: string;
    title?: string;
    score?: string;
    stage?: string;
  };
  touches: TouchDraft[];
}

export interface TouchDraft {
  kind?: 'first' | 'latest' | 'other';
  at?: string;
  campaignId?: string;
  campaignName?: string;
  /** Channel of the campaign itself (when the source states it per campaign). */
  campaignChannel?: string;
  campaignProduct?: string;
  channel?: string;
  utm?: Utm;
  product?: string;
  content?: { id?: string; title?: string; type?: string; url?: string; product?: string };
}

/** Reads rows of one file; `skip` leaves a row out silently (report footers). */
export interface RowMapper {
  map(row: Row): RowOut | 'skip';
}
