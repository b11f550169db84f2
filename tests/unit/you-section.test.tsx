/**
 * The options page's You section, rendered with Preact into happy-dom; settings and policy go
 * through WXT's fake storage.
 */
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { YouSection } from '@/components/options/YouSection';
import { readStoredSettings, updateSettings } from '@/utils/settings';
import { waitFor } from '../support/preact';

let host: HTMLDivElement;
let changed: number;

beforeEach(async () => {
  host = document.createElement('div');
  document.body.append(host);
  changed = 0;
  fakeBrowser.runtime.onMessage.addListener((m: unknown) => {
    if ((m as { type?: string }).type === 'settings-changed') changed += 1;
    return Promise.resolve({ type: 'settings-changed', ok: true });
  });
});
afterEach(() => {
  render(null, host);
  host.remove();
});

const input = (label: string) => {
  const l = [...host.querySelectorAll('label')].find((x) => x.textContent === label)!;
  return host.querySelector<HTMLInputElement>(`#${l.getAttribute('for')}`)!;
};
const type = (el: HTMLInputElement, value: string) =>
  act(() => {
    el.value = value;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
const save = () => act(() => host.querySelector<HTMLButtonElement>('button[type="submit"]')!.click());
const said = () => `${host.querySelector('[role="status"]')?.textContent ?? ''}|${host.querySelector('[role="alert"]')?.textContent ?? ''}`;

async function mount() {
  await updateSettings((s) => {
    s.you = { name: 'Sam Ortiz', email: 'sam@seller.example' };
  });
  await act(async () => {
    render(<YouSection />, host);
  });
  await waitFor(() => input('Your name').value === 'Sam Ortiz', 'the stored name');
}

describe('You', () => {
  it('saves the name and the address (lower-cased) and tells the background', async () => {
    await mount();
    await type(input('Your name'), '  Sam  Ortiz-Lee ');
    await type(input('Your email'), 'Sam.Ortiz@Seller.Example');
    await save();
    await waitFor(() => said() === 'Saved|', 'Saved', { describe: said });
    expect((await readStoredSettings()).you).toEqual({ name: 'Sam  Ortiz-Lee', email: 'sam.ortiz@seller.example' });
    expect(changed).toBe(1);
  });

  it('refuses an invalid address, and one outside the domain a policy allows, keeping what was saved', async () => {
    await mount();
    // The browser's own check lets this through (no dot needed there); Unison's does not.
    await type(input('Your email'), 'sam@seller');
    await save();
    await waitFor(() => said() === '|Enter a valid email address.', 'the error', { describe: said });
    await fakeBrowser.storage.managed.set({ allowedRepEmailDomain: 'seller.example' });
    await type(input('Your email'), 'sam@gmail.com');
    await save();
    await waitFor(() => said() === '|Your organisation allows only addresses at seller.example.', 'the policy error', { describe: said });
    expect((await readStoredSettings()).you.email).toBe('sam@seller.example');
    expect(changed).toBe(0);
  });

  it('an error after a save does not stand beside the "Saved" of the save before', async () => {
    await mount();
    await type(input('Your email'), 'sam@seller.example');
    await save();
    await waitFor(() => said() === 'Saved|', 'saved', { describe: said });
    await type(input('Your email'), 'sam@seller');
    await save();
    await waitFor(() => said() === '|Enter a valid email address.', 'the error alone', { describe: said });
  });

  it('limits the fields to what the settings keep, and says so when saving fails', async () => {
    await mount();
    expect(input('Your name').maxLength).toBe(200);
    expect(input('Your email').maxLength).toBe(254);
    const set = vi.spyOn(fakeBrowser.storage.local, 'set').mockRejectedValueOnce(new Error('QUOTA_BYTES quota exceeded'));
    await type(input('Your name'), 'Sam');
    await save();
    await waitFor(() => said() === '|Not saved: QUOTA_BYTES quota exceeded', 'the failure', { describe: said });
    expect((await readStoredSettings()).you.name).toBe('Sam Ortiz');
    expect(changed).toBe(0);
    set.mockRestore();
  });
});
