/**
 * Shared overlay state: one signal per known lead on the page, and the open card.
 * The content script uses the signals core with a small hook (`useSignalValue`) rather than the
 * Preact integration of @preact/signals, which would add a fifth to its size budget.
 */
import { signal, type Signal } from '@preact/signals-core';
import { useEffect, useReducer } from 'preact/hooks';
import type { LeadSummary } from '@/utils/protocol';

/** Reads a signal in a component and renders again when it changes. */
export function useSignalValue<T>(s: Signal<T>): T {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    let first = true;
    return s.subscribe(() => {
      if (first) first = false;
      else rerender(0);
    });
  }, [s]);
  return s.value;
}

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

let onChange: ((lead: LeadSummary) => void) | null = null;

/** The one listener told of every lead change (the badges' registry, see Badge.ts). */
export function onLeadChange(fn: (lead: LeadSummary) => void): void {
  onChange = fn;
}

export function setLead(lead: LeadSummary): void {
  const s = leads.get(lead.email);
  if (s) s.value = lead;
  else leads.set(lead.email, signal(lead));
  onChange?.(lead);
}

export interface OpenCard {
  email: string;
  /** The badge button to give focus back to. */
  opener: HTMLElement | null;
  rect: { top: number; left: number; bottom: number; right: number };
}

export const openCard = signal<OpenCard | null>(null);
/** Whether the host page looks dark (Gmail dark themes): the overlay follows it. */
export const pageIsDark = signal(false);
