import type { Signal } from '@preact/signals-core';
import type { LeadSummary } from '@/utils/protocol';
import { openCard, useSignalValue } from './store';

export function badgeLabel(lead: LeadSummary): string {
  return `Unison: campaign context for ${lead.name || lead.email}`;
}

/** The small button beside a lead's name or address. Enter and Space activate it (it is a button). */
export function Badge({ lead, onOpen }: { lead: Signal<LeadSummary>; onOpen: (email: string, opener: HTMLElement) => void }) {
  const l = useSignalValue(lead);
  const open = useSignalValue(openCard)?.email === l.email;
  const quality = l.answers.lead_quality?.value;
  const title = l.firstCampaign ? `${badgeLabel(l)} (${l.firstCampaign})` : badgeLabel(l);
  return (
    <button
      type="button"
      class={`badge${quality === 'good' ? ' good' : quality === 'poor_fit' ? ' poor' : ''}`}
      aria-label={badgeLabel(l)}
      aria-haspopup="dialog"
      aria-expanded={open ? 'true' : 'false'}
      title={title}
      onClick={(e) => {
        e.preventDefault();
        e.stopPropagation();
        onOpen(l.email, e.currentTarget);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.preventDefault();
          openCard.value = null;
        }
      }}
    >
      <span aria-hidden="true">U</span>
      {quality && <span class="mark" aria-hidden="true" />}
    </button>
  );
}
