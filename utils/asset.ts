import type { LeadCard, TouchView } from './protocol';

/**
 * The touch that brought the content a lead's feedback is about: the latest touch when it has
 * content, else the newest touch that has some. Its campaign is the one that delivered that
 * content, so an answer on the content is filed under it (the latest touch may be another
 * campaign's, without content).
 */
export function assetTouch(card: Pick<LeadCard, 'touches' | 'latestTouch'>): TouchView | null {
  if (card.latestTouch?.content) return card.latestTouch;
  let found: TouchView | null = null;
  // Oldest first: the last one with content is the newest.
  for (const t of card.touches) if (t.content) found = t;
  return found;
}
