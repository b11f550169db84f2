import { afterEach, describe, expect, it } from 'vitest';
import { Window } from 'happy-dom';
import { generic } from '@/utils/sites/generic';
import { hubspot } from '@/utils/sites/hubspot';
import { salesforce } from '@/utils/sites/salesforce';
import { gmail } from '@/utils/sites/gmail';
import { pageFrom } from './load';

let win: Window | null = null;
afterEach(async () => {
  await win?.happyDOM.close();
  win = null;
});

/** A page built from repeated rows (the DOM API only, no HTML strings). */
function page(url: string, rows: number, build: (doc: Document, i: number) => Element, container = 'tbody'): Document {
  win = new Window({ url });
  const doc = win.document as unknown as Document;
  const table = doc.createElement(container === 'tbody' ? 'table' : 'div');
  const body = doc.createElement(container);
  table.append(body);
  doc.body.append(table);
  for (let i = 0; i < rows; i++) body.append(build(doc, i));
  return doc;
}

function hubspotRow(doc: Document, i: number): Element {
  const tr = doc.createElement('tr');
  tr.setAttribute('data-test-id', `row-${i}`);
  const name = doc.createElement('td');
  const a = doc.createElement('a');
  a.href = `/contacts/1/record/0-1/${i}`;
  a.textContent = `Person ${i}`;
  name.append(a);
  const mail = doc.createElement('td');
  const span = doc.createElement('span');
  span.textContent = `person${i}@company${i % 50}.com`;
  mail.append(span);
  const other = doc.createElement('td');
  other.textContent = 'Some company';
  tr.append(name, mail, other);
  return tr;
}

function salesforceRow(doc: Document, i: number): Element {
  const tr = doc.createElement('tr');
  const th = doc.createElement('th');
  th.setAttribute('scope', 'row');
  const a = doc.createElement('a');
  a.title = `Person ${i}`;
  a.textContent = `Person ${i}`;
  th.append(a);
  const td = doc.createElement('td');
  const fe = doc.createElement('lightning-formatted-email');
  const m = doc.createElement('a');
  m.href = `mailto:person${i}@company.com`;
  m.textContent = `person${i}@company.com`;
  fe.append(m);
  td.append(fe);
  tr.append(th, td);
  return tr;
}

describe('limit and capped', () => {
  it('stops at the limit and says so; a limit the page fits in is not capped', () => {
    const doc = page('https://crm.example.com/', 300, hubspotRow);
    const all = generic.scan(doc, doc);
    expect(all.mentions).toHaveLength(300);
    expect(all.capped).toBe(false);
    const capped = generic.scan(doc, doc, { limit: 100 });
    expect(capped.mentions).toHaveLength(100);
    expect(capped.capped).toBe(true);
    expect(capped.mentions.map((m) => m.email)).toEqual(all.mentions.slice(0, 100).map((m) => m.email));
    expect(generic.scan(doc, doc, { limit: 300 }).capped).toBe(false);
    expect(generic.scan(doc, doc, { limit: 0 })).toMatchObject({ mentions: [], capped: true });
  });

  it('stops at the address cap as well, counting addresses that are no mention', () => {
    const doc = page('https://crm.example.com/', 300, hubspotRow);
    // None wanted (none may be a lead): no mention, yet each address is read, up to the cap.
    const r = generic.scan(doc, doc, { addressLimit: 40, wanted: () => false });
    expect(r).toMatchObject({ mentions: [], scanned: 40, capped: true });
    const wanted = generic.scan(doc, doc, { addressLimit: 40 });
    expect(wanted.mentions).toHaveLength(40);
    expect(wanted.capped).toBe(true);
    expect(generic.scan(doc, doc, { addressLimit: 300, wanted: () => false })).toMatchObject({ scanned: 300, capped: false });
  });

  it('caps each adapter, not only the generic one', () => {
    const doc = page('https://x.lightning.force.com/lightning/o/Contact/list', 50, salesforceRow);
    const r = salesforce.scan(doc, doc, { limit: 10 });
    expect(r.mentions).toHaveLength(10);
    expect(r.capped).toBe(true);
    expect(r.mentions[0].name).toBe('Person 0');
  });

  it('a page with 50,000 addresses: a capped scan stops looking once it is full', () => {
    const p = pageFrom(Array.from({ length: 50_000 }, (_, i) => `<p>Contact ${i}: person${i}@company.com</p>`).join(''));
    win = p.window;
    const r = generic.scan(p.doc, p.doc, { limit: 500 });
    expect(r.mentions).toHaveLength(500);
    expect(r.capped).toBe(true);
    // It looked at one address past the cap, not at the 50,000.
    expect(r.scanned).toBe(501);
    expect(r.mentions[499].email).toBe('person499@company.com');
  }, 60_000);
});

describe('large lists', () => {
  // Timing is measured in Chromium by the benchmark; happy-dom is no guide to it.
  it('scans a 2,000-row HubSpot list in one pass', () => {
    const hs = page('https://app.hubspot.com/contacts/1/objects/0-1/views/all/list', 2000, hubspotRow);
    const a = hubspot.scan(hs, hs);
    expect(a.mentions).toHaveLength(2000);
    expect(a.mentions[1999]).toMatchObject({ email: 'person1999@company49.com', name: 'Person 1999' });
  }, 60_000);

  it('scans a 2,000-row Salesforce list in one pass', () => {
    const sf = page('https://x.lightning.force.com/lightning/o/Contact/list', 2000, salesforceRow);
    const b = salesforce.scan(sf, sf);
    expect(b.mentions).toHaveLength(2000);
    expect(b.mentions[0].name).toBe('Person 0');
  }, 60_000);

  it('scans a 100-row Gmail inbox', () => {
    const doc = page('https://mail.google.com/mail/u/0/#inbox', 100, (d, i) => {
      const tr = d.createElement('tr');
      tr.className = 'zA yO';
      const td = d.createElement('td');
      for (const cls of ['afn', 'yW']) {
        const div = d.createElement('div');
        div.className = cls;
        const s = d.createElement('span');
        s.className = 'yP';
        s.setAttribute('email', `sender${i}@company.com`);
        s.setAttribute('name', `Sender ${i}`);
        s.textContent = `Sender ${i}`;
        div.append(s);
        td.append(div);
      }
      tr.append(td);
      return tr;
    });
    const r = gmail.scan(doc, doc);
    expect(r.mentions).toHaveLength(100);
    expect(r.scanned).toBe(200);
  });
});
