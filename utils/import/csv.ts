/**
 * CSV reading with papaparse, in chunks: after each chunk the parser pauses and yields to the event
 * loop, so a 50 MB file never blocks the page, and reports how far it got. Every row carries its
 * physical line in the file (1-based; line breaks inside quoted cells count).
 */
import Papa from 'papaparse';
import { yieldToEventLoop } from './util';

/** Small enough that one chunk is a few milliseconds of work even on a slow machine. */
export const DEFAULT_CHUNK_SIZE = 64 * 1024;
const DELIMITERS = [',', ';', '\t', '|'];

/** Counts line breaks (CRLF, LF or a lone CR) in text[from, to). */
export function countLineBreaks(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) n++;
    else if (c === 13 && text.charCodeAt(i + 1) !== 10) n++;
  }
  return n;
}

export interface CsvHead {
  delimiter: string;
  /** Header cells as written (BOM and spaces trimmed). */
  headers: string[];
  /** The first data rows (blank lines left out). */
  preview: string[][];
}

/** Reads the header row and the first rows (for detection and the mapping preview). */
export function readHead(text: string, rows = 5): CsvHead {
  // The header row is at most 1 MB (checked before); a little more holds the preview rows.
  const sample = oneKindOfLineBreak(text.slice(0, 1024 * 1024 + 256 * 1024));
  const parsed = Papa.parse<string[]>(sample, {
    header: false,
    skipEmptyLines: 'greedy',
    newline: '\n',
    preview: rows + 1,
    delimitersToGuess: DELIMITERS,
  });
  const data = parsed.data;
  const headers = (data[0] ?? []).map((h) => h.replace(/^\uFEFF/, '').trim());
  return { delimiter: parsed.meta.delimiter || ',', headers, preview: data.slice(1) };
}

export type QuoteProblem = 'missing' | 'invalid' | null;

/**
 * The text with every line break written as LF. The parser takes one kind of line break for the
 * whole file, guessed from its start: a file whose header ends in CRLF and whose rows end in LF
 * (rows appended by another tool) would have its rows read as one. The count of lines is the
 * same, so line numbers still point into the file as written.
 */
export function oneKindOfLineBreak(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

export interface StreamOptions {
  delimiter: string;
  chunkSize?: number;
  /**
   * Called for each data row after the header (blank lines included: the caller decides).
   * `quote`: a quoted cell never closed (`missing`: the parser read the rest of the file into it),
   * or one with text after its closing quote (`invalid`: the parser read on to the next quote).
   */
  onRow: (fields: string[], line: number, quote: QuoteProblem) => void;
  onProgress?: (fraction: number) => void;
}

/**
 * Streams every row after the header row through `onRow`, yielding to the event loop between
 * chunks. Resolves when the whole text is read.
 */
export function streamCsv(input: string, opts: StreamOptions): Promise<void> {
  const text = oneKindOfLineBreak(input);
  return new Promise((resolve, reject) => {
    let prevCursor = 0;
    let line = 1;
    let headerSeen = false;
    let failed = false;
    const total = text.length || 1;
    Papa.parse<string[]>(text, {
      header: false,
      skipEmptyLines: false,
      newline: '\n',
      delimiter: opts.delimiter,
      chunkSize: opts.chunkSize ?? DEFAULT_CHUNK_SIZE,
      step(results) {
        if (failed) return;
        const cursor = results.meta.cursor;
        const start = line;
        line += countLineBreaks(text, prevCursor, cursor);
        prevCursor = cursor;
        const fields = results.data;
        if (!headerSeen) {
          // The header is the first line with something on it.
          if (fields.some((f) => f.trim() !== '')) headerSeen = true;
          return;
        }
        const codes = results.errors.map((e) => e.code);
        const quote = codes.includes('MissingQuotes') ? 'missing' : codes.includes('InvalidQuotes') ? 'invalid' : null;
        try {
          opts.onRow(fields, start, quote);
        } catch (e) {
          failed = true;
          reject(e);
        }
      },
      // papaparse runs `step` for every row and `chunk` after each chunk; pausing in `chunk` and
      // resuming after a yield keeps the cursor global, so line numbers stay exact.
      chunk(_results: unknown, parser: Papa.Parser) {
        if (failed) {
          parser.abort();
          return;
        }
        parser.pause();
        opts.onProgress?.(Math.min(1, prevCursor / total));
        void yieldToEventLoop().then(() => parser.resume());
      },
      complete() {
        if (failed) return;
        opts.onProgress?.(1);
        resolve();
      },
      error(err: Error) {
        if (!failed) reject(err);
      },
    } as Papa.ParseConfig<string[]> & { chunkSize: number; chunk: (r: unknown, p: Papa.Parser) => void; error: (e: Error) => void });
  });
}
