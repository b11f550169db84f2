// Finds the Chromium that end-to-end tests, the demo and benchmarks drive.
import { existsSync } from 'node:fs';

const CANDIDATES = [process.env.UNISON_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);

export function findChromium() {
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

/** The Chromium path, or exits with the exact command that installs it. */
export function requireChromium() {
  const found = findChromium();
  if (found) return found;
  console.error(
    [
      'Chromium was not found (looked for /usr/bin/chromium).',
      'Install it with:',
      '',
      '    sudo apt-get update && sudo apt-get install -y chromium',
      '',
      'or point UNISON_CHROMIUM at a Chromium or Chrome binary.',
    ].join('\n'),
  );
  process.exit(2);
}

/** Flags for a quiet, offline, headless-friendly Chromium with the extension loaded. */
export function chromiumArgs(extensionDir, { headless = true } = {}) {
  return [
    ...(headless ? ['--headless=new'] : []),
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-default-browser-check',
    `--disable-extensions-except=${extensionDir}`,
    `--load-extension=${extensionDir}`,
  ];
}
