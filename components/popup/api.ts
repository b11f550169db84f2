/**
 * What the popup needs from the browser: the tab it is about, that tab's content script, the
 * background, and the options page. The production version uses `browser`; tests pass their
 * own tab side (WXT's fake browser cannot host a content script).
 */
import { browser } from 'wxt/browser';
import type { LeadCard, LeadSummary, SpottedReport, TabMessage, UnisonResponse } from '@/utils/protocol';

export interface TargetTab {
  id: number;
  /** Known for the sites Unison has host access to. */
  url?: string;
}

export interface PopupApi {
  /** The tab the popup reports on: `?tab=<id>` when given (end-to-end tests), else the active tab. */
  targetTab(): Promise<TargetTab | null>;
  /** Asks the tab's content script; rejects or resolves to nothing where none runs. */
  askTab(tabId: number, message: TabMessage): Promise<unknown>;
  /** Asks the background (runtime message). */
  send(message: object): Promise<unknown>;
  openOptions(): Promise<void>;
}

export function browserPopupApi(search: string = typeof location === 'undefined' ? '' : location.search): PopupApi {
  return {
    async targetTab() {
      const param = new URLSearchParams(search).get('tab');
      if (param !== null && /^\d+$/.test(param)) {
        const tab = await browser.tabs.get(Number(param)).catch(() => undefined);
        return tab && typeof tab.id === 'number' ? { id: tab.id, url: tab.url } : null;
      }
      const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
      return tab && typeof tab.id === 'number' ? { id: tab.id, url: tab.url } : null;
    },
    askTab: (tabId, message) => browser.tabs.sendMessage(tabId, message),
    send: (message) => browser.runtime.sendMessage(message),
    async openOptions() {
      await browser.runtime.openOptionsPage();
    },
  };
}

/** A content script's report, when it has the expected shape. */
export function asSpottedReport(value: unknown): SpottedReport | null {
  if (!value || typeof value !== 'object') return null;
  const r = value as Partial<SpottedReport>;
  if (!Array.isArray(r.leads) || typeof r.site !== 'string') return null;
  const leads = r.leads.filter(
    (l): l is SpottedReport['leads'][number] => !!l && typeof l === 'object' && typeof (l as { email?: unknown }).email === 'string',
  );
  return {
    site: r.site,
    leads: leads.map((l) => ({
      email: l.email.toLowerCase(),
      name: typeof l.name === 'string' ? l.name : null,
      firstCampaign: typeof l.firstCampaign === 'string' ? l.firstCampaign : null,
      answers: l.answers && typeof l.answers === 'object' ? l.answers : {},
    })),
    scanned: typeof r.scanned === 'number' && r.scanned >= 0 ? Math.floor(r.scanned) : leads.length,
    capped: r.capped === true,
  };
}

/** Picks the answer of the expected type out of a background reply. */
export function reply<T extends UnisonResponse['type']>(value: unknown, type: T): Extract<UnisonResponse, { type: T }> | null {
  return value && typeof value === 'object' && (value as { type?: unknown }).type === type ? (value as Extract<UnisonResponse, { type: T }>) : null;
}

export type { LeadCard, LeadSummary };
