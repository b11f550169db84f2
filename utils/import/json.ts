/**
 * Unison's JSON format, `unison.campaign-data/1`, validated with zod. The file's structure must be
 * right as a whole; each campaign, asset and lead is then checked on its own, so one bad lead is
 * reported (by its path, e.g. `leads[3].email`) without losing the others.
 */
import { z } from 'zod';
import { TOUCH_KINDS, type Utm } from '../schema';
import { Collector, defined, validEmail } from './collect';
import { parseDate } from './dates';
import { compactUtm, contentType, clip, touchId, yieldToEventLoop } from './util';

export const CAMPAIGN_DATA_SCHEMA = 'unison.campaign-data/1';

const str = (max: number) => z.string().max(max).nullish();
const utmIn = z
  .object({ source: str(200), medium: str(200), campaign: str(200), content: str(200), term: str(200) })
  .nullish();

export const jsonCampaignSchema = z.object({
  id: z.string().trim().min(1).max(200),
  name: str(500),
  channel: str(200),
  product: str(200),
  utm: utmIn,
  startedAt: str(40),
});

export const jsonContentSchema = z.object({
  id: z.string().trim().min(1).max(200),
  title: str(1000),
  type: str(100),
  url: str(4000),
  product: str(200),
  campaignId: str(200),
});

export const jsonTouchSchema = z.object({
  campaignId: str(200),
  contentId: str(200),
  at: str(40),
  kind: z.enum(TOUCH_KINDS).nullish(),
  channel: str(200),
  utm: utmIn,
  product: str(200),
});

export const jsonLeadSchema = z.object({
  email: z.string().max(320),
  name: str(500),
  firstName: str(250),
  lastName: str(250),
  company: str(500),
  title: str(500),
  score: z.union([z.number(), z.string().max(50)]).nullish(),
  stage: str(200),
  touches: z.array(z.unknown()).nullish(),
});

/** The file as a whole: the schema tag and the three lists. */
export const campaignDataFileSchema = z.object({
  schema: z.literal(CAMPAIGN_DATA_SCHEMA),
  campaigns: z.array(z.unknown()).nullish(),
  content: z.array(z.unknown()).nullish(),
  leads: z.array(z.unknown()),
});

function firstIssue(error: z.ZodError, base: string): { column: string; message: string } {
  const issue = error.issues[0];
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  return { column: `${base}${path}`, message: issue.message };
}

const u = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

function utmOf(utm: z.infer<typeof utmIn>): Utm | undefined {
  if (!utm) return undefined;
  return compactUtm({ source: u(utm.source), medium: u(utm.medium), campaign: u(utm.campaign), content: u(utm.content), term: u(utm.term) });
}

export type JsonParse = { ok: true; collector: Collector } | { ok: false; error: string };

/** Parses and normalises a JSON file. Yields to the event loop every few thousand leads. */
export async function parseCampaignJson(text: string, onProgress?: (f: number) => void): Promise<JsonParse> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `The JSON could not be read: ${(e as Error).message}` };
  }
  const top = campaignDataFileSchema.safeParse(raw);
  if (!top.success) {
    const tag = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as { schema?: unknown }).schema : undefined;
    if (tag !== CAMPAIGN_DATA_SCHEMA) {
      return {
        ok: false,
        error: `This JSON file is not Unison campaign data: it needs "schema": "${CAMPAIGN_DATA_SCHEMA}"${tag === undefined ? '' : ` (found ${JSON.stringify(tag).slice(0, 80)})`}.`,
      };
    }
    const i = firstIssue(top.error, '');
    return { ok: false, error: `This JSON file does not fit ${CAMPAIGN_DATA_SCHEMA}: ${i.column.replace(/^\./, '')}: ${i.message}.` };
  }
  const file = top.data;
  const c = new Collector();

  // Each entry counts as a row read, like a lead: "rows in error" never outnumber them.
  (file.campaigns ?? []).forEach((entry, i) => {
    c.rows++;
    const p = jsonCampaignSchema.safeParse(entry);
    const startedAt = p.success && p.data.startedAt ? parseDate(p.data.startedAt) : undefined;
    if (!p.success || startedAt === null) {
      // Counted with the rows in error: the status and "Import valid rows" speak of them too.
      c.invalidRows++;
      return c.addIssue(p.success ? { column: `campaigns[${i}].startedAt`, message: `unreadable date “${p.data.startedAt}”` } : firstIssue(p.error, `campaigns[${i}]`));
    }
    c.named('campaigns', p.data.id, clip(p.data.name, 500) !== undefined);
    c.addCampaign(
      defined({
        id: p.data.id,
        name: clip(p.data.name, 500) ?? c.data.campaigns.get(p.data.id)?.name ?? p.data.id,
        channel: clip(p.data.channel, 200),
        product: clip(p.data.product, 200),
        utm: utmOf(p.data.utm),
        startedAt: startedAt ?? undefined,
      }),
    );
  });

  (file.content ?? []).forEach((entry, i) => {
    c.rows++;
    const p = jsonContentSchema.safeParse(entry);
    if (!p.success) {
      c.invalidRows++;
      return c.addIssue(firstIssue(p.error, `content[${i}]`));
    }
    c.named('content', p.data.id, clip(p.data.title, 1000) !== undefined);
    c.addContent(
      defined({
        id: p.data.id,
        title: clip(p.data.title, 1000) ?? c.data.content.get(p.data.id)?.title ?? p.data.id,
        type: contentType(u(p.data.type)),
        // Stored as given: pages render a link only for http(s) URLs.
        url: clip(p.data.url, 4000),
        product: clip(p.data.product, 200),
        campaignId: clip(p.data.campaignId, 200),
      }),
    );
  });

  const leads = file.leads;
  for (let i = 0; i < leads.length; i++) {
    if (i > 0 && i % 5000 === 0) {
      onProgress?.(i / leads.length);
      await yieldToEventLoop();
    }
    c.rows++;
    const p = jsonLeadSchema.safeParse(leads[i]);
    if (!p.success) {
      c.invalidRows++;
      c.addIssue(firstIssue(p.error, `leads[${i}]`));
      continue;
    }
    const lead = p.data;
    const email = validEmail(lead.email);
    const problems: Array<{ column: string; message: string }> = [];
    if (!email) problems.push({ column: `leads[${i}].email`, message: lead.email.trim() ? `“${lead.email.trim().slice(0, 60)}” is not a valid email address` : 'no email address' });
    const touches: Array<z.infer<typeof jsonTouchSchema> & { iso?: string }> = [];
    (lead.touches ?? []).forEach((t, j) => {
      const tp = jsonTouchSchema.safeParse(t);
      if (!tp.success) return problems.push(firstIssue(tp.error, `leads[${i}].touches[${j}]`));
      const iso = tp.data.at ? parseDate(tp.data.at) : undefined;
      if (iso === null) return problems.push({ column: `leads[${i}].touches[${j}].at`, message: `unreadable date “${tp.data.at}”` });
      touches.push({ ...tp.data, iso: iso ?? undefined });
    });
    if (problems.length) {
      c.invalidRows++;
      problems.forEach((pr) => c.addIssue(pr));
      continue;
    }
    c.addLead(email!, {
      name: u(lead.name),
      firstName: u(lead.firstName),
      lastName: u(lead.lastName),
      company: u(lead.company),
      title: u(lead.title),
      score: lead.score === null || lead.score === undefined ? undefined : lead.score,
      stage: u(lead.stage),
    });
    for (const t of touches) {
      const campaignId = clip(t.campaignId, 200);
      const contentId = clip(t.contentId, 200);
      c.putTouch(
        defined({
          id: touchId(email!, campaignId, contentId, t.iso),
          email: email!,
          campaignId,
          contentId,
          at: t.iso,
          kind: u(t.kind),
          channel: clip(t.channel, 200),
          utm: utmOf(t.utm),
          product: clip(t.product, 200),
        }),
      );
    }
  }
  // Each issue names the line its entry starts on, as a CSV row's does.
  if (c.issues.length) {
    const lines = entryLines(text);
    for (const issue of c.issues) {
      const at = /^(campaigns|content|leads)\[(\d+)\]/.exec(issue.column);
      if (at) issue.line = lines[at[1]]?.[Number(at[2])];
    }
  }
  onProgress?.(1);
  return { ok: true, collector: c };
}

/**
 * The line (1-based) on which each entry of the top-level arrays starts, by array name
 * (`campaigns`, `content`, `leads`): one pass over the text, strings skipped, for a file that
 * `JSON.parse` has already read.
 */
export function entryLines(text: string): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  let line = 1;
  let depth = 0;
  let key = '';
  let list: number[] | null = null;
  let expectEntry = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n') {
      line++;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r') continue;
    if (list && depth === 2 && expectEntry && ch !== ']') {
      list.push(line);
      expectEntry = false;
    }
    if (ch === '"') {
      const start = i + 1;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      if (depth === 1) key = text.slice(start, i);
    } else if (ch === '{' || ch === '[') {
      depth++;
      if (depth === 2 && ch === '[') {
        list = out[key] = [];
        expectEntry = true;
      }
    } else if (ch === '}' || ch === ']') {
      depth--;
      if (depth === 1) list = null;
    } else if (ch === ',' && depth === 2) {
      expectEntry = true;
    }
  }
  return out;
}
