// The machine a run happened on: CPU model, core count, memory, Node and Chromium versions.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg, totalmem, platform, release } from 'node:os';
import { readFileSync } from 'node:fs';

function cpuModel() {
  const fromOs = cpus()[0]?.model?.trim();
  if (fromOs && fromOs !== 'unknown') return fromOs;
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    return line ? line.split(':')[1].trim() : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Chromium's own version string (`Chromium 1xx.0.…`), from the binary. */
export function chromiumVersion(executable) {
  if (!executable) return null;
  const r = spawnSync(executable, ['--version'], { encoding: 'utf8', timeout: 15_000 });
  const out = (r.stdout || '').trim().split('\n')[0];
  return out || null;
}

export function machine(executable) {
  return {
    cpu: cpuModel(),
    cores: cpus().length,
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: `${platform()} ${release()}`,
    node: process.version,
    chromium: chromiumVersion(executable),
    /** 1-minute load average when the run started (other work on a shared machine). */
    loadAtStart: Math.round(loadavg()[0] * 10) / 10,
  };
}
