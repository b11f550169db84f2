import { useEffect, useRef, useState } from 'preact/hooks';
import type { Answers, FeedbackRequestInput, LeadCard } from '@/utils/protocol';
import { FORMAT_LABELS, REASON_LABELS } from '@/utils/labels';
import type { PoorFitReason, RequestFormat } from '@/utils/schema';
import { assetOf, firstCampaignTouch } from '@/utils/asset';
import { humanise } from './format';

/** The buttons marketing's questions are answered with; one click saves. */
export const REASONS = Object.entries(REASON_LABELS) as Array<[PoorFitReason, string]>;

export const FORMATS = Object.entries(FORMAT_LABELS) as Array<[RequestFormat, string]>;

const NOT_SAVED = 'Not saved. Reload the page and try again.';

/** How long the Undo button stays (the background allows a little longer). */
export const UNDO_SHOWN_MS = 8000;

export interface FeedbackActions {
  send: (input: FeedbackRequestInput) => Promise<{ id: string } | null>;
  undo: (id: string) => Promise<boolean>;
  /** A note on answer `id`; `noteId` is the note event's own id. */
  note: (id: string, note: string, noteId: string) => Promise<boolean>;
}

type Saved = { id: string; what: string; at: number };

export function Feedback({ card, answers, actions }: { card: LeadCard; answers: Answers; actions: FeedbackActions }) {
  const email = card.lead.email;
  // The lead's first campaign, as its `firstCampaign` is worked out on import.
  const firstCampaign = firstCampaignTouch(card.firstTouch, card.touches)?.campaignId ?? null;
  // Answers on the content go to the campaign that delivered it.
  const { content: asset, campaignId: assetCampaign } = assetOf(card);
  const [saved, setSaved] = useState<Saved | null>(null);
  const [error, setError] = useState('');
  const [noteOpen, setNoteOpen] = useState(false);
  const [note, setNote] = useState('');
  const [requestOpen, setRequestOpen] = useState(false);
  const [showReasons, setShowReasons] = useState(false);
  // Clicks are saved one after another, none dropped ("Poor fit", then a reason at once); the
  // same click twice within a second (a double click) is saved once.
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  const last = useRef<{ key: string; at: number; run?: Promise<boolean> }>({ key: '', at: 0 });
  // Event ids are made here, at the click. A save that failed keeps its id for the same save
  // again: one that reached the store after all (its answer lost on the way back) is stored once.
  // `unsaved`: the save not known to be stored, and its id (kept until it is).
  const unsaved = useRef(['', '']);
  const idFor = (key: string) => (unsaved.current = unsaved.current[0] === key ? unsaved.current : [key, crypto.randomUUID()])[1];
  const stored = (id: string) => unsaved.current[1] === id && (unsaved.current = ['', '']);
  const undone = useRef('');
  const root = useRef<HTMLDivElement>(null);
  const noteField = useRef<HTMLTextAreaElement>(null);
  const undoButton = useRef<HTMLButtonElement>(null);
  // Back to the card when the focused control goes away, so Escape still closes it.
  const refocus = () => (root.current?.closest('[role="dialog"]') as HTMLElement | null)?.focus();

  useEffect(() => {
    if (!saved) return;
    const t = setTimeout(() => {
      // The Undo button goes: when it has focus, the card takes it (Escape still closes it).
      const b = undoButton.current;
      if (b && (b.getRootNode() as Document | ShadowRoot).activeElement === b) refocus();
      setSaved((s) => (s && s.id === saved.id ? { ...s, at: 0 } : s));
    }, UNDO_SHOWN_MS);
    return () => clearTimeout(t);
  }, [saved?.id]);

  useEffect(() => {
    if (noteOpen) noteField.current?.focus();
  }, [noteOpen]);

  function record(input: FeedbackRequestInput, what: string): Promise<boolean> {
    const key = JSON.stringify(input);
    const now = Date.now();
    // The same click again: its answer (a save that failed may be tried again at once).
    if (key === last.current.key && now - last.current.at < 1000) return last.current.run!;
    const id = idFor(key);
    const run = queue.current.then(async () => {
      setError('');
      const res = await actions.send({ ...input, id }).catch(() => null);
      if (!res) {
        if (last.current.run === run) last.current.key = '';
        setError(NOT_SAVED);
        return false;
      }
      stored(id);
      setSaved({ id, what, at: Date.now() });
      setNoteOpen(false);
      setNote('');
      return true;
    });
    last.current = { key, at: now, run };
    queue.current = run;
    return run;
  }

  const q = answers.lead_quality;
  const rel = answers.content_relevance;
  const relForAsset = rel && (rel.contentId ?? null) === (asset?.id ?? null) ? rel : undefined;
  const info = answers.info_sufficiency;
  const common = { leadEmail: email };
  /** An answer's button: pressed when it is the saved answer; a click saves it (unless `before` says no). */
  const answer = (label: string, pressed: boolean, input: FeedbackRequestInput, before?: () => boolean | void) => (
    <button type="button" aria-pressed={pressed} onClick={() => before?.() !== false && void record(input, label)}>
      {label}
    </button>
  );

  return (
    <div class="feedback" ref={root}>
      <div class="q" role="group" aria-label="Lead quality">
        <span class="qlabel">Lead</span>
        {answer('Good lead', q?.value === 'good', { ...common, type: 'lead_quality', value: 'good', campaignId: firstCampaign }, () => setShowReasons(false))}
        {answer('Poor fit', q?.value === 'poor_fit', { ...common, type: 'lead_quality', value: 'poor_fit', campaignId: firstCampaign }, () => {
          setShowReasons(true);
          // Saved already: the click only offers the reasons again.
          return q?.value !== 'poor_fit';
        })}
      </div>
      {(showReasons || q?.value === 'poor_fit') && (
        <div class="reasons" role="group" aria-label="Why a poor fit">
          {REASONS.map(([value, label]) => (
            <button
              key={value}
              type="button"
              class="chip"
              aria-pressed={q?.value === 'poor_fit' && q.reason === value}
              onClick={() => void record({ ...common, type: 'lead_quality', value: 'poor_fit', reason: value, campaignId: firstCampaign }, `Poor fit: ${label}`)}
            >
              {label}
            </button>
          ))}
        </div>
      )}
      <div class="q" role="group" aria-label={asset ? `Content: ${asset.title}` : 'Content'}>
        <span class="qlabel">Content</span>
        {answer('Content relevant', relForAsset?.value === 'relevant', { ...common, type: 'content_relevance', value: 'relevant', contentId: asset?.id ?? null, campaignId: assetCampaign })}
        {answer('Content not relevant', relForAsset?.value === 'not_relevant', { ...common, type: 'content_relevance', value: 'not_relevant', contentId: asset?.id ?? null, campaignId: assetCampaign })}
      </div>
      <div class="q" role="group" aria-label="Information">
        <span class="qlabel">Info</span>
        {answer('Info sufficient', info?.value === 'sufficient', { ...common, type: 'info_sufficiency', value: 'sufficient', campaignId: firstCampaign })}
        {answer('Need more info', info?.value === 'insufficient', { ...common, type: 'info_sufficiency', value: 'insufficient', campaignId: firstCampaign })}
      </div>
      <div class="q">
        <button type="button" aria-expanded={requestOpen} onClick={() => setRequestOpen(!requestOpen)}>
          Request content
        </button>
      </div>
      {requestOpen && (
        <RequestForm
          product={card.product ?? ''}
          onSend={async (product, format, reqNote) => {
            // What the rep typed stays when the request could not be saved.
            const sent = await record(
              {
                ...common,
                type: 'content_request',
                value: 'requested',
                product: product || null,
                format: format as RequestFormat,
                note: reqNote || null,
                campaignId: assetCampaign,
                contentId: asset?.id ?? null,
              },
              `Requested ${humanise(format).toLowerCase()}${product ? ` on ${product}` : ''}`,
            );
            if (sent) {
              setRequestOpen(false);
              refocus();
            }
          }}
        />
      )}
      <div class="status" role="status" aria-live="polite">
        {error && <span class="error">{error}</span>}
        {saved && (
          <span>
            Saved: {saved.what}.{' '}
            {saved.at > 0 && (
              <button
                ref={undoButton}
                type="button"
                class="link"
                onClick={() => {
                  // In the queue too: a double click undoes once, and says nothing wrong.
                  const id = saved.id;
                  queue.current = queue.current.then(async () => {
                    if (undone.current === id) return;
                    if (await actions.undo(id).catch(() => false)) {
                      undone.current = id;
                      setSaved((s) => (s?.id === id ? null : s));
                      refocus();
                    } else setError('Too late to undo: change the answer instead.');
                  });
                }}
              >
                Undo
              </button>
            )}{' '}
            {!noteOpen && (
              <button type="button" class="link" onClick={() => setNoteOpen(true)}>
                Add a note
              </button>
            )}
          </span>
        )}
      </div>
      {saved && noteOpen && (
        <form
          class="note"
          onSubmit={async (e) => {
            e.preventDefault();
            const key = saved.id + note;
            const id = idFor(key);
            if (await actions.note(saved.id, note, id)) {
              stored(id);
              setNoteOpen(false);
              setSaved({ ...saved, what: `${saved.what} (with note)`, at: 0 });
              refocus();
            } else setError(NOT_SAVED);
          }}
        >
          <label>
            Note
            <textarea ref={noteField} maxLength={2000} rows={2} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
          </label>
          <button type="submit">Save note</button>
        </form>
      )}
    </div>
  );
}

function RequestForm({ product, onSend }: { product: string; onSend: (product: string, format: string, note: string) => Promise<void> }) {
  const [p, setP] = useState(product);
  const [format, setFormat] = useState<string>('case_study');
  const [n, setN] = useState('');
  return (
    <form
      class="request"
      aria-label="Request content"
      onSubmit={(e) => {
        e.preventDefault();
        void onSend(p.trim(), format, n.trim());
      }}
    >
      <label>
        Product
        <input type="text" maxLength={200} value={p} onInput={(e) => setP(e.currentTarget.value)} />
      </label>
      <label>
        Format
        <select value={format} onChange={(e) => setFormat(e.currentTarget.value)}>
          {FORMATS.map(([v, l]) => (
            <option key={v} value={v}>
              {l}
            </option>
          ))}
        </select>
      </label>
      <label>
        Note
        <textarea maxLength={2000} rows={2} value={n} onInput={(e) => setN(e.currentTarget.value)} />
      </label>
      <button type="submit" class="primary">
        Send request
      </button>
    </form>
  );
}
