/**
 * How the answers' codes read to people: one list for the card, the popup and the charts.
 * Plain objects only (this module ships in the content script).
 */
import type { PoorFitReason, RequestFormat } from './schema';

/** Why a lead was a poor fit, in the order the card offers them. */
export const REASON_LABELS: Record<PoorFitReason, string> = {
  wrong_persona: 'Wrong persona',
  no_budget: 'No budget',
  no_need: 'No need',
  bad_timing: 'Bad timing',
  competitor: 'Competitor',
  unreachable: 'Unreachable',
  duplicate: 'Duplicate',
  other: 'Other',
};

/** Formats of content a rep can request, in the order the forms offer them. */
export const FORMAT_LABELS: Record<RequestFormat, string> = {
  case_study: 'Case study',
  one_pager: 'One-pager',
  demo_video: 'Demo video',
  pricing: 'Pricing',
  comparison: 'Comparison',
  other: 'Other',
};
