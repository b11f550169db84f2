/**
 * The Feedback section: export (CSV, JSON) and charts per campaign, both with the same filters
 * (date range, campaign, question).
 */
import { liveQuery } from 'dexie';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { campaignStats, QUESTION_LABELS } from '@/utils/charts';
import { getDb } from '@/utils/db';
import { buildExport, dayRange, NO_CAMPAIGN, type ExportFile, type ExportFilter } from '@/utils/export';
import { FEEDBACK_TYPES, type Campaign, type Content, type FeedbackType, type StoredFeedback } from '@/utils/schema';
import { CampaignCharts } from './charts/CampaignCharts';
import { useChartTheme } from './charts/theme';
import './charts/charts.css';

/** Campaigns drawn at first; the rest on request. */
const FIRST_CAMPAIGNS = 12;

interface Loaded {
  events: StoredFeedback[];
  campaigns: Campaign[];
  content: Content[];
}

/** Saves a file through a Blob URL and an `<a download>`. */
export function downloadFile(file: Pick<ExportFile, 'name' | 'type' | 'parts'>): void {
  const blob = new Blob(file.parts, { type: file.type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = file.name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function FeedbackSection() {
  const [data, setData] = useState<Loaded | null>(null);
  const [fromDay, setFromDay] = useState('');
  const [toDay, setToDay] = useState('');
  const [campaignId, setCampaignId] = useState('');
  const [question, setQuestion] = useState<FeedbackType | ''>('');
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState<'csv' | 'json' | null>(null);
  const [showAll, setShowAll] = useState(false);
  const theme = useChartTheme();

  useEffect(() => {
    const db = getDb();
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let lastKey: string | null = null;
    const load = async () => {
      try {
        const [events, campaigns, content] = await Promise.all([db.feedback.toArray(), db.campaigns.toArray(), db.content.toArray()]);
        if (!cancelled) setData({ events, campaigns, content });
      } catch (e) {
        if (!cancelled) setError(`Feedback could not be read: ${e instanceof Error ? e.message : String(e)}`);
      }
    };
    // Watch something cheap and read everything only when it moved: the charts depend on which
    // events exist and on the campaign data, not on sync bookkeeping, which changes 500 events at
    // a time while a sync runs. Bursts of changes are read once.
    const sub = liveQuery(async () => {
      const [count, last, imports, campaigns] = await Promise.all([
        db.feedback.count(),
        db.feedback.orderBy('createdAt').last(),
        db.imports.count(),
        db.campaigns.count(),
      ]);
      return `${count}|${last?.id ?? ''}|${imports}|${campaigns}`;
    }).subscribe({
      next: (key) => {
        if (key === lastKey) return;
        const first = lastKey === null;
        lastKey = key;
        clearTimeout(timer);
        timer = setTimeout(() => void load(), first ? 0 : 750);
      },
      error: (e: unknown) => setError(`Feedback could not be read: ${e instanceof Error ? e.message : String(e)}`),
    });
    return () => {
      cancelled = true;
      clearTimeout(timer);
      sub.unsubscribe();
    };
  }, []);

  const rangeError = fromDay && toDay && fromDay > toDay ? 'The start date is after the end date.' : '';
  const filter: ExportFilter = useMemo(
    () => ({ ...dayRange(fromDay, toDay), campaignId: campaignId || null, question: question || null }),
    [fromDay, toDay, campaignId, question],
  );

  const campaignOptions = useMemo(() => {
    if (!data) return [];
    const names = new Map(data.campaigns.map((c) => [c.id, c.name || c.id]));
    for (const e of data.events) if (e.campaignId && !names.has(e.campaignId)) names.set(e.campaignId, e.campaignId);
    return [...names].sort((a, b) => a[1].localeCompare(b[1]));
  }, [data]);

  const stats = useMemo(() => {
    if (!data || rangeError) return [];
    return campaignStats(
      data.events,
      { campaigns: new Map(data.campaigns.map((c) => [c.id, c])), content: new Map(data.content.map((c) => [c.id, c])) },
      filter,
    );
  }, [data, filter, rangeError]);

  async function exportAs(kind: 'csv' | 'json') {
    setError('');
    setStatus('');
    if (rangeError) {
      setError(rangeError);
      return;
    }
    setBusy(kind);
    try {
      const file = await buildExport(getDb(), kind, filter);
      downloadFile(file);
      setStatus(`Exported ${file.count} ${file.count === 1 ? 'event' : 'events'} to ${file.name}`);
    } catch (e) {
      setError(`Export failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setBusy(null);
    }
  }

  const total = data?.events.length ?? 0;
  // The same vnodes while only the export status changes: Preact then leaves the charts alone.
  const charts = useMemo(() => {
    const shown = showAll ? stats : stats.slice(0, FIRST_CAMPAIGNS);
    return (
      <>
        {shown.map((s) => (
          <CampaignCharts key={s.campaignId ?? ''} stats={s} theme={theme} />
        ))}
        {stats.length > shown.length && (
          <button type="button" onClick={() => setShowAll(true)}>
            Show all {stats.length} campaigns
          </button>
        )}
      </>
    );
  }, [stats, theme, showAll]);

  return (
    <section aria-labelledby="Feedback-h">
      <h2 id="Feedback-h">Feedback</h2>
      <p class="muted">Reps' answers about leads and content, per campaign. Export them, or read the charts.</p>

      <fieldset class="u-filters">
        <legend>Filters</legend>
        <div class="field">
          <label for="fb-from">From</label>
          <input id="fb-from" type="date" value={fromDay} max={toDay || undefined} onInput={(e) => setFromDay(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="fb-to">To</label>
          <input id="fb-to" type="date" value={toDay} min={fromDay || undefined} onInput={(e) => setToDay(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="fb-campaign">Campaign</label>
          <select id="fb-campaign" value={campaignId} onChange={(e) => setCampaignId(e.currentTarget.value)}>
            <option value="">All campaigns</option>
            {campaignOptions.map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
            <option value={NO_CAMPAIGN}>No campaign</option>
          </select>
        </div>
        <div class="field">
          <label for="fb-question">Question</label>
          <select id="fb-question" value={question} onChange={(e) => setQuestion(e.currentTarget.value as FeedbackType | '')}>
            <option value="">All questions</option>
            {FEEDBACK_TYPES.map((t) => (
              <option key={t} value={t}>
                {QUESTION_LABELS[t]}
              </option>
            ))}
          </select>
        </div>
      </fieldset>
      {rangeError && (
        <p class="error" role="alert">
          {rangeError}
        </p>
      )}

      <div class="row">
        <button type="button" onClick={() => void exportAs('csv')} disabled={busy !== null}>
          Export CSV
        </button>
        <button type="button" onClick={() => void exportAs('json')} disabled={busy !== null}>
          Export JSON
        </button>
        <span role="status">{busy ? `Exporting ${busy.toUpperCase()}…` : status}</span>
        {error && (
          <span class="error" role="alert">
            {error}
          </span>
        )}
      </div>

      <div class="u-charts" aria-busy={data === null}>
        {data === null ? (
          <p class="muted">Loading feedback…</p>
        ) : total === 0 ? (
          <p class="muted">No feedback yet. Reps' answers appear here, per campaign, as soon as they give them.</p>
        ) : stats.length === 0 ? (
          <p class="muted">No answers match these filters.</p>
        ) : (
          <>
            <p class="muted">Only the latest answer counts when a rep changed an answer; exports hold every answer.</p>
            {charts}
          </>
        )}
      </div>
    </section>
  );
}
