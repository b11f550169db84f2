/**
 * From bytes to text: byte-order marks, UTF-16 (with or without BOM), UTF-8 with a fallback to
 * Windows-1252 (what Excel writes on Windows), and a clear refusal of binary files.
 */

export type Decoded = { ok: true; text: string; encoding: string } | { ok: false; error: string };

/** Longest first line accepted for a CSV header. A longer one is not an export with a header row. */
export const MAX_HEADER_LINE = 1024 * 1024;

const SIGNATURES: Array<{ bytes: number[]; what: string }> = [
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image' },
  { bytes: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document' },
  { bytes: [0x1f, 0x8b], what: 'a gzip archive' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], what: 'an old Excel or Office file (.xls)' },
];

function startsWith(bytes: Uint8Array, sig: number[]): boolean {
  if (bytes.length < sig.length) return false;
  return sig.every((b, i) => bytes[i] === b);
}

function formatSize(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} bytes`;
}

const NOT_TEXT = 'This is not a CSV or JSON file';

/** Which UTF-16 byte order the bytes look like (without a BOM), or null. */
function sniffUtf16(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(bytes.length - (bytes.length % 2), 4096);
  if (n < 4) return null;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZero++;
    if (bytes[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  // Latin text in UTF-16: one byte of each pair is zero almost always, the other almost never.
  if (oddZero > pairs * 0.6 && evenZero < pairs * 0.05) return 'utf-16le';
  if (evenZero > pairs * 0.6 && oddZero < pairs * 0.05) return 'utf-16be';
  return null;
}

/** Share of characters that no text export contains (controls other than tab/CR/LF, U+FFFD). */
function junkShare(text: string): number {
  const n = Math.min(text.length, 8192);
  if (n === 0) return 0;
  let junk = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd || c === 0x7f) junk++;
  }
  return junk / n;
}

/** Checks decoded text: empty, binary-looking. Returns an error message or null. */
export function checkText(text: string): string | null {
  if (text.trim() === '') return 'The file is empty.';
  if (junkShare(text) > 0.02) return `${NOT_TEXT}: it holds binary data (control characters), not text.`;
  return null;
}

/** Strips a leading byte-order mark. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Decodes a file's bytes to text, or says clearly why it is not a text file Unison reads. */
export function decodeBytes(input: Uint8Array | ArrayBuffer): Decoded {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (bytes.length === 0) return { ok: false, error: 'The file is empty.' };

  let encoding: string;
  let body: Uint8Array;
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) {
    encoding = 'utf-8';
    body = bytes.subarray(3);
  } else if (startsWith(bytes, [0xff, 0xfe, 0, 0]) || startsWith(bytes, [0, 0, 0xfe, 0xff])) {
    return { ok: false, error: `${NOT_TEXT}: it is UTF-32 text, which Unison does not read. Save it as CSV UTF-8.` };
  } else if (startsWith(bytes, [0xff, 0xfe])) {
    encoding = 'utf-16le';
    body = bytes.subarray(2);
  } else if (startsWith(bytes, [0xfe, 0xff])) {
    encoding = 'utf-16be';
    body = bytes.subarray(2);
  } else {
    if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) {
      return {
        ok: false,
        error: `${NOT_TEXT}: it is a ZIP archive, such as an Excel workbook (.xlsx). In Excel, use Save As › CSV UTF-8 and import that file.`,
      };
    }
    const sig = SIGNATURES.find((s) => startsWith(bytes, s.bytes));
    if (sig) return { ok: false, error: `${NOT_TEXT}: it looks like ${sig.what}.` };
    const utf16 = sniffUtf16(bytes);
    if (utf16) {
      encoding = utf16;
      body = bytes;
    } else {
      const head = bytes.subarray(0, 8192);
      if (head.includes(0)) return { ok: false, error: `${NOT_TEXT}: it holds binary data.` };
      encoding = 'utf-8';
      body = bytes;
    }
  }

  let text: string;
  if (encoding === 'utf-8') {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch {
      // Not valid UTF-8: Excel on Windows writes "CSV" in the system code page.
      encoding = 'windows-1252';
      text = new TextDecoder('windows-1252').decode(body);
    }
  } else {
    text = new TextDecoder(encoding).decode(body);
  }
  text = stripBom(text);
  const problem = checkText(text);
  if (problem) return { ok: false, error: problem };
  return { ok: true, text, encoding };
}

/** Reads a File or Blob and decodes it. */
export async function decodeBlob(blob: Blob): Promise<Decoded> {
  const buf = typeof blob.arrayBuffer === 'function' ? await blob.arrayBuffer() : await readWithFileReader(blob);
  return decodeBytes(new Uint8Array(buf));
}

function readWithFileReader(blob: Blob): Promise<ArrayBuffer> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as ArrayBuffer);
    reader.onerror = () => reject(reader.error ?? new Error('The file could not be read.'));
    reader.readAsArrayBuffer(blob);
  });
}

/** Index of the end of the first non-blank line (or the text length). */
export function firstLineLength(text: string): number {
  let start = 0;
  // skip leading blank lines
  while (start < text.length && (text[start] === '\n' || text[start] === '\r')) start++;
  let i = start;
  let inQuotes = false;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) inQuotes = !inQuotes;
    else if (!inQuotes && (c === 10 || c === 13)) break;
    if (i - start > MAX_HEADER_LINE) break;
  }
  return i - start;
}

/** An error message when the first line is too long to be a header row, else null. */
export function checkHeaderLine(text: string): string | null {
  const len = firstLineLength(text);
  if (len <= MAX_HEADER_LINE) return null;
  const lineBreak = /[\r\n]/.test(text);
  const size = formatSize(lineBreak ? len : text.length);
  return lineBreak
    ? `The first line of the file is longer than ${formatSize(MAX_HEADER_LINE)}: it is not a CSV export with a header row.`
    : `The file is a single line of ${size} with no line break: it is not a CSV export (one header row, then one row per lead or touch), nor Unison JSON.`;
}

export { formatSize };
