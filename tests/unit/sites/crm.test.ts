import { afterEach, describe, expect, it } from 'vitest';
import { dynamics } from '@/utils/sites/dynamics';
import { pipedrive } from '@/utils/sites/pipedrive';
import { zoho } from '@/utils/sites/zoho';
import { loadFixture, of, type Loaded } from './load';

let page: Loaded | null = null;
afterEach(async () => {
  await page?.window.happyDOM.close();
  page = null;
});

describe('Dynamics 365', () => {
  it('reads addresses from input values, named by the form header', () => {
    page = loadFixture('dynamics-contact.html');
    const { doc } = page;
    const { mentions } = dynamics.scan(doc, doc);
    const ken = of(mentions, 'ken.ito@stark.jp');
    expect(ken).toHaveLength(1);
    expect((ken[0].anchor as Element).getAttribute('data-id')).toBe('emailaddress1.fieldControl-mail-text-input');
    expect(ken[0].name).toBe('Ken Ito');
    expect(of(mentions, 'ops@partner.example')).toHaveLength(1);
    expect(of(mentions, 'ann@acme.io')[0].name).toBe('Ann Lee');
    // The Details tab is hidden.
    expect(of(mentions, 'nina.berg@wayne.no')).toHaveLength(0);
  });

  it('follows value changes and leaves a focused input alone (the rep is editing it)', () => {
    page = loadFixture('dynamics-contact.html');
    const { doc } = page;
    const input = doc.querySelector('input[data-id="emailaddress3.fieldControl-mail-text-input"]') as HTMLInputElement;
    input.value = 'Raj.Patel@globex.com';
    expect(of(dynamics.scan(doc, doc).mentions, 'raj.patel@globex.com')).toHaveLength(1);
    expect(dynamics.isStillVisible(input, doc)).toBe(true);
    input.value = '';
    expect(dynamics.isStillVisible(input, doc)).toBe(false);
    const first = doc.querySelector('input[data-id="emailaddress1.fieldControl-mail-text-input"]') as HTMLInputElement;
    first.focus();
    expect(doc.activeElement).toBe(first);
    expect(of(dynamics.scan(doc, doc).mentions, 'ken.ito@stark.jp')).toHaveLength(0);
  });
});

describe('Pipedrive', () => {
  it('reads mailto links and text in email detail fields, not hidden tabs or the note being typed', () => {
    page = loadFixture('pipedrive-person.html');
    const { doc } = page;
    const { mentions } = pipedrive.scan(doc, doc);
    expect(mentions.map((m) => [m.email, m.name])).toEqual([
      ['maria.gonzalez@initech.io', 'Maria Gonzalez'],
      ['ops@partner.example', 'Maria Gonzalez'],
    ]);
    expect(of(mentions, 'raj.patel@globex.com')).toHaveLength(0);
    expect(of(mentions, 'li.wei@umbrella.co')).toHaveLength(0);
  });
});

describe('Pipedrive deal page', () => {
  it("names each person from their own block, not from the deal's title; not the hidden participants or the activity being typed", () => {
    page = loadFixture('pipedrive-deal.html');
    const { doc } = page;
    const { mentions } = pipedrive.scan(doc, doc);
    expect(mentions.map((m) => [m.email, m.name])).toEqual([
      ['raj.patel@globex.com', 'Raj Patel'],
      ['ann@acme.io', null],
      ['sam@seller.example', null],
    ]);
    expect(of(mentions, 'li.wei@umbrella.co')).toHaveLength(0);
    expect(of(mentions, 'ken.ito@stark.jp')).toHaveLength(0);
  });
});

describe('Zoho CRM', () => {
  it('reads a#subvalue_EMAIL once (it is a mailto link too), named from the header', () => {
    page = loadFixture('zoho-contact.html');
    const { doc } = page;
    const { mentions } = zoho.scan(doc, doc);
    const li = of(mentions, 'li.wei@umbrella.co');
    expect(li).toHaveLength(1);
    expect((li[0].anchor as Element).id).toBe('subvalue_EMAIL');
    expect(li[0].name).toBe('Li Wei');
    expect(of(mentions, 'ken.ito@stark.jp')).toHaveLength(0);
    // Opening the collapsed related list shows Ken.
    doc.querySelector('.relatedListCollapsed')!.classList.remove('relatedListCollapsed');
    expect(of(zoho.scan(doc, doc).mentions, 'ken.ito@stark.jp').map((m) => m.name)).toEqual(['Ken Ito']);
  });
});
