/**
 * Campaign-data import: from a file or a text (feed) to merged records in the store.
 *
 * Two steps for the options page — `prepareFile` / `prepareText` read and check the file and say
 * what it is (an error, a mapping to choose, or data with the rows in error); `commitPrepared`
 * merges it — and one call for the feed puller, `importFromText`, which accepts the valid rows.
 * Nothing here uses the DOM.
 */
import type { UnisonDB } from '../db';
import { Collector } from './collect';
import { readHead, streamCsv } from './csv';
import { detectFormat, mappedMapper } from './formats';
import { parseCampaignJson } from './json';
import { checkMapping, cleanMapping, hasEmailColumn, loadSavedMapping, suggestMapping } from './mapping';
import { mergeIntoDb } from './merge';
import { Columns, Row, type RowMapper } from './rows';
import { checkHeaderLine, checkText, decodeBlob, decodeBytes, stripBom } from './text';
import {
  FORMAT_LABELS,
  type ColumnMapping,
  type FormatId,
  type ImportResult,
  type ImportSource,
  type Prepared,
  type ProgressFn,
  type ReadyPrepared,
  type RowIssue,
} from './types';
import { headerSignature } from './util';

export * from './types';
export { clearCampaignData, campaignDataSummary, type CampaignDataSummary } from './merge';
export { saveMapping, loadSavedMapping, suggestMapping, FIELD_LABELS } from './mapping';
export { decodeBytes, decodeBlob } from './text';

export interface PrepareOptions {
  fileName: string;
  /** A MIME type (from a feed's Content-Type or a File's type), if known. */
  contentType?: string;
  encoding?: string;
  /** Read the CSV through this mapping (the mapping step's answer). */
  mapping?: ColumnMapping;
  /** Use the mapping saved for this file's shape without asking (feeds). */
  useSavedMapping?: boolean;
  onProgress?: ProgressFn;
  chunkSize?: number;
}

function failed(fileName: string, error: string): Prepared {
  return { kind: 'failed', fileName, error };
}

function looksJson(text: string, opts: PrepareOptions): boolean {
  const type = (opts.contentType ?? '').toLowerCase();
  if (type.includes('json')) return true;
  if (type.includes('csv')) return false;
  if (/\.json$/i.test(opts.fileName)) return true;
  if (/\.csv$/i.test(opts.fileName)) return /^\s*\{/.test(text.slice(0, 1024));
  return /^\s*[{[]/.test(text.slice(0, 1024));
}

/** Reads a text (already decoded) and says what it holds. `db` gives saved mappings. */
export async function prepareText(db: UnisonDB | null, input: string, opts: PrepareOptions): Promise<Prepared> {
  const { fileName } = opts;
  const encoding = opts.encoding ?? 'utf-8';
  const text = stripBom(input);
  const problem = checkText(text);
  if (problem) return failed(fileName, problem);
  const progress = (f: number) => opts.onProgress?.(f, 'parsing');

  if (looksJson(text, opts)) {
    const parsed = await parseCampaignJson(text, progress);
    if (!parsed.ok) return failed(fileName, parsed.error);
    return ready(fileName, 'json', encoding, parsed.collector);
  }

  const longLine = checkHeaderLine(text);
  if (longLine) return failed(fileName, longLine);
  const head = readHead(text);
  if (head.headers.length === 0 || head.headers.every((h) => h === '')) return failed(fileName, 'The file has no header row.');
  if (head.headers.length === 1 && /^[{[]/.test(head.headers[0])) return failed(fileName, 'This file is neither CSV nor JSON Unison can read.');

  let format: FormatId;
  let cols: Columns;
  let mapper: RowMapper;
  const detected = opts.mapping ? null : detectFormat(head.headers);
  if (detected) {
    format = detected.id;
    cols = new Columns(head.headers);
    mapper = detected.mapper(cols);
  } else {
    let mapping = opts.mapping ? cleanMapping(opts.mapping) : null;
    if (!mapping) {
      if (!hasEmailColumn(head.headers, head.preview)) {
        return failed(
          fileName,
          `No email column: Unison knows leads by their email address, and no column of this file holds addresses. Columns found: ${head.headers.slice(0, 12).join(', ')}${head.headers.length > 12 ? ', …' : ''}.`,
        );
      }
      const saved = db ? await loadSavedMapping(db, head.headers) : null;
      if (saved && opts.useSavedMapping) {
        mapping = saved.mapping;
      } else {
        return {
          kind: 'needs-mapping',
          fileName,
          text,
          encoding,
          headers: head.headers,
          preview: head.preview,
          signature: headerSignature(head.headers),
          suggestion: suggestMapping(head.headers, head.preview),
          saved: saved?.mapping ?? null,
          savedAt: saved?.savedAt ?? null,
        };
      }
    }
    const bad = checkMapping(head.headers, mapping);
    if (bad) return failed(fileName, bad);
    format = 'mapped';
    ({ cols, mapper } = mappedMapper(head.headers, mapping));
  }

  if (head.preview.length === 0) return failed(fileName, 'The file has a header row but no data rows.');

  const collector = new Collector();
  /**
   * Where a quoted cell opens and is never closed (the parser reads the rest of the file into
   * it), or has text after its closing quote and so runs on over the next lines.
   */
  let unclosed: { line: number; column: string; closed: boolean } | null = null;
  const columnName = (at: number) => cols.headers[at] ?? `column ${at + 1}`;
  await streamCsv(text, {
    delimiter: head.delimiter,
    chunkSize: opts.chunkSize,
    onProgress: progress,
    onRow(fields, line, quote) {
      if (unclosed) return;
      // The cell that swallowed the following lines.
      const swallowed = quote ? fields.findIndex((f) => /[\r\n]/.test(f)) : -1;
      if (quote === 'missing' || swallowed >= 0) {
        // Without any line swallowed, the row's last cell.
        unclosed = { line, column: columnName(swallowed >= 0 ? swallowed : fields.length - 1), closed: quote === 'invalid' };
        return;
      }
      if (fields.every((f) => f.trim() === '')) return; // blank line
      const row = new Row(cols, fields, line);
      const out = mapper.map(row);
      if (out === 'skip') return;
      const issues: RowIssue[] = [...row.issues];
      if (quote) {
        const at = fields.findIndex((f) => f.includes('"'));
        issues.push({ line, column: columnName(at >= 0 ? at : fields.length - 1), message: 'text after the closing quote of a quoted cell: put the whole value in quotes, its own quotes doubled' });
      }
      // More cells than the header names, not blank: a value with the delimiter in it and no
      // quotes, whose cells from there on are read under the wrong columns.
      const extra = fields.findIndex((f, i) => i >= cols.headers.length && f.trim() !== '');
      if (extra >= 0) {
        issues.push({ line, column: `column ${extra + 1}`, message: `${fields.length} cells where the header has ${cols.headers.length}: a value holding “${head.delimiter === '\t' ? 'tab' : head.delimiter}” must be in quotes` });
      }
      collector.addRow(out, issues, line);
    },
  });
  // Every row after it is lost inside that cell: importing the rest would drop them unsaid.
  const open = unclosed as { line: number; column: string; closed: boolean } | null;
  if (open) {
    return failed(
      fileName,
      open.closed
        ? `Line ${open.line}, column "${open.column}": a quoted cell has text after its closing quote, so the lines after it run into it. Put the whole value in quotes (its own quotes doubled: "The ""ROI"" guide") and import again; nothing was imported.`
        : `Line ${open.line}, column "${open.column}": a quoted cell is not closed, so the rest of the file cannot be read. Close the quote (or remove it) and import again; nothing was imported.`,
    );
  }
  if (collector.rows === 0) return failed(fileName, 'The file has a header row but no data rows.');
  return ready(fileName, format, encoding, collector);
}

function ready(fileName: string, format: FormatId, encoding: string, c: Collector): ReadyPrepared {
  const issues = [...c.issues].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return {
    kind: 'ready',
    fileName,
    format,
    formatLabel: FORMAT_LABELS[format],
    encoding,
    data: c.data,
    stats: { rows: c.rows, invalidRows: c.invalidRows },
    issues,
    issueCount: c.issueCount,
  };
}

/** Reads a File (or any Blob with a name) and says what it holds. */
export async function prepareFile(
  db: UnisonDB | null,
  file: Blob & { name?: string },
  opts: Omit<PrepareOptions, 'fileName' | 'encoding'> & { fileName?: string },
): Promise<Prepared> {
  const fileName = opts.fileName ?? file.name ?? 'file';
  opts.onProgress?.(0, 'reading');
  let decoded;
  try {
    decoded = await decodeBlob(file);
  } catch (e) {
    return failed(fileName, `The file could not be read: ${(e as Error).message}`);
  }
  if (!decoded.ok) return failed(fileName, decoded.error);
  return prepareText(db, decoded.text, { ...opts, fileName, contentType: opts.contentType ?? file.type, encoding: decoded.encoding });
}

/** The first issues as one sentence: `line 4 (Email): … ; line 7 (Touch date): …`. */
export function describeIssues(issues: RowIssue[], count: number, max = 3): string {
  const parts = issues.slice(0, max).map((i) => `${i.line !== undefined ? `line ${i.line}` : i.column} ${i.line !== undefined ? `(${i.column})` : ''}: ${i.message}`.replace(/\s+:/, ':'));
  const more = count > max ? `; and ${count - max} more` : '';
  return `${parts.join('; ')}${more}`;
}

function emptyResult(fileName: string, format: FormatId | null, error: string): ImportResult {
  return {
    ok: false,
    fileName,
    format,
    formatLabel: format ? FORMAT_LABELS[format] : null,
    error,
    leads: 0,
    campaigns: 0,
    content: 0,
    touches: 0,
    rows: 0,
    skippedRows: 0,
    issues: [],
    issueCount: 0,
    written: { leads: 0, campaigns: 0, content: 0, touches: 0 },
  };
}

export interface CommitOptions {
  source: ImportSource;
  now?: Date;
  onProgress?: ProgressFn;
}

/** Merges a prepared file's valid rows into the store and records the import. */
export async function commitPrepared(db: UnisonDB, prepared: ReadyPrepared, opts: CommitOptions): Promise<ImportResult> {
  const { data, stats } = prepared;
  const base = {
    fileName: prepared.fileName,
    format: prepared.format,
    formatLabel: prepared.formatLabel,
    leads: data.leads.size,
    campaigns: data.campaigns.size,
    content: data.content.size,
    touches: data.touches.size,
    rows: stats.rows,
    skippedRows: stats.invalidRows,
    issues: prepared.issues,
    issueCount: prepared.issueCount,
  };
  if (data.leads.size === 0) {
    const why = prepared.issueCount ? `No valid rows: ${describeIssues(prepared.issues, prepared.issueCount)}` : 'The file holds no leads.';
    return { ...base, ok: false, error: why, written: { leads: 0, campaigns: 0, content: 0, touches: 0 } };
  }
  const merged = await mergeIntoDb(db, data, {
    fileName: prepared.fileName,
    format: prepared.format,
    source: opts.source,
    rows: stats.rows,
    skippedRows: stats.invalidRows,
    now: opts.now,
    onProgress: opts.onProgress,
  });
  return { ...base, ok: true, written: merged.written, importId: merged.importId };
}

export interface ImportTextOptions {
  fileName: string;
  contentType?: string;
  source: ImportSource;
  now?: Date;
  onProgress?: ProgressFn;
}

/**
 * Imports a text (a feed's body, a bundled sample): detects the format, uses a saved mapping for
 * other shapes, merges the valid rows and reports the others. A file that cannot be read changes
 * nothing (`ok: false`, `error`).
 */
export async function importFromText(db: UnisonDB, text: string, opts: ImportTextOptions): Promise<ImportResult> {
  const prepared = await prepareText(db, text, {
    fileName: opts.fileName,
    contentType: opts.contentType,
    useSavedMapping: true,
    onProgress: opts.onProgress,
  });
  if (prepared.kind === 'failed') return emptyResult(opts.fileName, null, prepared.error);
  if (prepared.kind === 'needs-mapping') {
    return emptyResult(
      opts.fileName,
      null,
      `The columns of this file are not a format Unison recognises (${prepared.headers.slice(0, 8).join(', ')}). Import it once on the options page and save the column mapping.`,
    );
  }
  return commitPrepared(db, prepared, { source: opts.source, now: opts.now, onProgress: opts.onProgress });
}

/** Imports raw bytes (decoding BOMs and UTF-16), accepting the valid rows. */
export async function importFromBytes(db: UnisonDB, bytes: Uint8Array | ArrayBuffer, opts: ImportTextOptions): Promise<ImportResult> {
  const decoded = decodeBytes(bytes);
  if (!decoded.ok) return emptyResult(opts.fileName, null, decoded.error);
  return importFromText(db, decoded.text, opts);
}

/** Imports a File or Blob at once, accepting the valid rows (the options page asks first instead). */
export async function importFile(db: UnisonDB, file: Blob & { name?: string }, opts: Omit<ImportTextOptions, 'fileName'> & { fileName?: string }): Promise<ImportResult> {
  const fileName = opts.fileName ?? file.name ?? 'file';
  const decoded = await decodeBlob(file);
  if (!decoded.ok) return emptyResult(fileName, null, decoded.error);
  return importFromText(db, decoded.text, { ...opts, fileName, contentType: opts.contentType ?? file.type });
}
