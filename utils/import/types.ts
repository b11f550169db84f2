/**
 * Types shared by the campaign-data importer: what a parse yields, what an import reports.
 * Nothing here touches the DOM, so the whole importer runs in unit tests and in any extension page.
 */
import type { Campaign, Content, Lead, Touch } from '../schema';

export type ImportSource = 'feed' | 'file' | 'sample';

/** Every shape Unison reads. `mapped` is any other CSV read through a column mapping. */
export type FormatId = 'json' | 'canonical' | 'hubspot' | 'salesforce' | 'marketo' | 'pipedrive' | 'utm' | 'mapped';

export const FORMAT_LABELS: Record<FormatId, string> = {
  json: 'Unison JSON (unison.campaign-data/1)',
  canonical: 'Unison CSV',
  hubspot: 'HubSpot contacts export',
  salesforce: 'Salesforce campaign member report',
  marketo: 'Marketo person export',
  pipedrive: 'Pipedrive export',
  utm: 'CSV with UTM columns',
  mapped: 'CSV with your column mapping',
};

/** A row (or JSON entry) that cannot be imported, and why. */
export interface RowIssue {
  /** Physical line in the file, 1-based, the header being line 1 (quoted line breaks count). */
  line?: number;
  /** The column as the file names it (for JSON: the path, like `leads[3].email`). */
  column: string;
  message: string;
}

/** The fields of the canonical CSV; a column mapping maps these to a file's headers. */
export const CANONICAL_FIELDS = [
  'email',
  'first_name',
  'last_name',
  'name',
  'company',
  'title',
  'campaign_id',
  'campaign',
  'channel',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_content',
  'utm_term',
  'content_id',
  'content_title',
  'content_type',
  'content_url',
  'product',
  'touch',
  'touched_at',
  'score',
  'stage',
] as const;
export type CanonicalField = (typeof CANONICAL_FIELDS)[number];

/** Canonical field → the file's header (as written in the file). */
export type ColumnMapping = Partial<Record<CanonicalField, string>>;

/** Campaign data read from one file, normalised and de-duplicated, ready to merge. */
export interface NormalisedData {
  leads: Map<string, Omit<Lead, 'updatedAt' | 'firstCampaign'>>;
  campaigns: Map<string, Campaign>;
  content: Map<string, Content>;
  touches: Map<string, Touch>;
  /**
   * Campaigns and content the data names only by id (or, for content, by its URL): the name or
   * title they carry here stands in for one, and an import keeps the one stored.
   */
  unnamed?: { campaigns: Set<string>; content: Set<string> };
}

export interface ParseStats {
  /** Data rows read (blank lines and report footers not counted). */
  rows: number;
  /** Rows left out because of an error. */
  invalidRows: number;
}

export type ProgressPhase = 'reading' | 'parsing' | 'saving';
export type ProgressFn = (fraction: number, phase: ProgressPhase) => void;

/** What a first look at a file found. */
export type Prepared =
  | { kind: 'failed'; fileName: string; error: string }
  | {
      kind: 'needs-mapping';
      fileName: string;
      text: string;
      encoding: string;
      headers: string[];
      /** The first data rows, as text, for the preview. */
      preview: string[][];
      signature: string;
      /** A guess from the header names and values. */
      suggestion: ColumnMapping;
      /** The mapping saved earlier for files of this shape, if any. */
      saved: ColumnMapping | null;
      savedAt: string | null;
    }
  | {
      kind: 'ready';
      fileName: string;
      format: FormatId;
      formatLabel: string;
      encoding: string;
      data: NormalisedData;
      stats: ParseStats;
      /** The first issues (at most MAX_ISSUES); `issueCount` has them all. */
      issues: RowIssue[];
      issueCount: number;
    };

export type ReadyPrepared = Extract<Prepared, { kind: 'ready' }>;

export interface ImportResult {
  ok: boolean;
  fileName: string;
  format: FormatId | null;
  formatLabel: string | null;
  /** Why nothing was imported (file-level problem), when `ok` is false. */
  error?: string;
  /** Distinct valid leads in the file. */
  leads: number;
  campaigns: number;
  content: number;
  touches: number;
  rows: number;
  skippedRows: number;
  issues: RowIssue[];
  issueCount: number;
  /** What the merge actually changed in the store. */
  written: { leads: number; campaigns: number; content: number; touches: number };
  importId?: number;
}

/** At most this many row issues are kept for display; all are counted. */
export const MAX_ISSUES = 500;
