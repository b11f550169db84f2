/**
 * Loads a host page fixture into its own happy-dom window at the page's real address. Scripts do
 * not run in these tests, so the fixtures' native shadow roots are built here the way the pages'
 * inline scripts build them: `<template id="TAG-template">` into an open shadow root of `<TAG>`.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Window } from 'happy-dom';
import type { Mention } from '@/utils/sites/types';

export interface Expected {
  site: string;
  url: string;
  customDomains?: string[];
  badges: Record<string, number>;
  others: Record<string, number>;
  own: string[];
}

const DIR = resolve(process.cwd(), 'tests/fixtures/pages');
export const EXPECTED: Record<string, Expected> = JSON.parse(readFileSync(resolve(DIR, 'expected.json'), 'utf8'));

/** The leads of the bundled and test campaign data (tests/fixtures/known-leads.json). */
export const KNOWN_LEADS: string[] = JSON.parse(readFileSync(resolve(process.cwd(), 'tests/fixtures/known-leads.json'), 'utf8'));

export interface Loaded {
  window: Window;
  doc: Document;
  url: URL;
  expected: Expected;
}

export function buildShadowRoots(doc: Document): number {
  let n = 0;
  for (const tpl of doc.querySelectorAll('template[id$="-template"]')) {
    const tag = tpl.id.slice(0, -'-template'.length);
    const host = doc.querySelector(tag);
    if (host && !host.shadowRoot) {
      host.attachShadow({ mode: 'open' }).appendChild((tpl as HTMLTemplateElement).content.cloneNode(true));
      n++;
    }
  }
  return n;
}

export function loadFixture(file: string, { shadow = true } = {}): Loaded {
  const expected = EXPECTED[file];
  if (!expected) throw new Error(`${file} is not in expected.json`);
  const window = new Window({ url: expected.url, width: 1280, height: 800 });
  const doc = window.document as unknown as Document;
  doc.write(readFileSync(resolve(DIR, file), 'utf8'));
  doc.close();
  if (shadow) buildShadowRoots(doc);
  return { window, doc, url: new URL(expected.url), expected };
}

/** Mentions per address. */
export function counts(mentions: Mention[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of mentions) out[m.email] = (out[m.email] ?? 0) + 1;
  return out;
}

export function knownCounts(mentions: Mention[]): Record<string, number> {
  const all = counts(mentions);
  return Object.fromEntries(Object.entries(all).filter(([e]) => KNOWN_LEADS.includes(e)));
}

export function otherCounts(mentions: Mention[]): Record<string, number> {
  const all = counts(mentions);
  return Object.fromEntries(Object.entries(all).filter(([e]) => !KNOWN_LEADS.includes(e)));
}

/** The mentions of one address. */
export function of(mentions: Mention[], email: string): Mention[] {
  return mentions.filter((m) => m.email === email);
}

/** The element a mention stands at (a Text anchor's parent). */
export function el(m: Mention): Element {
  return (m.anchor.nodeType === 3 ? m.anchor.parentElement : m.anchor) as Element;
}

/** A page from a snippet of HTML, at `url`. */
export function pageFrom(html: string, url = 'https://crm.example.com/'): { window: Window; doc: Document } {
  const window = new Window({ url, width: 1280, height: 800 });
  const doc = window.document as unknown as Document;
  doc.write(`<!doctype html><html><head><title>t</title></head><body>${html}</body></html>`);
  doc.close();
  return { window, doc };
}
