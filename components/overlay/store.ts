/** Shared overlay state: one signal per known lead on the page, and the open card. */
import { signal, type Signal } from '@preact/signals';
import type { LeadSummary } from '@/utils/protocol';
import type { EventSite } from '@/utils/sites/hosts';

const leads = new Map<string, Signal<LeadSummary>>();

export function leadSignal(lead: LeadSummary): Signal<LeadSummary> {
  let s = leads.get(lead.email);
  if (!s) {
    s = signal(lead);
    leads.set(lead.email, s);
  }
  return s;
}

export function getLeadSignal(email: string): Signal<LeadSummary> | undefined {
  return leads.get(email);
}

export function setLead(lead: LeadSummary): void {
  const s = leads.get(lead.email);
  if (s) s.value = lead;
  else leads.set(lead.email, signal(lead));
}

export interface OpenCard {
  email: string;
  /** The badge button to give focus back to. */
  opener: HTMLElement | null;
  rect: { top: number; left: number; bottom: number; right: number };
}

export const openCard = signal<OpenCard | null>(null);
export const currentSite = signal<EventSite>('custom');
/** Whether the host page looks dark (Gmail dark themes): the overlay follows it. */
export const pageIsDark = signal(false);
