import { useEffect, useRef, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { getDb, type UnisonDB } from '@/utils/db';
import {
  campaignDataSummary,
  clearCampaignData,
  commitPrepared,
  describeIssues,
  FORMAT_LABELS,
  prepareFile,
  prepareText,
  saveMapping,
  type CampaignDataSummary,
  type ColumnMapping,
  type ImportResult,
  type Prepared,
  type ProgressPhase,
  type ReadyPrepared,
} from '@/utils/import';
import { ConfirmDialog } from './import/ConfirmDialog';
import { IssueList } from './import/IssueList';
import { MappingStep } from './import/MappingStep';
import './import/campaign-data.css';

/** Open host pages look their leads up again after campaign data changes. */
function tellOpenPages(): Promise<unknown> {
  return browser.runtime.sendMessage({ type: 'data-changed' }).catch(() => undefined);
}

type NeedsMapping = Extract<Prepared, { kind: 'needs-mapping' }>;

type Step =
  | { step: 'idle' }
  | { step: 'busy'; label: string; progress: number }
  | { step: 'mapping'; prepared: NeedsMapping }
  | { step: 'review'; prepared: ReadyPrepared };

const PHASE_LABELS: Record<ProgressPhase, string> = { reading: 'Reading the file', parsing: 'Reading rows', saving: 'Saving' };

/** The bundled sample campaign data (in the extension's `public/sample`). */
export const SAMPLE_FILES = ['sample/campaign-data.json', 'sample/campaign-data.csv'];

function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

function encodingNote(encoding: string): string {
  if (encoding === 'utf-16le') return ' (decoded from UTF-16LE)';
  if (encoding === 'utf-16be') return ' (decoded from UTF-16BE)';
  if (encoding === 'windows-1252') return ' (not UTF-8: read as Windows-1252)';
  return '';
}

const plural = (n: number, one: string, many: string) => `${n.toLocaleString()} ${n === 1 ? one : many}`;

/**
 * Options section "Campaign data": import a CSV or JSON export (with the mapping step for
 * unknown shapes and a review of rows in error), see what is loaded, replace it all.
 */
export interface CampaignDataSectionProps {
  /** The store (the extension's database by default). */
  db?: UnisonDB;
  /** How a bundled sample file is fetched (by default from the extension's own files). */
  fetchSample?: (path: string) => Promise<Response>;
}

function fetchBundled(path: string): Promise<Response> {
  return fetch(browser.runtime.getURL(`/${path}` as Parameters<typeof browser.runtime.getURL>[0]));
}

export function CampaignDataSection({ db: givenDb, fetchSample = fetchBundled }: CampaignDataSectionProps = {}) {
  const db = givenDb ?? getDb();
  const [state, setState] = useState<Step>({ step: 'idle' });
  const [status, setStatus] = useState('');
  const [detail, setDetail] = useState('');
  const [format, setFormat] = useState<string | null>(null);
  const [summary, setSummary] = useState<CampaignDataSummary | null>(null);
  const [confirming, setConfirming] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const lastProgress = useRef(0);

  const busy = state.step === 'busy';

  async function refresh() {
    try {
      setSummary(await campaignDataSummary(db));
    } catch {
      setSummary(null);
    }
  }

  useEffect(() => {
    void refresh();
  }, [db]);

  function progress(fraction: number, phase: ProgressPhase) {
    // Reading and parsing fill the first 70 %, saving the rest.
    const value = phase === 'saving' ? 0.7 + fraction * 0.3 : phase === 'parsing' ? 0.05 + fraction * 0.65 : fraction * 0.05;
    // Repaint at most every 1 %.
    if (value - lastProgress.current < 0.01 && value < 1) return;
    lastProgress.current = value;
    setState({ step: 'busy', label: PHASE_LABELS[phase], progress: value });
  }

  function startBusy(label: string) {
    lastProgress.current = 0;
    setState({ step: 'busy', label, progress: 0 });
  }

  async function handlePrepared(p: Prepared) {
    if (p.kind === 'failed') {
      setState({ step: 'idle' });
      setFormat(null);
      setDetail('Nothing was changed.');
      setStatus(p.error);
      return;
    }
    if (p.kind === 'needs-mapping') {
      setState({ step: 'mapping', prepared: p });
      setFormat(null);
      setDetail('');
      setStatus(`Choose the columns: ${p.fileName} is not an export Unison recognises.`);
      return;
    }
    setFormat(`${p.formatLabel}${encodingNote(p.encoding)}`);
    if (p.issueCount === 0) {
      await commit(p);
      return;
    }
    setState({ step: 'review', prepared: p });
    setDetail('');
    const rowsInError = p.stats.invalidRows;
    setStatus(
      p.data.leads.size === 0
        ? `No valid rows: ${describeIssues(p.issues, p.issueCount)}. Nothing was imported.`
        : `${plural(rowsInError, 'row has', 'rows have')} errors: ${describeIssues(p.issues, p.issueCount)}. Import the valid rows, or cancel.`,
    );
  }

  function report(r: ImportResult) {
    if (!r.ok) {
      setStatus(r.error ?? 'Nothing was imported.');
      setDetail('Nothing was changed.');
      return;
    }
    const parts = [
      `${plural(r.rows, 'row', 'rows')} read`,
      r.skippedRows ? `${plural(r.skippedRows, 'row', 'rows')} with errors left out` : '',
      `${plural(r.written.leads, 'lead', 'leads')} new or updated`,
      `${plural(r.touches, 'touch', 'touches')} in the file, ${r.written.touches.toLocaleString()} new or changed`,
    ].filter(Boolean);
    setDetail(`${r.fileName}: ${parts.join(', ')}.`);
    setStatus(`Imported ${r.leads} leads`);
  }

  async function commit(p: ReadyPrepared) {
    startBusy('Saving');
    try {
      const r = await commitPrepared(db, p, { source: 'file', onProgress: progress });
      report(r);
      void tellOpenPages();
    } catch (e) {
      setDetail('');
      setStatus(`The import failed and nothing was changed: ${(e as Error).message}`);
    }
    setState({ step: 'idle' });
    await refresh();
  }

  async function onFile(e: Event) {
    const input = e.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    setFormat(null);
    setDetail('');
    setStatus(`Reading ${file.name}…`);
    startBusy('Reading the file');
    try {
      const p = await prepareFile(db, file, { onProgress: progress });
      await handlePrepared(p);
    } catch (err) {
      setState({ step: 'idle' });
      setStatus(`The file could not be imported: ${(err as Error).message}. Nothing was changed.`);
    } finally {
      // Choosing the same file again must start a new import.
      input.value = '';
    }
  }

  async function onMapping(prepared: NeedsMapping, mapping: ColumnMapping, remember: boolean) {
    startBusy('Reading rows');
    try {
      if (remember) await saveMapping(db, prepared.headers, mapping);
      const p = await prepareText(db, prepared.text, {
        fileName: prepared.fileName,
        encoding: prepared.encoding,
        mapping,
        onProgress: progress,
      });
      await handlePrepared(p);
    } catch (err) {
      setState({ step: 'idle' });
      setStatus(`The file could not be imported: ${(err as Error).message}. Nothing was changed.`);
    }
  }

  function cancel() {
    setState({ step: 'idle' });
    setDetail('');
    setStatus('Import cancelled: nothing was changed.');
  }

  async function replaceAll() {
    setConfirming(false);
    startBusy('Removing campaign data');
    try {
      await clearCampaignData(db);
      void tellOpenPages();
      setFormat(null);
      setDetail('Feedback already given is kept.');
      setStatus('All campaign data was removed. Import a file to load new data.');
    } catch (e) {
      setStatus(`Campaign data could not be removed: ${(e as Error).message}`);
    }
    setState({ step: 'idle' });
    await refresh();
    fileInput.current?.focus();
  }

  async function loadSample() {
    setFormat(null);
    setDetail('');
    setStatus('Loading the sample data…');
    startBusy('Reading rows');
    try {
      const emails = new Set<string>();
      // Every file read first: one that cannot be read leaves the store as it was.
      const ready = [];
      for (const path of SAMPLE_FILES) {
        const res = await fetchSample(path);
        if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
        const p = await prepareText(db, await res.text(), { fileName: path.split('/').pop()!, contentType: res.headers.get('content-type') ?? undefined, onProgress: progress });
        if (p.kind !== 'ready') throw new Error(p.kind === 'failed' ? p.error : `${path}: unknown columns`);
        for (const email of p.data.leads.keys()) emails.add(email);
        ready.push(p);
      }
      const results: ImportResult[] = [];
      for (const p of ready) results.push(await commitPrepared(db, p, { source: 'sample', onProgress: progress }));
      setFormat(results.map((r) => r.formatLabel).join(' and '));
      setDetail(`Sample data: ${results.map((r) => r.fileName).join(', ')}.`);
      setStatus(`Imported ${emails.size} leads`);
      void tellOpenPages();
    } catch (e) {
      setStatus(`The sample data could not be loaded: ${(e as Error).message}`);
    }
    setState({ step: 'idle' });
    await refresh();
  }

  const loaded = summary && summary.leads + summary.campaigns + summary.content + summary.touches > 0;

  return (
    <section aria-labelledby="CampaignData-h" class="campaign-data">
      <h2 id="CampaignData-h">Campaign data</h2>
      <p class="muted">
        Load the campaigns, content and touches behind your leads from a CSV or JSON export: HubSpot, Salesforce campaign members, Marketo,
        Pipedrive, any file with UTM columns, or Unison's own format. Importing again merges; feedback is never changed.
      </p>

      <div class="field">
        <label for="campaign-data-file">Campaign data file</label>
        <input
          ref={fileInput}
          id="campaign-data-file"
          type="file"
          accept=".csv,.json,text/csv,application/json"
          onChange={onFile}
          disabled={busy}
          aria-describedby="campaign-data-formats"
        />
        <p id="campaign-data-formats" class="muted cd-small">
          CSV (comma, semicolon or tab; UTF-8 or UTF-16) or JSON <code>unison.campaign-data/1</code>.
        </p>
      </div>

      {busy && (
        <div class="cd-progress">
          <label for="campaign-data-progress">{state.label}</label>
          <progress id="campaign-data-progress" max={1} value={state.progress} />
        </div>
      )}

      {format && <p class="cd-format">Detected format: {format}</p>}

      {state.step === 'mapping' && (
        <MappingStep
          prepared={state.prepared}
          onSubmit={(mapping, remember) => void onMapping(state.prepared, mapping, remember)}
          onCancel={cancel}
        />
      )}

      {state.step === 'review' && (
        <div class="cd-review">
          <IssueList issues={state.prepared.issues} count={state.prepared.issueCount} />
          <p>
            {state.prepared.data.leads.size > 0
              ? `${plural(state.prepared.stats.rows - state.prepared.stats.invalidRows, 'valid row', 'valid rows')} (${plural(state.prepared.data.leads.size, 'lead', 'leads')}) can be imported; the rows above will be left out.`
              : 'No row can be imported.'}
          </p>
          <div class="row">
            {state.prepared.data.leads.size > 0 && (
              <button type="button" class="primary" onClick={() => state.step === 'review' && void commit(state.prepared)}>
                Import valid rows
              </button>
            )}
            <button type="button" onClick={cancel}>
              Cancel
            </button>
          </div>
        </div>
      )}

      <p role="status" class="cd-status">
        {status}
      </p>
      {detail && <p class="muted cd-small">{detail}</p>}

      <div class="cd-summary">
        <h3>Loaded now</h3>
        {loaded ? (
          <dl>
            <dt>Leads</dt>
            <dd>{summary.leads.toLocaleString()}</dd>
            <dt>Campaigns</dt>
            <dd>{summary.campaigns.toLocaleString()}</dd>
            <dt>Content</dt>
            <dd>{summary.content.toLocaleString()}</dd>
            <dt>Touches</dt>
            <dd>{summary.touches.toLocaleString()}</dd>
            {summary.lastImport && !summary.clearedAt && (
              <>
                <dt>Last import</dt>
                <dd>
                  {when(summary.lastImport.at)}: {summary.lastImport.fileName} (
                  {FORMAT_LABELS[summary.lastImport.format as keyof typeof FORMAT_LABELS] ?? summary.lastImport.format},{' '}
                  {plural(summary.lastImport.leads, 'lead', 'leads')}
                  {summary.lastImport.source === 'file' ? '' : `, from the ${summary.lastImport.source}`})
                </dd>
              </>
            )}
          </dl>
        ) : (
          <p class="muted">
            {summary?.clearedAt ? `No campaign data: removed on ${when(summary.clearedAt)}.` : 'No campaign data loaded yet.'}
          </p>
        )}
        <div class="row">
          <button type="button" onClick={() => setConfirming(true)} disabled={busy || !loaded}>
            Replace all campaign data
          </button>
          <button type="button" onClick={() => void loadSample()} disabled={busy}>
            Load sample data
          </button>
        </div>
      </div>

      {confirming && (
        <ConfirmDialog title="Replace all campaign data?" confirmLabel="Remove all campaign data" onConfirm={() => void replaceAll()} onCancel={() => setConfirming(false)}>
          <p>
            This removes {summary ? `${plural(summary.leads, 'lead', 'leads')}, ${plural(summary.campaigns, 'campaign', 'campaigns')} and ${plural(summary.content, 'content item', 'content items')}` : 'all leads, campaigns and content'}{' '}
            from this browser, so you can import a new file in their place. Feedback already given is kept.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
