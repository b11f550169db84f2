import { useEffect, useRef, useState } from 'preact/hooks';
import type { Answers, LeadSummary, SpottedReport } from '@/utils/protocol';
import type { PoorFitReason, RequestFormat } from '@/utils/schema';
import { browser } from 'wxt/browser';
import { BUILTIN_SITES, builtinSiteForHost, customDomainMatches, type EventSite } from '@/utils/sites/hosts';
import { asSpottedReport, browserPopupApi, reply, type PopupApi, type TargetTab } from './api';
import { FORMAT_LABELS, REASON_LABELS } from '@/utils/labels';
import { assetOf } from '@/utils/asset';
import './popup.css';

export { FORMAT_LABELS };


const SITE_LABELS: Record<EventSite, string> = {
  ...(Object.fromEntries(BUILTIN_SITES.map((s) => [s.id, s.label])) as Record<(typeof BUILTIN_SITES)[number]['id'], string>),
  custom: 'a custom CRM domain',
  popup: 'this page',
};

/** The saved answers of a lead, as the card's button names say them. */
export function answerLabels(answers: Answers): string[] {
  const out: string[] = [];
  const q = answers.lead_quality;
  if (q) out.push(q.value === 'good' ? 'Good lead' : q.reason ? `Poor fit: ${REASON_LABELS[q.reason as PoorFitReason] ?? q.reason}` : 'Poor fit');
  const r = answers.content_relevance;
  if (r) out.push(r.value === 'relevant' ? 'Content relevant' : 'Content not relevant');
  const i = answers.info_sufficiency;
  if (i) out.push(i.value === 'sufficient' ? 'Info sufficient' : 'Need more info');
  if (answers.content_request) out.push('Content requested');
  return out;
}

type SpottedLead = SpottedReport['leads'][number];
type View = { kind: 'loading' } | { kind: 'off'; detail: string | null } | { kind: 'on'; report: SpottedReport };

/** At most this many addresses per lookup message. */
const LOOKUP_BATCH = 500;

/**
 * Why Unison does not run on the tab, when the tab's address says so, and whether it may start
 * there in a moment (a supported page still loading: the popup asks again before saying so).
 */
async function offDetail(tab: TargetTab | null): Promise<{ detail: string | null; mayStart: boolean }> {
  const none = { detail: null, mayStart: false };
  let host: string;
  try {
    host = new URL(tab?.url ?? '').hostname;
  } catch {
    return none;
  }
  const builtin = builtinSiteForHost(host);
  const { readStoredSettings, isSiteEnabled } = await import('@/utils/settings');
  const settings = await readStoredSettings().catch(() => null);
  if (!settings || (!builtin && !settings.customDomains.includes(host))) return none;
  if (builtin && !isSiteEnabled(settings, builtin.id)) return { detail: `It is switched off for ${builtin.label} in the options.`, mayStart: false };
  if (!builtin) {
    if (!isSiteEnabled(settings, 'custom')) return { detail: 'It is switched off for custom CRM domains in the options.', mayStart: false };
    const granted = await browser.permissions.contains({ origins: customDomainMatches(host) }).catch(() => true);
    if (!granted) return { detail: `Its access to ${host} was withdrawn in the browser: add ${host} again under Sites in the options to allow it.`, mayStart: false };
  }
  return { detail: `Reload the ${builtin?.label ?? host} tab to start it there.`, mayStart: true };
}

/** How often, and how long apart, the popup asks a supported page that is still loading. */
const START_TRIES = 4;
const START_WAIT_MS = 500;

export function PopupApp({ api = browserPopupApi(), startWaitMs = START_WAIT_MS }: { api?: PopupApi; startWaitMs?: number }) {
  const [view, setView] = useState<View>({ kind: 'loading' });
  const [pending, setPending] = useState<number | null>(null);
  const [formOpen, setFormOpen] = useState(false);
  const [confirmation, setConfirmation] = useState('');

  async function refreshPending() {
    const res = reply(await api.send({ type: 'pending-count' }).catch(() => null), 'pending-count');
    setPending(res ? res.pending : null);
  }

  async function load() {
    void refreshPending();
    const tab = await api.targetTab().catch(() => null);
    const ask = async () => asSpottedReport(tab ? await api.askTab(tab.id, { type: 'get-spotted' }).catch(() => null) : null);
    // Both at once: the tab's answer, and what the settings say of its site. A page whose site was
    // switched off (or whose domain's access was withdrawn) while it stayed open still answers,
    // with no leads: the reason the settings give is what the rep needs to read.
    const [first, off] = await Promise.all([ask(), offDetail(tab)]);
    let report = off.detail && !off.mayStart ? null : first;
    if (!report) {
      // A supported page still loading starts Unison in a moment: asked again before saying so.
      for (let i = 0; off.mayStart && !report && i < START_TRIES; i++) {
        await new Promise((r) => setTimeout(r, startWaitMs));
        report = await ask();
      }
      if (!report) {
        setView({ kind: 'off', detail: off.detail });
        return;
      }
    }
    setView({ kind: 'on', report });
    // The page's copy of the answers may be older than the store's: ask the background.
    const emails = report.leads.map((l) => l.email);
    const fresh = new Map<string, LeadSummary>();
    for (let i = 0; i < emails.length; i += LOOKUP_BATCH) {
      const res = reply(await api.send({ type: 'lookup', emails: emails.slice(i, i + LOOKUP_BATCH) }).catch(() => null), 'lookup');
      for (const l of res?.leads ?? []) fresh.set(l.email, l);
    }
    if (fresh.size === 0) return;
    setView({
      kind: 'on',
      report: {
        ...report,
        leads: report.leads.map((l) => {
          const f = fresh.get(l.email);
          return f ? { ...l, name: f.name ?? l.name, firstCampaign: f.firstCampaign ?? l.firstCampaign, answers: f.answers } : l;
        }),
      },
    });
  }

  useEffect(() => {
    void load();
  }, []);

  function onSent(leadEmail: string | null, answers: Answers, what: string) {
    setFormOpen(false);
    setConfirmation(what);
    if (leadEmail) {
      setView((v) =>
        v.kind === 'on' ? { ...v, report: { ...v.report, leads: v.report.leads.map((l) => (l.email === leadEmail ? { ...l, answers } : l)) } } : v,
      );
    }
    void refreshPending();
  }

  const leads = view.kind === 'on' ? view.report.leads : [];

  return (
    <main class="popup" aria-busy={view.kind === 'loading' ? 'true' : 'false'}>
      <header class="popup-head">
        <h1>Unison</h1>
        {pending !== null && (
          <span class="pending" title="Feedback saved here and not yet sent to your team">
            {pending} pending
          </span>
        )}
      </header>

      {view.kind === 'loading' && <p class="muted">Looking at this tab…</p>}

      {view.kind === 'off' && (
        <div class="off">
          <p>
            <strong>Unison does not run on this page.</strong>
          </p>
          {view.detail && <p class="muted">{view.detail}</p>}
          <p class="muted">
            It runs on Gmail, Outlook, Salesforce, HubSpot, Pipedrive, Dynamics 365, Zoho CRM and the CRM domains you add under Sites.
          </p>
          <p>
            <a
              href="#"
              onClick={(e) => {
                e.preventDefault();
                void api.openOptions().then(() => window.close());
              }}
            >
              Open options
            </a>
          </p>
        </div>
      )}

      {view.kind === 'on' && <Spotted report={view.report} />}

      <p class="confirm" role="status" aria-live="polite">
        {confirmation}
      </p>

      {formOpen ? (
        <RequestForm api={api} leads={leads} onCancel={() => setFormOpen(false)} onSent={onSent} />
      ) : (
        <div class="actions">
          <button
            type="button"
            class="primary"
            onClick={() => {
              setConfirmation('');
              setFormOpen(true);
            }}
          >
            Request content
          </button>
          <button type="button" onClick={() => void api.openOptions().then(() => window.close())}>
            Options
          </button>
        </div>
      )}
    </main>
  );
}

function Spotted({ report }: { report: SpottedReport }) {
  const where = SITE_LABELS[report.site] ?? report.site;
  return (
    <section aria-labelledby="spotted-h">
      <h2 id="spotted-h">
        Leads on this page <span class="muted">({where})</span>
      </h2>
      {report.capped && (
        <p class="capped" role="note">
          Unison looked at the first {report.scanned} addresses on this page.
        </p>
      )}
      {report.leads.length === 0 ? (
        <p class="muted">No known leads on this page.</p>
      ) : (
        <ul class="leads" aria-label="Leads on this page">
          {report.leads.map((l) => (
            <LeadRow key={l.email} lead={l} />
          ))}
        </ul>
      )}
    </section>
  );
}

function LeadRow({ lead }: { lead: SpottedLead }) {
  const answers = answerLabels(lead.answers);
  return (
    <li class="lead" data-email={lead.email}>
      <div class="lead-name">{lead.name ?? lead.email}</div>
      {lead.name && <div class="muted small">{lead.email}</div>}
      <div class="small">
        <span class="muted">First campaign: </span>
        {lead.firstCampaign ?? <span class="muted">unknown</span>}
      </div>
      {answers.length > 0 && (
        <ul class="answers" aria-label={`Answers for ${lead.name ?? lead.email}`}>
          {answers.map((a) => (
            <li key={a}>{a}</li>
          ))}
        </ul>
      )}
    </li>
  );
}

interface LeadContext {
  product: string | null;
  campaignId: string | null;
  contentId: string | null;
}

function RequestForm({
  api,
  leads,
  onSent,
  onCancel,
}: {
  api: PopupApi;
  leads: SpottedLead[];
  onSent: (leadEmail: string | null, answers: Answers, what: string) => void;
  onCancel: () => void;
}) {
  const [lead, setLead] = useState<string>(leads.length === 1 ? leads[0].email : '');
  const [product, setProduct] = useState('');
  const productEdited = useRef(false);
  const [format, setFormat] = useState<RequestFormat>('case_study');
  const [note, setNote] = useState('');
  const [context, setContext] = useState<LeadContext>({ product: null, campaignId: null, contentId: null });
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const asked = useRef(0);
  const firstField = useRef<HTMLSelectElement>(null);
  // The request's event id is made here, when the rep sends it. A send that failed keeps its id
  // for the same request sent again: one that reached the store after all is stored once.
  const unsaved = useRef<{ key: string; id: string } | null>(null);

  useEffect(() => {
    firstField.current?.focus();
  }, []);

  // Prefill the product from the chosen lead's campaign or content.
  useEffect(() => {
    const n = ++asked.current;
    if (!lead) {
      setContext({ product: null, campaignId: null, contentId: null });
      if (!productEdited.current) setProduct('');
      return;
    }
    void api
      .send({ type: 'card', email: lead })
      .catch(() => null)
      .then((res) => {
        if (n !== asked.current) return;
        const card = reply(res, 'card')?.card ?? null;
        // The content and the campaign that delivered it, as the card files a request.
        const asset = card && assetOf(card);
        const ctx: LeadContext = {
          product: card?.product ?? null,
          campaignId: asset?.campaignId ?? null,
          contentId: asset?.content?.id ?? null,
        };
        setContext(ctx);
        // Read now, not when the lead was chosen: the rep may have started typing meanwhile.
        if (!productEdited.current) setProduct(ctx.product ?? '');
      });
  }, [lead]);

  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError('');
    const leadEmail = lead || null;
    const input: Record<string, unknown> = {
      type: 'content_request',
      value: 'requested',
      leadEmail,
      product: product.trim() || null,
      format,
      note: note.trim() || null,
    };
    if (leadEmail && context.campaignId) input.campaignId = context.campaignId;
    if (leadEmail && context.contentId) input.contentId = context.contentId;
    const key = JSON.stringify(input);
    if (unsaved.current?.key !== key) unsaved.current = { key, id: crypto.randomUUID() };
    input.id = unsaved.current.id;
    try {
      const res = reply(await api.send({ type: 'feedback', input }).catch(() => null), 'feedback');
      if (!res?.ok) {
        setError('Not saved: Unison could not reach its storage. Try again.');
        return;
      }
      unsaved.current = null;
      const who = leadEmail ? (leads.find((l) => l.email === leadEmail)?.name ?? leadEmail) : null;
      const p = product.trim();
      onSent(leadEmail, res.answers, `Request sent: ${FORMAT_LABELS[format].toLowerCase()}${p ? ` on ${p}` : ''}${who ? ` for ${who}` : ''}.`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="request" aria-label="Request content" onSubmit={submit}>
      <h2>Request content</h2>
      <label for="req-lead">Lead</label>
      <select id="req-lead" ref={firstField} value={lead} onChange={(e) => setLead(e.currentTarget.value)}>
        <option value="">No particular lead</option>
        {leads.map((l) => (
          <option key={l.email} value={l.email}>
            {l.name ? `${l.name} (${l.email})` : l.email}
          </option>
        ))}
      </select>
      <label for="req-product">Product</label>
      <input
        id="req-product"
        type="text"
        maxLength={200}
        value={product}
        placeholder={context.product ?? 'Which product?'}
        onInput={(e) => {
          setProduct(e.currentTarget.value);
          productEdited.current = true;
        }}
      />
      <label for="req-format">Format</label>
      <select id="req-format" value={format} onChange={(e) => setFormat(e.currentTarget.value as RequestFormat)}>
        {(Object.keys(FORMAT_LABELS) as RequestFormat[]).map((f) => (
          <option key={f} value={f}>
            {FORMAT_LABELS[f]}
          </option>
        ))}
      </select>
      <label for="req-note">Note</label>
      <textarea id="req-note" rows={2} maxLength={2000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          Send request
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
