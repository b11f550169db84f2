// Builds the extension into a folder of its own, so parallel runs never share one.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Runs `wxt build` with UNISON_OUT_DIR set (see wxt.config.ts) and returns the folder of the
 * built extension (`<outDir>/chrome-mv3` or `<outDir>/firefox-mv2`). Exits the process when the
 * build fails, after WXT has printed why.
 * @param {{ outDir?: string, browser?: 'chrome' | 'firefox', quiet?: boolean }} [opts]
 */
export function buildExtension({ outDir = '.output', browser = 'chrome', quiet = false } = {}) {
  const args = ['wxt', 'build', ...(browser === 'firefox' ? ['-b', 'firefox'] : [])];
  const t0 = Date.now();
  const r = spawnSync('npx', args, {
    stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    env: { ...process.env, UNISON_OUT_DIR: outDir },
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    if (quiet) process.stderr.write(`${r.stdout ?? ''}${r.stderr ?? ''}`);
    console.error(`Build failed (UNISON_OUT_DIR=${outDir} npx ${args.join(' ')}).`);
    process.exit(r.status ?? 1);
  }
  const dir = join(outDir, browser === 'firefox' ? 'firefox-mv2' : 'chrome-mv3');
  console.log(`Built the extension into ${dir} in ${((Date.now() - t0) / 1000).toFixed(1)} s.`);
  return dir;
}
