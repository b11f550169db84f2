/**
 * The build's stand-in for `is-potential-custom-element-name` (utils/custom-element-name.ts): on
 * ASCII names it answers as the package does; names outside ASCII it refuses.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import isPotentialCustomElementName from '@/utils/custom-element-name';

// The package itself, loaded by Node (not through the build's alias).
const original = createRequire(import.meta.url)('is-potential-custom-element-name') as (name: string) => boolean;

describe('custom element names', () => {
  it("accepts the card's name", () => {
    expect(isPotentialCustomElementName('unison-card')).toBe(true);
  });

  it('answers as the package does on ASCII names', () => {
    const names = ['unison-card', 'unison-badge', 'a-', 'x.y-z_1', 'a-b-c', 'a--b', 'my-el.2', 'unisoncard', 'Unison-card', 'unison-Card', '1-a', '-a', 'a b-c', 'a-b c', '', 'a_-', 'div', 'font-face'];
    for (const name of names) expect(isPotentialCustomElementName(name), name).toBe(original(name));
    expect(names.filter((n) => original(n)).length).toBeGreaterThan(5);
  });

  it('refuses names outside ASCII, which the card never has', () => {
    expect(original('émoji-ü')).toBe(false);
    expect(original('e-ü')).toBe(true);
    expect(isPotentialCustomElementName('e-ü')).toBe(false);
  });
});
