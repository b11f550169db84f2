import { afterEach, describe, expect, it } from 'vitest';
import { gmail, GMAIL_SELECTORS } from '@/utils/sites/gmail';
import { el, knownCounts, loadFixture, of, type Loaded } from './load';

let page: Loaded | null = null;
afterEach(async () => {
  await page?.window.happyDOM.close();
  page = null;
});
const open = (file: string) => (page = loadFixture(file));

describe('Gmail thread list', () => {
  it('badges each sender once, not the hidden accessibility copy in div.afn', () => {
    const { doc } = open('gmail-inbox.html');
    // The trap is real: the copies are there, and a browser's visibility check does not hide them (they are clipped, not display:none).
    const copies = doc.querySelectorAll('.afn span[email="ann@acme.io"]');
    expect(copies.length).toBe(2);
    expect((copies[0] as HTMLElement).checkVisibility()).toBe(true);
    const { mentions } = gmail.scan(doc, doc);
    expect(of(mentions, 'ann@acme.io')).toHaveLength(2);
    for (const m of mentions) {
      expect(el(m).closest('.afn')).toBeNull();
      expect(el(m).closest('.yW')).not.toBeNull();
    }
    expect(of(mentions, 'ann@acme.io')[0]).toMatchObject({ name: 'Ann Lee' });
  });

  it('never badges the rep (name="me") and reports the rep\'s address from the page', () => {
    const { doc } = open('gmail-inbox.html');
    const { mentions } = gmail.scan(doc, doc);
    expect(doc.querySelectorAll('.yW [name="me"]').length).toBe(2);
    expect(of(mentions, 'sam@seller.example')).toHaveLength(0);
    expect(gmail.ownEmails(doc)).toEqual(['sam@seller.example']);
    // Each source on its own: the tab title, the account button, the me spans.
    const only = (source: 'title' | 'account' | 'me') => {
      const { doc: d } = open('gmail-inbox.html');
      if (source !== 'title') d.title = 'Inbox (3) - Gmail';
      if (source !== 'account') d.querySelector(GMAIL_SELECTORS.account)!.remove();
      if (source !== 'me') for (const n of [...d.querySelectorAll('[name="me"]')]) n.remove();
      return gmail.ownEmails(d);
    };
    expect(only('title')).toEqual(['sam@seller.example']);
    expect(only('account')).toEqual(['sam@seller.example']);
    expect(only('me')).toEqual(['sam@seller.example']);
    doc.title = 'Inbox (3) - Gmail';
    for (const n of [...doc.querySelectorAll('[name="me"]')]) n.remove();
    doc.querySelector(GMAIL_SELECTORS.account)!.remove();
    expect(gmail.ownEmails(doc)).toEqual([]);
  });

  it('ignores the hidden label view, and follows an in-page switch to it', () => {
    const { doc } = open('gmail-inbox.html');
    expect(of(gmail.scan(doc, doc).mentions, 'ken.ito@stark.jp')).toHaveLength(0);
    const before = gmail.scan(doc, doc).mentions;
    // Navigate to #label/Leads: Gmail hides the inbox view and shows the stored one.
    const [leads, inbox] = [...doc.querySelectorAll('.BltHke')] as HTMLElement[];
    inbox.style.display = 'none';
    inbox.removeAttribute('role');
    leads.style.display = '';
    leads.setAttribute('role', 'main');
    for (const m of before) expect(gmail.isStillVisible(m.anchor, doc)).toBe(false);
    const after = gmail.scan(doc, doc).mentions;
    expect(knownCounts(after)).toEqual({ 'ken.ito@stark.jp': 1 });
  });

  it('scans one added row on its own (rows that load later)', () => {
    const { doc } = open('gmail-inbox.html');
    const row = doc.querySelector('tr[id=":1g"]')!.cloneNode(true) as Element;
    row.id = ':1z';
    doc.querySelector('div[role="main"] tbody')!.append(row);
    const { mentions } = gmail.scan(row, doc);
    expect(mentions.map((m) => m.email)).toEqual(['li.wei@umbrella.co', 'tom.baker@hooli.com']);
    for (const m of mentions) expect(row.contains(m.anchor)).toBe(true);
  });
});

describe('Gmail open thread', () => {
  it('badges the sender of a collapsed message, but not its hidden recipients or body', () => {
    const { doc } = open('gmail-thread.html');
    const collapsed = doc.querySelector('.adn.kv')!;
    const { mentions } = gmail.scan(doc, doc);
    const inCollapsed = mentions.filter((m) => collapsed.contains(m.anchor));
    expect(inCollapsed.map((m) => [m.email, el(m).className])).toEqual([['ann@acme.io', 'gD']]);
  });

  it('finds the recipients and body of a message once it is expanded', () => {
    const { doc } = open('gmail-thread.html');
    const collapsed = doc.querySelector('.adn.kv')!;
    expect(of(gmail.scan(collapsed, doc).mentions, 'raj.patel@globex.com')).toHaveLength(0);
    collapsed.classList.remove('kv');
    collapsed.classList.add('h7');
    const { mentions } = gmail.scan(collapsed, doc);
    // Recipient chip and the mailto link in the body: two places.
    expect(of(mentions, 'raj.patel@globex.com')).toHaveLength(2);
    expect(gmail.isStillVisible(of(mentions, 'raj.patel@globex.com')[0].anchor, doc)).toBe(true);
    // Collapsing again hides them.
    collapsed.classList.add('kv');
    for (const m of of(mentions, 'raj.patel@globex.com')) expect(gmail.isStillVisible(m.anchor, doc)).toBe(false);
  });

  it('does not count span.go (the address beside the sender) or the avatars', () => {
    const { doc } = open('gmail-thread.html');
    const { mentions } = gmail.scan(doc, doc);
    expect(doc.querySelectorAll('span.go').length).toBe(3);
    expect(doc.querySelectorAll('img.ajn[jid]').length).toBe(5);
    for (const m of mentions) {
      expect(el(m).closest('span.go')).toBeNull();
      expect(el(m).localName).not.toBe('img');
    }
    const msg3 = doc.querySelectorAll('.adn.h7')[0];
    expect(mentions.filter((m) => msg3.contains(m.anchor) && m.email === 'ann@acme.io')).toHaveLength(1);
  });

  it('puts a sender\'s badge after the address written beside the name, elsewhere right after the mention', () => {
    const { doc } = open('gmail-thread.html');
    const { mentions } = gmail.scan(doc, doc);
    // The three senders whose address is written beside them (a collapsed message shows the name only).
    const senders = mentions.filter((m) => el(m).matches('span.gD') && el(m).parentElement!.querySelector(':scope > span.go'));
    expect(senders.length).toBe(3);
    for (const m of senders) {
      const after = gmail.badgeAfter(m.anchor) as Element;
      expect(after.matches('span.go')).toBe(true);
      expect(after.parentNode).toBe(m.anchor.parentNode);
      expect(after.textContent).toContain(m.email);
    }
    // Recipients, body links and a sender without the address beside it: right after the mention.
    const others = mentions.filter((m) => !senders.includes(m));
    expect(others.some((m) => el(m).matches('span.gD'))).toBe(true);
    expect(others.length).toBeGreaterThan(1);
    for (const m of others) expect(gmail.badgeAfter(m.anchor)).toBe(m.anchor);
    const sender = senders[0].anchor as Element;
    sender.parentNode!.querySelector('span.go')!.remove();
    expect(gmail.badgeAfter(sender)).toBe(sender);
  });

  it('reads only the sender of a collapsed message, whichever class collapses it (kv, kQ, kx)', () => {
    const { doc } = open('gmail-thread.html');
    // Without the page's styles: the adapter's own rule must leave the hidden parts out.
    for (const style of doc.querySelectorAll('style')) style.remove();
    const { mentions } = gmail.scan(doc, doc);
    for (const cls of ['kv', 'kQ', 'kx']) {
      const msg = doc.querySelector(`.adn.${cls}`)!;
      const inside = mentions.filter((m) => msg.contains(m.anchor));
      expect(inside.map((m) => el(m).className), cls).toEqual(['gD']);
    }
    // The collapsed kx message's recipient (Tom) and body link (Maria) are not read there.
    const kx = doc.querySelector('.adn.kx')!;
    expect(mentions.some((m) => kx.contains(m.anchor) && (m.email === 'tom.baker@hooli.com' || m.email === 'maria.gonzalez@initech.io'))).toBe(false);
  });

  it('validates data-hovercard-id: a person id is no address', () => {
    const { doc } = open('gmail-thread.html');
    const { mentions } = gmail.scan(doc, doc);
    // Li Wei as a recipient: person id in data-hovercard-id, address in `email` (and once as a sender).
    const li = of(mentions, 'li.wei@umbrella.co').map((m) => el(m).getAttribute('data-hovercard-id'));
    expect(li.sort()).toEqual(['117354092876551234567', 'li.wei@umbrella.co']);
    // Partner Ops: only a person id, so no mention at all.
    const ops = doc.querySelector('[data-hovercard-id="109876543210987654321"]')!;
    expect(mentions.some((m) => m.anchor === ops || ops.contains(m.anchor))).toBe(false);
  });

  it('reads body mailto links and plain-text addresses, one mention each', () => {
    const { doc } = open('gmail-thread.html');
    const { mentions } = gmail.scan(doc, doc);
    const maria = of(mentions, 'maria.gonzalez@initech.io');
    expect(maria).toHaveLength(1);
    expect(maria[0].anchor.nodeType).toBe(3);
    expect(maria[0].name).toBe('Maria Gonzalez');
    const tom = of(mentions, 'tom.baker@hooli.com');
    expect(tom).toHaveLength(1);
    expect((tom[0].anchor as Element).localName).toBe('a');
    expect(tom[0].name).toBe('Tom Baker');
    // A mailto link whose text is the address: one mention (the link), not two.
    const body4 = doc.querySelectorAll('.adn.h7')[1].querySelector('div.a3s')!;
    expect(mentions.filter((m) => body4.contains(m.anchor) && m.email === 'nina.berg@wayne.no')).toHaveLength(1);
    // A trailing full stop is not part of the address.
    expect(of(mentions, 'support@vendor.example')).toHaveLength(1);
  });

  it('skips trimmed quoted text, the hidden inbox list and the reply being typed', () => {
    const { doc } = open('gmail-thread.html');
    const { mentions } = gmail.scan(doc, doc);
    expect(of(mentions, 'ken.ito@stark.jp')).toHaveLength(0);
    expect(of(mentions, 'sofia.rossi@vandelay.it')).toHaveLength(0);
    const hiddenList = doc.querySelector('.BltHke[style]')!;
    expect(mentions.some((m) => hiddenList.contains(m.anchor))).toBe(false);
    // "Show trimmed content" reveals the quote.
    doc.querySelector('.adL')!.classList.remove('adL');
    expect(of(gmail.scan(doc, doc).mentions, 'ken.ito@stark.jp')).toHaveLength(1);
  });
});

describe('Gmail compose', () => {
  it('badges To/Cc chips by data-hovercard-id with data-name, never the person-id chip or what is typed', () => {
    const { doc } = open('gmail-compose.html');
    const { mentions } = gmail.scan(doc, doc);
    const ann = of(mentions, 'ann@acme.io');
    expect(ann).toHaveLength(1);
    expect(el(ann[0]).matches('[role="option"]')).toBe(true);
    expect(el(ann[0]).closest('div[name]')!.getAttribute('name')).toBe('to');
    expect(ann[0].name).toBe('Ann Lee');
    expect(el(of(mentions, 'raj.patel@globex.com')[0]).closest('div[name]')!.getAttribute('name')).toBe('cc');
    const personChip = doc.querySelector('[data-hovercard-id="112233445566778899001"]')!;
    expect(mentions.some((m) => m.anchor === personChip)).toBe(false);
    // The recipient input holds ken.ito@ being typed; the body holds maria, li and a mailto for tom.
    for (const e of ['maria.gonzalez@initech.io', 'li.wei@umbrella.co', 'tom.baker@hooli.com']) expect(of(mentions, e)).toHaveLength(0);
    expect(mentions.filter((m) => el(m).closest('[contenteditable="true"]'))).toEqual([]);
  });

  it('reads the older chip layout: span.vN[email], or the hidden input when the span has none', () => {
    const { doc } = open('gmail-compose.html');
    const { mentions } = gmail.scan(doc, doc);
    expect(of(mentions, 'nina.berg@wayne.no')).toHaveLength(1);
    expect(el(of(mentions, 'nina.berg@wayne.no')[0]).matches('span.vN')).toBe(true);
    const ken = of(mentions, 'ken.ito@stark.jp');
    expect(ken).toHaveLength(1);
    expect(ken[0].name).toBe('Ito, Ken');
    expect(el(ken[0]).matches('span.vN')).toBe(true);
    expect(el(ken[0]).closest('.vR')!.querySelector('input[type=hidden]')!.getAttribute('value')).toContain('ken.ito@stark.jp');
  });

  it('finds a chip added after load and drops it when removed', () => {
    const { doc } = open('gmail-compose.html');
    const cc = doc.querySelector('div[name="cc"]')!;
    const chip = doc.createElement('div');
    chip.className = 'afV';
    chip.setAttribute('role', 'option');
    chip.setAttribute('data-hovercard-id', 'Li.Wei@umbrella.co');
    chip.setAttribute('data-name', 'Li Wei');
    const label = doc.createElement('div');
    label.className = 'akl';
    label.textContent = 'Li Wei';
    chip.append(label);
    cc.insertBefore(chip, cc.querySelector('input'));
    const added = gmail.scan(chip, doc);
    expect(added.mentions).toEqual([{ email: 'li.wei@umbrella.co', name: 'Li Wei', anchor: chip }]);
    expect(knownCounts(gmail.scan(doc, doc).mentions)['li.wei@umbrella.co']).toBe(1);
    expect(gmail.isStillVisible(chip, doc)).toBe(true);
    chip.remove();
    expect(gmail.isStillVisible(chip, doc)).toBe(false);
    expect(knownCounts(gmail.scan(doc, doc).mentions)['li.wei@umbrella.co']).toBeUndefined();
  });
});
