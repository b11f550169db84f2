import type { LeadCard, TouchView } from './protocol';
import type { Content } from './schema';

/**
 * The touch that brought the content a lead's feedback is about: the latest touch when it has
 * content, else the newest touch that has some.
 */
function assetTouch(card: Pick<LeadCard, 'touches' | 'latestTouch'>): TouchView | null {
  if (card.latestTouch?.content) return card.latestTouch;
  let found: TouchView | null = null;
  // Oldest first: the last one with content is the newest.
  for (const t of card.touches) if (t.content) found = t;
  return found;
}

/**
 * What an answer on a lead's content (and a content request) is about: that content, and the
 * campaign it is filed under, the one that delivered it (the latest touch may be another
 * campaign's, without content); with no content, the latest touch's campaign, else the first's.
 * The card and the popup file theirs the same way.
 */
export function assetOf(card: Pick<LeadCard, 'touches' | 'latestTouch' | 'firstTouch'>): { content: Content | null; campaignId: string | null } {
  const from = assetTouch(card);
  return { content: from?.content ?? null, campaignId: from?.campaignId ?? card.latestTouch?.campaignId ?? card.firstTouch?.campaignId ?? null };
}

/**
 * The touch whose campaign is a lead's first campaign: the first touch, or when it names none
 * (organic search, a direct visit), the earliest touch that names one. `ordered`: oldest first.
 * Imports give leads their `firstCampaign` by it, and the card files lead answers by it.
 */
export function firstCampaignTouch<T extends { campaignId?: string | null }>(first: T | null, ordered: readonly T[]): T | null {
  return first?.campaignId ? first : (ordered.find((t) => t.campaignId) ?? null);
}
