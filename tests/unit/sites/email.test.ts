import { describe, expect, it } from 'vitest';
import { Window } from 'happy-dom';
import { emailsAt } from '@/utils/sites/dom';
import { emailSchema } from '@/utils/schema';
import { findEmails, firstEmail, isEmail, isRealTld, mailtoAddresses, nameBefore, normaliseEmail, parseAddress, parseAddressList } from '@/utils/email';

describe('address grammar and TLDs', () => {
  it('accepts ordinary addresses and the known lead set', () => {
    for (const e of ['ann@acme.io', 'raj.patel@globex.com', 'maria.gonzalez@initech.io', 'li.wei@umbrella.co', 'sofia.rossi@vandelay.it', 'ken.ito@stark.jp', 'nina.berg@wayne.no', 'first+tag@sub.example.co.uk', "o'brien@pub.ie", 'x_y-z@a-b.travel']) {
      expect(isEmail(e), e).toBe(true);
    }
  });

  it('accepts the reserved test names the fixtures use, and rejects invented TLDs', () => {
    expect(isEmail('bob@unknown.org')).toBe(true);
    expect(isEmail('sam@seller.example')).toBe(true);
    expect(isEmail('qa@shop.test')).toBe(true);
    expect(isEmail('dev@box.localhost')).toBe(true);
    expect(isEmail('a@b.invalid')).toBe(false);
    expect(isEmail('logo@2x.png')).toBe(false);
    expect(isEmail('name@host.local')).toBe(false);
    expect(isEmail('build@v1.zip')).toBe(false);
    expect(isRealTld('COM')).toBe(true);
    expect(isRealTld('xn--p1ai')).toBe(true);
    expect(isRealTld('js')).toBe(false);
  });

  it('accepts every generic TLD in use, the newer ones too, and no file name or private name', () => {
    // Leads the import accepts must be leads the page can show: none of these is in any list.
    for (const e of ['ann@smile.dental', 'li@firm.properties', 'raj@acme.institute', 'x@corp.clinic', 'ken@stark.photography', 'nina@wayne.xn--vermgensberater-ctb']) {
      expect(isEmail(e), e).toBe(true);
      expect(emailSchema.safeParse(e).success, e).toBe(true);
    }
    for (const e of ['a@b.zz', 'a@b.qq', 'hero@2x.webp', 'bundle@1.2.3.json', 'me@box.lan', 'it@server.internal', 'x@y.corp', 'cv@me.docx', 'v@w.m4a']) {
      expect(isEmail(e), e).toBe(false);
    }
    expect(findEmails('Write to ann@smile.dental, not logo@2x.png or build@v1.zip.').map((m) => m.email)).toEqual(['ann@smile.dental']);
  });

  it('rejects broken grammar and over-long parts', () => {
    for (const e of ['', 'ann', 'ann@', '@acme.io', 'ann@acme', 'ann..lee@acme.io', '.ann@acme.io', 'ann.@acme.io', 'ann@-acme.io', 'ann@acme-.io', 'ann lee@acme.io', 'Ann@acme.io', `${'a'.repeat(65)}@acme.io`, `a@${'b'.repeat(64)}.com`, `a@${'b.'.repeat(130)}com`]) {
      expect(isEmail(e), e).toBe(false);
    }
  });

  it('only returns addresses the background schema also accepts', () => {
    for (const e of ['ann@acme.io', "o'brien@pub.ie", 'first+tag@sub.example.co.uk', 'a.b-c_d@x.travel']) {
      expect(isEmail(e)).toBe(true);
      expect(emailSchema.safeParse(e).success, e).toBe(true);
    }
  });
});

describe('normalising what pages hold', () => {
  it('lower-cases, trims, strips mailto:, query strings, fragments and angle brackets, decodes %40', () => {
    expect(normaliseEmail('  Ann@ACME.io ')).toBe('ann@acme.io');
    expect(normaliseEmail('mailto:Ann@Acme.io?subject=Hi&cc=raj.patel@globex.com')).toBe('ann@acme.io');
    expect(normaliseEmail('MAILTO:ann@acme.io#x')).toBe('ann@acme.io');
    expect(normaliseEmail('<ann@acme.io>')).toBe('ann@acme.io');
    expect(normaliseEmail('ann%40acme.io')).toBe('ann@acme.io');
    expect(normaliseEmail('ann%4')).toBeNull();
    expect(normaliseEmail('117354092876551234567')).toBeNull();
    expect(normaliseEmail(null)).toBeNull();
    expect(normaliseEmail('Ann Lee <ann@acme.io>')).toBeNull();
  });

  it('reads every recipient of a mailto link, not the cc in its query', () => {
    expect(mailtoAddresses('mailto:ann@acme.io,Raj.Patel@globex.com?cc=li.wei@umbrella.co')).toEqual(['ann@acme.io', 'raj.patel@globex.com']);
    expect(mailtoAddresses('mailto:ann@acme.io%2Cken.ito@stark.jp')).toEqual(['ann@acme.io', 'ken.ito@stark.jp']);
    // Semicolons, as Outlook and Dynamics write lists; a trailing one.
    expect(mailtoAddresses('mailto:ann@acme.io;raj.patel@globex.com')).toEqual(['ann@acme.io', 'raj.patel@globex.com']);
    expect(mailtoAddresses('mailto:ann@acme.io%3BRaj.Patel@globex.com')).toEqual(['ann@acme.io', 'raj.patel@globex.com']);
    expect(mailtoAddresses('mailto:ann@acme.io;')).toEqual(['ann@acme.io']);
    expect(mailtoAddresses('https://acme.io/contact')).toEqual([]);
    expect(mailtoAddresses('mailto:')).toEqual([]);
  });

  it('parses Name <address> forms and lists', () => {
    expect(parseAddress('Ann Lee <ann@acme.io>')).toEqual({ email: 'ann@acme.io', name: 'Ann Lee' });
    expect(parseAddress('Ann Lee<Ann@Acme.io>')).toEqual({ email: 'ann@acme.io', name: 'Ann Lee' });
    expect(parseAddress('"Lee, Ann" <ann@acme.io>')).toEqual({ email: 'ann@acme.io', name: 'Lee, Ann' });
    expect(parseAddress('ann@acme.io')).toEqual({ email: 'ann@acme.io', name: null });
    expect(parseAddress('Ann Lee <not an address>')).toBeNull();
    expect(parseAddressList('Ann Lee <ann@acme.io>, "Patel, Raj" <raj.patel@globex.com>; li.wei@umbrella.co, garbage')).toEqual([
      { email: 'ann@acme.io', name: 'Ann Lee' },
      { email: 'raj.patel@globex.com', name: 'Patel, Raj' },
      { email: 'li.wei@umbrella.co', name: null },
    ]);
    expect(parseAddressList('')).toEqual([]);
  });
});

describe('addresses in running text', () => {
  it('finds each address with its position, and stops at punctuation', () => {
    const text = 'Write to Ann Lee <Ann@Acme.io>, raj.patel@globex.com. Or (li.wei@umbrella.co)!';
    const found = findEmails(text);
    expect(found.map((f) => f.email)).toEqual(['ann@acme.io', 'raj.patel@globex.com', 'li.wei@umbrella.co']);
    for (const f of found) expect(text.slice(f.start, f.end).toLowerCase()).toBe(f.email);
  });

  it('skips file names, versions and other things with an @ that are no address', () => {
    expect(findEmails('logo@2x.png, icon@3x.webp, npm i pkg@1.2.3, @mention, a@b, user@localhost')).toEqual([]);
    expect(findEmails('no at sign here')).toEqual([]);
    expect(firstEmail('x@y.zip then ken.ito@stark.jp')).toBe('ken.ito@stark.jp');
  });

  it('does not cut a longer address into a shorter one', () => {
    expect(findEmails('ann@acme.io.png')).toEqual([]);
    expect(findEmails('ann@acme.io.evil').map((m) => m.email)).toEqual(['ann@acme.io.evil']);
    expect(findEmails('ann@acme.io9')).toEqual([]);
    expect(findEmails('ann@acme.iox').map((m) => m.email)).toEqual(['ann@acme.iox']);
    expect(findEmails(`${'a'.repeat(70)}@acme.io`)).toEqual([]);
  });

  it('reads the display name written before an address', () => {
    const at = (t: string, e: string) => nameBefore(t, t.indexOf(e));
    expect(at('Ann Lee <ann@acme.io>', 'ann@')).toBe('Ann Lee');
    expect(at('From: Ann Lee<ann@acme.io>', 'ann@')).toBe('Ann Lee');
    expect(at('Looping in Maria Gonzalez <maria.gonzalez@initech.io> today', 'maria.')).toBe('Maria Gonzalez');
    expect(at('cc: Nina van der Berg <nina.berg@wayne.no>', 'nina.')).toBe('Nina van der Berg');
    expect(at('include Tom Baker (tom.baker@hooli.com)', 'tom.')).toBe('Tom Baker');
    expect(at('"Lee, Ann" <ann@acme.io>', 'ann@')).toBe('Lee, Ann');
    expect(at('write to ann@acme.io', 'ann@')).toBeNull();
    expect(at('see <ann@acme.io>', 'ann@')).toBeNull();
  });
});

describe('addresses at a selector (emailsAt)', () => {
  it('gives each address once, in first-seen order, and falls back to the text where the attributes hold none', () => {
    const doc = new Window().document;
    doc.body.innerHTML = [
      ...Array.from({ length: 50 }, () => '<span name="me" email="Sam@Seller.example">me</span>'),
      '<span name="me" email="ann@acme.io">me</span>',
      '<span name="me" email="">raj.patel@globex.com</span>',
      '<span name="me" email="">li.wei@umbrella.co</span>',
      '<span name="me" email="not an address">nothing here</span>',
      '<span name="me" email="sam@seller.example">me</span>',
    ].join('');
    // Two spans with the same (empty) attribute are still two writings: their texts differ.
    expect(emailsAt(doc as unknown as Document, 'span[name="me"]', ['email'])).toEqual(['sam@seller.example', 'ann@acme.io', 'raj.patel@globex.com', 'li.wei@umbrella.co']);
  });

  it('reads the text node by node: a name and an address in elements side by side are not run together', () => {
    const doc = new Window().document;
    doc.body.innerHTML = '<div class="acct"><b>Sam Ortiz</b><span>sam@seller.example</span></div>';
    expect(emailsAt(doc as unknown as Document, '.acct', [])).toEqual(['sam@seller.example']);
  });
});
