/** Percent-decoded text (`ann%40acme.io` gives `ann@acme.io`), or the text as it is when it is not valid percent-encoding. */
export function decodeOrKeep(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
