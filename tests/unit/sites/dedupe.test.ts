import { afterEach, describe, expect, it } from 'vitest';
import type { Window } from 'happy-dom';
import { generic } from '@/utils/sites/generic';
import { excludedByItself, hiddenByAttributes, untouchable } from '@/utils/sites/dom';
import { counts, pageFrom } from './load';

let win: Window | null = null;
afterEach(async () => {
  await win?.happyDOM.close();
  win = null;
});
const scan = (html: string) => {
  const p = pageFrom(html);
  win = p.window;
  return generic.scan(p.doc, p.doc);
};

describe('one mention per place', () => {
  it('a name with its address beside it is one mention', () => {
    expect(counts(scan('<p><span title="ann@acme.io">Ann Lee</span> <span>&lt;ann@acme.io&gt;</span></p>').mentions)).toEqual({ 'ann@acme.io': 1 });
    expect(counts(scan('<p>Ann Lee &lt;ann@acme.io&gt; <a href="mailto:ann@acme.io">write</a></p>').mentions)).toEqual({ 'ann@acme.io': 1 });
    expect(counts(scan('<table><tr><td><a href="mailto:ann@acme.io">Ann Lee</a></td><td><span>ann@acme.io</span></td></tr></table>').mentions)).toEqual({ 'ann@acme.io': 1 });
  });

  it('an element and what it holds are one mention', () => {
    expect(counts(scan('<div title="ann@acme.io"><span>ann@acme.io</span></div>').mentions)).toEqual({ 'ann@acme.io': 1 });
    expect(counts(scan('<button aria-label="Ann Lee ann@acme.io"><span title="ann@acme.io">Ann Lee &lt;ann@acme.io&gt;</span></button>').mentions)).toEqual({ 'ann@acme.io': 1 });
    const r = scan('<a href="mailto:ann@acme.io" title="ann@acme.io">ann@acme.io</a>');
    expect(r.mentions).toHaveLength(1);
    expect((r.mentions[0].anchor as Element).localName).toBe('a');
  });

  it('the same address in separate places is one mention per place', () => {
    expect(counts(scan('<p>Owner: ann@acme.io</p><p>Billing: ann@acme.io</p>').mentions)).toEqual({ 'ann@acme.io': 2 });
    expect(counts(scan('<table><tr><td>Ann</td><td>ann@acme.io</td></tr><tr><td>Ann (billing)</td><td>ann@acme.io</td></tr></table>').mentions)).toEqual({ 'ann@acme.io': 2 });
    expect(counts(scan('<ul><li><a href="mailto:ann@acme.io">Ann</a></li><li><a href="mailto:ann@acme.io">Ann again</a></li></ul>').mentions)).toEqual({ 'ann@acme.io': 2 });
    // Lines drawn with divs: the address written out on two of them is two mentions.
    expect(counts(scan('<div dir="ltr">Contract owner: ann@acme.io</div><div dir="ltr">Invoices also go to ann@acme.io</div>').mentions)).toEqual({ 'ann@acme.io': 2 });
    // An address shown alone twice, side by side (a contact without a name): one mention.
    expect(counts(scan('<div class="title">ann@acme.io</div><div class="email">ann@acme.io</div>').mentions)).toEqual({ 'ann@acme.io': 1 });
    // Rows and items drawn with divs and a role are places of their own.
    expect(counts(scan('<div role="list"><div role="listitem"><a href="mailto:ann@acme.io">ann@acme.io</a></div><div role="listitem"><a href="mailto:ann@acme.io">ann@acme.io</a></div></div>').mentions)).toEqual({ 'ann@acme.io': 2 });
    // Different addresses side by side are all kept.
    expect(counts(scan('<p><a href="mailto:ann@acme.io">Ann</a>, <a href="mailto:raj.patel@globex.com">Raj</a></p>').mentions)).toEqual({ 'ann@acme.io': 1, 'raj.patel@globex.com': 1 });
  });

  it('two addresses in one text node are two mentions, each with its own range', () => {
    const r = scan('<p>Write to ann@acme.io or raj.patel@globex.com.</p>');
    expect(r.mentions.map((m) => [m.email, m.textRange])).toEqual([
      ['ann@acme.io', [9, 20]],
      ['raj.patel@globex.com', [24, 44]],
    ]);
    expect(r.mentions[0].anchor).toBe(r.mentions[1].anchor);
  });

  it('without checkVisibility (older browsers) the attribute and structure checks still hold', () => {
    const p = pageFrom('<style>.gone{display:none}</style><div hidden>ann@acme.io</div><div aria-hidden="true">ann@acme.io</div><div style="visibility: hidden">ann@acme.io</div><div class="gone">raj.patel@globex.com</div>');
    win = p.window;
    expect(counts(generic.scan(p.doc, p.doc).mentions)).toEqual({});
    Object.defineProperty(win.Element.prototype, 'checkVisibility', { value: undefined, configurable: true });
    // Only stylesheet hiding needs the browser's check.
    expect(counts(generic.scan(p.doc, p.doc).mentions)).toEqual({ 'raj.patel@globex.com': 1 });
  });
});

describe('after badges are in the page', () => {
  it('a rescan finds the same mentions with Unison badges inserted beside them', () => {
    const p = pageFrom('<p><span title="ann@acme.io">Ann Lee</span> <span>&lt;ann@acme.io&gt;</span></p><p>Owner: raj.patel@globex.com, <a href="mailto:li.wei@umbrella.co">Li</a></p>');
    win = p.window;
    const first = generic.scan(p.doc, p.doc).mentions;
    for (const m of first) {
      const badge = p.doc.createElement('unison-badge');
      badge.setAttribute('data-unison-email', m.email);
      badge.attachShadow({ mode: 'open' }).append(Object.assign(p.doc.createElement('button'), { textContent: `Unison: campaign context for ${m.email}` }));
      m.anchor.parentNode!.insertBefore(badge, m.anchor.nextSibling);
    }
    const again = generic.scan(p.doc, p.doc).mentions;
    expect(again.map((m) => [m.email, m.anchor])).toEqual(first.map((m) => [m.email, m.anchor]));
    expect(counts(again)).toEqual({ 'ann@acme.io': 1, 'raj.patel@globex.com': 1, 'li.wei@umbrella.co': 1 });
  });
});

describe('excludedByItself', () => {
  it('says exactly what hiddenByAttributes and untouchable say together', () => {
    const html = [
      '<div></div>', '<div hidden></div>', '<div aria-hidden="true"></div>', '<div aria-hidden="false"></div>',
      '<div style="display:none"></div>', '<div style="color:red; display : none"></div>', '<div style="display:block"></div>',
      '<div style="visibility:hidden"></div>', '<div style="visibility:visible"></div>', '<input type="hidden">', '<input type="email">',
      '<textarea></textarea>', '<select></select>', '<script></script>', '<style></style>', '<svg></svg>', '<template></template>',
      '<div contenteditable></div>', '<div contenteditable="true"></div>', '<div contenteditable="false"></div>', '<div role="textbox"></div>',
      '<div role="button"></div>', '<span data-unison-email="a@b.co"></span>', '<span data-unison-ui></span>', '<span class="x" title="t"></span>',
    ].join('');
    const host = document.createElement('div');
    host.innerHTML = html;
    const els = [...host.querySelectorAll('*')].filter((e) => e.parentElement === host);
    expect(els.length).toBe(25);
    for (const el of els) expect([el.outerHTML, excludedByItself(el)]).toEqual([el.outerHTML, hiddenByAttributes(el) || untouchable(el)]);
  });
});
