import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Answers, LeadCard, TouchView } from '@/utils/protocol';
import { Feedback, type FeedbackActions } from './Feedback';
import { humanise, safeHref, shortDate } from './format';

/** A link only for http(s) URLs; anything else is plain text. */
export function SafeLink({ href, children }: { href: string | null | undefined; children: string }) {
  const safe = safeHref(href);
  return safe ? (
    <a href={safe} target="_blank" rel="noopener noreferrer">
      {children}
    </a>
  ) : (
    <span>{children}</span>
  );
}

function utmText(t: TouchView | null): string {
  const utm = t?.utm ?? t?.campaign?.utm;
  if (!utm) return '';
  return (['source', 'medium', 'campaign', 'content', 'term'] as const)
    .filter((k) => utm[k])
    .map((k) => `${k}=${utm[k]}`)
    .join(' · ');
}

function TouchBlock({ label, touch }: { label: string; touch: TouchView | null }) {
  if (!touch) return null;
  const channel = touch.channel ?? touch.campaign?.channel;
  const campaign = touch.campaign?.name ?? touch.campaignId;
  const utm = utmText(touch);
  return (
    <div class="touch">
      <div class="touch-label">{label}</div>
      {/* A touch with no campaign (organic search, a direct visit) is known by its channel. */}
      <div class="touch-campaign">{campaign ?? channel ?? 'Unknown campaign'}</div>
      <div class="muted small">{[campaign ? channel : null, shortDate(touch.at)].filter(Boolean).join(' · ')}</div>
      {utm && <div class="muted small utm">{utm}</div>}
    </div>
  );
}

export interface CardProps {
  email: string;
  card: LeadCard | null;
  loading: boolean;
  answers: Answers;
  actions: FeedbackActions;
  onClose: () => void;
}

/** The lead's campaign context and the feedback buttons, as a non-modal dialog. */
export function Card({ email, card, loading, answers, actions, onClose }: CardProps) {
  const root = useRef<HTMLDivElement>(null);
  const [expanded, setExpanded] = useState(false);
  const lead = card?.lead;
  const name = lead?.name || email;
  const score = lead?.score ?? '';
  const oneTouch = card?.latestTouch?.id === card?.firstTouch?.id;

  useLayoutEffect(() => {
    root.current?.focus();
  }, [email]);

  useEffect(() => setExpanded(false), [email]);

  const headingId = 'unison-card-title';
  return (
    <div
      ref={root}
      class="card"
      role="dialog"
      aria-labelledby={headingId}
      tabIndex={-1}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <div class="card-head">
        <div>
          <h2 id={headingId} class="name">
            {name}
          </h2>
          {lead?.name && <div class="muted small">{email}</div>}
          {(lead?.title || lead?.company) && <div class="small">{[lead?.title, lead?.company].filter(Boolean).join(', ')}</div>}
        </div>
        <button type="button" class="close" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </div>
      {loading && !card && <p class="muted">Loading…</p>}
      {/* A badged contact is a known lead: no card means the background could not answer (the
          extension was updated, the campaign data was replaced). */}
      {!loading && !card && <p class="muted">Could not load this contact's campaign data. Reload the page and try again.</p>}
      {card && (
        <>
          {(score !== '' || lead?.stage || card.product) && (
            <div class="facts small">
              {score !== '' && (
                <span>
                  Score <strong>{String(score)}</strong>
                </span>
              )}
              {lead?.stage && <span>{humanise(lead.stage)}</span>}
              {card.product && <span>Product: {card.product}</span>}
            </div>
          )}
          <div class="touches">
            {/* One touch only: it is the first and the latest, said so rather than shown twice. */}
            <TouchBlock label={oneTouch ? 'First and latest touch' : 'First touch'} touch={card.firstTouch} />
            {!oneTouch && <TouchBlock label="Latest touch" touch={card.latestTouch} />}
          </div>
          {card.consumed.length > 0 && (
            <section class="content" aria-label="Content consumed">
              <h3>Content consumed</h3>
              <ul>
                {card.consumed.map(({ content, at }) => (
                  <li key={content.id}>
                    <SafeLink href={content.url}>{content.title || content.id}</SafeLink>
                    <span class="muted small"> {[humanise(content.type), shortDate(at)].filter(Boolean).join(' · ')}</span>
                  </li>
                ))}
              </ul>
            </section>
          )}
          {card.touches.length > 1 && (
            <details class="timeline" open={expanded} onToggle={(e) => setExpanded((e.currentTarget as HTMLDetailsElement).open)}>
              <summary>All touches ({card.touches.length})</summary>
              <ol>
                {card.touches.map((t) => (
                  <li key={t.id}>
                    <span class="small">{shortDate(t.at) || 'undated'}</span> {t.campaign?.name ?? t.campaignId ?? ''}
                    {[t.channel ?? t.campaign?.channel, t.content?.title].filter(Boolean).map((bit, i) => (
                      <span key={i} class="muted small"> · {bit}</span>
                    ))}
                  </li>
                ))}
              </ol>
            </details>
          )}
          <Feedback card={card} answers={answers} actions={actions} />
        </>
      )}
    </div>
  );
}
