/**
 * The charts of one campaign, and the same numbers as tables (the view for screen readers and
 * for anyone who wants the figures).
 */
import { FORMAT_LABELS, formatRate, REASON_LABELS, type CampaignStats } from '@/utils/charts';
import { POOR_FIT_REASONS, REQUEST_FORMATS } from '@/utils/schema';
import { BarChart } from './BarChart';
import type { ChartTheme } from './theme';

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function leadQualityRows(s: CampaignStats): Array<[string, number]> {
  const rows: Array<[string, number]> = [['Good lead', s.leadQuality.good]];
  for (const r of POOR_FIT_REASONS) if (s.leadQuality.reasons[r]) rows.push([`Poor fit: ${REASON_LABELS[r]}`, s.leadQuality.reasons[r]]);
  if (s.leadQuality.noReason) rows.push(['Poor fit: no reason given', s.leadQuality.noReason]);
  return rows;
}

export function CampaignCharts({ stats: s, theme }: { stats: CampaignStats; theme: ChartTheme }) {
  const id = `cmp-${(s.campaignId ?? 'none').replace(/[^a-zA-Z0-9_-]/g, '_')}`;
  const lq = s.leadQuality;
  const lqRows = leadQualityRows(s);
  const reasonText = POOR_FIT_REASONS.filter((r) => lq.reasons[r])
    .map((r) => `${REASON_LABELS[r]} ${lq.reasons[r]}`)
    .join(', ');
  const formats = REQUEST_FORMATS.filter((f) => s.requests.some((q) => q.formats[f] > 0));
  const hasLq = lq.good + lq.poorFit > 0;
  const hasSuff = s.sufficiency.sufficient + s.sufficiency.insufficient > 0;

  return (
    <article class="u-campaign" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{s.name}</h3>
      <p class="muted">
        {[s.channel, plural(s.answers, 'answer'), hasLq ? `good-lead rate ${formatRate(lq.rate)} (${lq.good} of ${lq.good + lq.poorFit})` : null]
          .filter(Boolean)
          .join(' · ')}
      </p>
      <div class="u-chart-grid">
        {hasLq && (
          <figure>
            <figcaption>Lead quality: good-lead rate {formatRate(lq.rate)}</figcaption>
            <BarChart
              theme={theme}
              horizontal
              labels={lqRows.map(([l]) => l)}
              series={[{ label: 'Leads', data: lqRows.map(([, v]) => v), color: lqRows.map((_, i) => (i === 0 ? theme.good : theme.bad)) }]}
              summary={`Lead quality for ${s.name}: good-lead rate ${formatRate(lq.rate)}, ${lq.good} good, ${lq.poorFit} poor fit${reasonText ? ` (${reasonText})` : ''}.`}
              height={40 + lqRows.length * 26}
            />
          </figure>
        )}
        {s.relevance.length > 0 && (
          <figure>
            <figcaption>Content relevance per asset</figcaption>
            <BarChart
              theme={theme}
              horizontal
              stacked
              labels={s.relevance.map((r) => r.title)}
              series={[
                { label: 'Relevant', data: s.relevance.map((r) => r.relevant), color: theme.good },
                { label: 'Not relevant', data: s.relevance.map((r) => r.notRelevant), color: theme.bad },
              ]}
              summary={`Content relevance for ${s.name}: ${s.relevance.map((r) => `${r.title} ${r.relevant} relevant, ${r.notRelevant} not relevant`).join('; ')}.`}
              height={60 + s.relevance.length * 28}
            />
          </figure>
        )}
        {hasSuff && (
          <figure>
            <figcaption>Information sufficiency</figcaption>
            <BarChart
              theme={theme}
              horizontal
              labels={['Info sufficient', 'Need more info']}
              series={[{ label: 'Answers', data: [s.sufficiency.sufficient, s.sufficiency.insufficient], color: [theme.good, theme.bad] }]}
              summary={`Information sufficiency for ${s.name}: ${s.sufficiency.sufficient} sufficient, ${s.sufficiency.insufficient} need more info.`}
              height={100}
            />
          </figure>
        )}
        {s.requests.length > 0 && (
          <figure>
            <figcaption>Content requests by product and format</figcaption>
            <BarChart
              theme={theme}
              horizontal
              stacked
              labels={s.requests.map((q) => q.product)}
              series={formats.map((f, i) => ({ label: FORMAT_LABELS[f], data: s.requests.map((q) => q.formats[f]), color: theme.series[i % theme.series.length] }))}
              summary={`Content requests for ${s.name}: ${s.requests
                .map((q) => `${q.product} ${q.total} (${formats.filter((f) => q.formats[f]).map((f) => `${FORMAT_LABELS[f]} ${q.formats[f]}`).join(', ')})`)
                .join('; ')}.`}
              height={60 + s.requests.length * 28}
            />
          </figure>
        )}
      </div>

      <details class="u-table-view">
        <summary>Table view: {s.name}</summary>
        {hasLq && (
          <table>
            <caption>Lead quality</caption>
            <thead>
              <tr>
                <th scope="col">Answer</th>
                <th scope="col">Leads</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <th scope="row">Good lead</th>
                <td>{lq.good}</td>
              </tr>
              <tr>
                <th scope="row">Poor fit</th>
                <td>{lq.poorFit}</td>
              </tr>
              {lqRows.slice(1).map(([label, v]) => (
                <tr key={label}>
                  <th scope="row">{label}</th>
                  <td>{v}</td>
                </tr>
              ))}
              <tr>
                <th scope="row">Good-lead rate</th>
                <td>{formatRate(lq.rate)}</td>
              </tr>
            </tbody>
          </table>
        )}
        {s.relevance.length > 0 && (
          <table>
            <caption>Content relevance per asset</caption>
            <thead>
              <tr>
                <th scope="col">Asset</th>
                <th scope="col">Relevant</th>
                <th scope="col">Not relevant</th>
              </tr>
            </thead>
            <tbody>
              {s.relevance.map((r) => (
                <tr key={r.contentId ?? r.title}>
                  <th scope="row">{r.title}</th>
                  <td>{r.relevant}</td>
                  <td>{r.notRelevant}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {hasSuff && (
          <table>
            <caption>Information sufficiency</caption>
            <thead>
              <tr>
                <th scope="col">Info sufficient</th>
                <th scope="col">Need more info</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <td>{s.sufficiency.sufficient}</td>
                <td>{s.sufficiency.insufficient}</td>
              </tr>
            </tbody>
          </table>
        )}
        {s.requests.length > 0 && (
          <table>
            <caption>Content requests by product and format</caption>
            <thead>
              <tr>
                <th scope="col">Product</th>
                {REQUEST_FORMATS.map((f) => (
                  <th scope="col" key={f}>
                    {FORMAT_LABELS[f]}
                  </th>
                ))}
                <th scope="col">Total</th>
              </tr>
            </thead>
            <tbody>
              {s.requests.map((q) => (
                <tr key={q.product}>
                  <th scope="row">{q.product}</th>
                  {REQUEST_FORMATS.map((f) => (
                    <td key={f}>{q.formats[f]}</td>
                  ))}
                  <td>{q.total}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </details>
    </article>
  );
}
