import { describe, expect, it } from 'vitest';
import { LOOKUP_MAX, parseRequest, parseTabMessage } from '@/utils/protocol';
import { FEEDBACK_VALUES, NOTE_MAX, POOR_FIT_REASONS, REQUEST_FORMATS } from '@/utils/schema';

describe('parseRequest', () => {
  it('accepts every answer of the contract', () => {
    for (const value of FEEDBACK_VALUES.lead_quality) {
      expect(parseRequest({ type: 'feedback', input: { type: 'lead_quality', value, leadEmail: 'ann@acme.io' } }, 'content')).not.toBeNull();
    }
    for (const reason of POOR_FIT_REASONS) {
      expect(parseRequest({ type: 'feedback', input: { type: 'lead_quality', value: 'poor_fit', reason, leadEmail: 'ann@acme.io' } }, 'content')).not.toBeNull();
    }
    for (const value of FEEDBACK_VALUES.content_relevance) {
      expect(
        parseRequest({ type: 'feedback', input: { type: 'content_relevance', value, leadEmail: 'ann@acme.io', contentId: 'ast-roi-calc' } }, 'content'),
      ).not.toBeNull();
    }
    for (const value of FEEDBACK_VALUES.info_sufficiency) {
      expect(parseRequest({ type: 'feedback', input: { type: 'info_sufficiency', value, leadEmail: 'ann@acme.io' } }, 'content')).not.toBeNull();
    }
    for (const format of REQUEST_FORMATS) {
      expect(
        parseRequest({ type: 'feedback', input: { type: 'content_request', value: 'requested', format, product: 'Forecasting', leadEmail: null } }, 'page'),
      ).not.toBeNull();
    }
  });

  it('keeps the fields it knows and normalises the address', () => {
    expect(
      parseRequest({ type: 'feedback', input: { type: 'lead_quality', value: 'good', leadEmail: ' Ann@Acme.IO ', note: 'x'.repeat(NOTE_MAX) } }, 'content'),
    ).toEqual({ type: 'feedback', input: { type: 'lead_quality', value: 'good', leadEmail: 'ann@acme.io', note: 'x'.repeat(NOTE_MAX) } });
  });

  it("keeps a click's own id, made at the click, when it is a UUID, and refuses any other", () => {
    const id = crypto.randomUUID();
    const input = { type: 'lead_quality', value: 'good', leadEmail: 'ann@acme.io' };
    expect(parseRequest({ type: 'feedback', input: { ...input, id } }, 'content')).toEqual({ type: 'feedback', input: { ...input, id } });
    expect(parseRequest({ type: 'feedback', input: { ...input, id: 'click-1' } }, 'content')).toBeNull();
    expect(parseRequest({ type: 'note', id, note: 'x', noteId: crypto.randomUUID() }, 'content')).not.toBeNull();
    expect(parseRequest({ type: 'note', id, note: 'x', noteId: 'note-1' }, 'content')).toBeNull();
  });

  it('refuses fields it does not know, anywhere in the message', () => {
    const input = { type: 'info_sufficiency', value: 'sufficient', leadEmail: 'ann@acme.io' };
    expect(parseRequest({ type: 'feedback', input }, 'content')).not.toBeNull();
    expect(parseRequest({ type: 'feedback', input: { ...input, site: 'popup' } }, 'content')).toBeNull();
    expect(parseRequest({ type: 'feedback', input: { ...input, reason: 'no_budget' } }, 'content')).toBeNull();
    expect(parseRequest({ type: 'feedback', input: { ...input, format: 'pricing' } }, 'content')).toBeNull();
    expect(parseRequest({ type: 'feedback', input, extra: 1 }, 'content')).toBeNull();
    expect(parseRequest({ type: 'pending-count', all: true }, 'page')).toBeNull();
  });

  it('separates what content scripts may ask from what extension pages may ask', () => {
    for (const type of ['pending-count', 'sync-now', 'settings-changed', 'data-changed']) {
      expect(parseRequest({ type }, 'content')).toBeNull();
      expect(parseRequest({ type }, 'page')).toEqual({ type });
    }
  });

  it('bounds lookups', () => {
    expect(parseRequest({ type: 'lookup', emails: ['ann@acme.io'] }, 'content')).not.toBeNull();
    expect(parseRequest({ type: 'lookup', emails: Array(LOOKUP_MAX).fill('ann@acme.io') }, 'content')).not.toBeNull();
    expect(parseRequest({ type: 'lookup', emails: Array(LOOKUP_MAX + 1).fill('ann@acme.io') }, 'content')).toBeNull();
    expect(parseRequest({ type: 'lookup', emails: ['x'.repeat(321)] }, 'content')).toBeNull();
    expect(parseRequest({ type: 'lookup', emails: 'ann@acme.io' }, 'content')).toBeNull();
  });

  it('checks undo and note ids', () => {
    expect(parseRequest({ type: 'undo', id: 'abc' }, 'content')).toBeNull();
    expect(parseRequest({ type: 'undo', id: '0d6f9c1e-6a4f-4c53-9d43-2b0a3f6f9a10' }, 'content')).not.toBeNull();
    expect(parseRequest({ type: 'note', id: '0d6f9c1e-6a4f-4c53-9d43-2b0a3f6f9a10', note: 'x'.repeat(NOTE_MAX + 1) }, 'content')).toBeNull();
  });
});

describe('parseTabMessage', () => {
  it('knows what the background and the popup send to tabs', () => {
    expect(parseTabMessage({ type: 'get-spotted' })).toEqual({ type: 'get-spotted' });
    expect(parseTabMessage({ type: 'data-changed' })).toEqual({ type: 'data-changed' });
    expect(parseTabMessage({ type: 'answers-changed', email: 'Ann@acme.io', answers: {} })).toEqual({ type: 'answers-changed', email: 'ann@acme.io', answers: {} });
    expect(parseTabMessage({ type: 'answers-changed', email: 'nope', answers: {} })).toBeNull();
    expect(parseTabMessage({ type: 'run', code: 'alert(1)' })).toBeNull();
  });
});
