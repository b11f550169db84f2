import type { RowIssue } from '@/utils/import';

const SHOWN = 100;

/** The rows in error, by line and column, as text. */
export function IssueList({ issues, count }: { issues: RowIssue[]; count: number }) {
  const shown = issues.slice(0, SHOWN);
  return (
    <div class="cd-scroll">
      <table class="cd-issues" aria-label="Rows with errors">
        <thead>
          <tr>
            <th scope="col">Line</th>
            <th scope="col">Column</th>
            <th scope="col">Problem</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((i, k) => (
            <tr key={k}>
              <td>{i.line ?? '—'}</td>
              <td>{i.column}</td>
              <td>{i.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {count > shown.length && <p class="muted">…and {count - shown.length} more.</p>}
    </div>
  );
}
