import { useEffect, useRef, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { allowedRepDomain, atAllowedDomain, readPolicy, readStoredSettings, updateSettings } from '@/utils/settings';
import { emailSchema } from '@/utils/schema';

/** The rep's own name and address: stamped on feedback, and never badged. */
export function YouSection() {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');
  // What the rep typed before the stored values arrived is kept.
  const touched = useRef(false);

  useEffect(() => {
    // Only storage.local: no policy applies to these fields, and reading it is instant.
    void readStoredSettings().then((s) => {
      if (touched.current) return;
      setName(s.you.name);
      setEmail(s.you.email);
    });
  }, []);

  async function save(e: Event) {
    e.preventDefault();
    setError('');
    // Nothing saved yet: an earlier "Saved" would stand beside this save's error.
    setStatus('');
    const trimmed = email.trim();
    if (trimmed) {
      if (!emailSchema.safeParse(trimmed).success) {
        setError('Enter a valid email address.');
        return;
      }
      const domain = allowedRepDomain(await readPolicy());
      if (!atAllowedDomain(trimmed, domain)) {
        setError(`Your organisation allows only addresses at ${domain}.`);
        return;
      }
    }
    try {
      await updateSettings((s) => {
        s.you = { name: name.trim(), email: trimmed.toLowerCase() };
      });
    } catch (err) {
      setError(`Not saved: ${(err as Error).message}`);
      return;
    }
    await browser.runtime.sendMessage({ type: 'settings-changed' }).catch(() => undefined);
    setStatus('Saved');
  }

  return (
    <section aria-labelledby="you-h">
      <h2 id="you-h">You</h2>
      <p class="muted">Stamped on the feedback you give; your own address never gets a badge.</p>
      <form onSubmit={save}>
        <div class="field">
          <label for="you-name">Your name</label>
          <input id="you-name" type="text" value={name} onInput={(e) => {
              touched.current = true;
              setName(e.currentTarget.value);
            }} autocomplete="name" maxLength={200} />
        </div>
        <div class="field">
          <label for="you-email">Your email</label>
          <input id="you-email" type="email" value={email} onInput={(e) => {
              touched.current = true;
              setEmail(e.currentTarget.value);
            }} autocomplete="email" maxLength={254} />
        </div>
        <div class="row">
          <button type="submit" class="primary">Save</button>
          <span role="status">{status}</span>
          {error && (
            <span class="error" role="alert">
              {error}
            </span>
          )}
        </div>
      </form>
    </section>
  );
}
