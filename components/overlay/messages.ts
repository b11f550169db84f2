/**
 * The content script's side of the protocol: thin wrappers around runtime messages. No zod here
 * (it would triple the content script's size); the background validates everything it receives,
 * and what comes back from the background is checked for shape before use.
 */
import { browser } from 'wxt/browser';
import type { FeedbackRequestInput, LeadCard, LeadSummary, UnisonResponse, Answers } from '@/utils/protocol';
import type { FeedbackEvent } from '@/utils/schema';

async function send<T extends UnisonResponse['type']>(message: object, type: T): Promise<Extract<UnisonResponse, { type: T }> | null> {
  try {
    const res = (await browser.runtime.sendMessage(message)) as UnisonResponse | undefined;
    return res && typeof res === 'object' && res.type === type ? (res as Extract<UnisonResponse, { type: T }>) : null;
  } catch {
    // The extension was reloaded or the background is gone: behave as if unknown.
    return null;
  }
}

export const api = {
  hello: () => send({ type: 'hello' }, 'hello'),
  lookup: async (emails: string[]): Promise<LeadSummary[] | null> => (await send({ type: 'lookup', emails }, 'lookup'))?.leads ?? null,
  card: async (email: string): Promise<LeadCard | null> => (await send({ type: 'card', email }, 'card'))?.card ?? null,
  feedback: async (input: FeedbackRequestInput): Promise<{ event: FeedbackEvent; answers: Answers } | null> => {
    const r = await send({ type: 'feedback', input }, 'feedback');
    return r?.ok ? r : null;
  },
  undo: async (id: string): Promise<Answers | null> => {
    const r = await send({ type: 'undo', id }, 'undo');
    return r?.ok ? r.answers : null;
  },
  note: async (id: string, note: string, noteId: string): Promise<Answers | null> => {
    const r = await send({ type: 'note', id, note, noteId }, 'note');
    return r?.ok ? r.answers : null;
  },
};
export type OverlayApi = typeof api;
