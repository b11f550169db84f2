import { useState } from 'preact/hooks';
import { CANONICAL_FIELDS, FIELD_LABELS, type CanonicalField, type ColumnMapping, type Prepared } from '@/utils/import';
import { checkMapping } from '@/utils/import/mapping';

type NeedsMapping = Extract<Prepared, { kind: 'needs-mapping' }>;

export interface MappingStepProps {
  prepared: NeedsMapping;
  disabled?: boolean;
  onSubmit: (mapping: ColumnMapping, remember: boolean) => void;
  onCancel: () => void;
}

/** Lets the user say which column is the email, the campaign, the content…, with a preview. */
export function MappingStep({ prepared, disabled, onSubmit, onCancel }: MappingStepProps) {
  const [mapping, setMapping] = useState<ColumnMapping>(() => ({ ...(prepared.saved ?? prepared.suggestion) }));
  const [remember, setRemember] = useState(true);
  const [error, setError] = useState('');

  function submit(e: Event) {
    e.preventDefault();
    const problem = checkMapping(prepared.headers, mapping);
    if (problem) {
      setError(problem);
      return;
    }
    setError('');
    onSubmit(mapping, remember);
  }

  function choose(field: CanonicalField, header: string) {
    setMapping((m) => {
      const next = { ...m };
      if (header) next[field] = header;
      else delete next[field];
      return next;
    });
  }

  return (
    <form class="cd-mapping" onSubmit={submit} aria-labelledby="cd-mapping-h">
      <h3 id="cd-mapping-h">Column mapping</h3>
      <p>
        The columns of <strong>{prepared.fileName}</strong> are not a format Unison knows. Say which column holds what; only the email is
        required.
      </p>
      {prepared.saved && prepared.savedAt && (
        <p class="muted">Your mapping saved on {new Date(prepared.savedAt).toLocaleString()} for files with these columns is filled in.</p>
      )}
      <div class="cd-scroll">
        <table class="cd-preview" aria-label="Preview of the first rows">
          <thead>
            <tr>
              {prepared.headers.map((h, i) => (
                <th key={i} scope="col">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {prepared.preview.map((row, r) => (
              <tr key={r}>
                {prepared.headers.map((_, c) => (
                  <td key={c}>{row[c] ?? ''}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="cd-fields">
        {CANONICAL_FIELDS.map((field) => {
          const id = `cd-map-${field}`;
          return (
            <div class="field" key={field}>
              <label for={id}>
                {FIELD_LABELS[field]}
                {field === 'email' ? ' (required)' : ''}
              </label>
              <select id={id} value={mapping[field] ?? ''} onChange={(e) => choose(field, e.currentTarget.value)} disabled={disabled}>
                <option value="">— not in this file —</option>
                {prepared.headers.map((h, i) => (
                  <option key={i} value={h}>
                    {h}
                  </option>
                ))}
              </select>
            </div>
          );
        })}
      </div>
      <label class="cd-check">
        <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.currentTarget.checked)} disabled={disabled} /> Remember this
        mapping for files with these columns
      </label>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="row">
        <button type="submit" class="primary" disabled={disabled}>
          Import with this mapping
        </button>
        <button type="button" onClick={onCancel} disabled={disabled}>
          Cancel
        </button>
      </div>
    </form>
  );
}
