/**
 * Stands in for `is-potential-custom-element-name` in the build (see `wxt.config.ts`). WXT's
 * shadow-root UI checks the name of the element it makes with it; that package's pattern spells
 * out every Unicode range a custom element name may use, about 390 bytes gzipped in a content
 * script that every host page loads. Unison's one name (`unison-card`) is plain ASCII, which this
 * narrower pattern accepts: a lowercase letter, then letters, digits, `.`, `_` or `-`, with a
 * hyphen after the first letter. A name it refuses fails at once with WXT's own error.
 */
export default function isPotentialCustomElementName(name: string): boolean {
  return /^[a-z][.\w]*-[-.\w]*$/.test(name) && name.toLowerCase() === name;
}
