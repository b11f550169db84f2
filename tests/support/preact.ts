/** Waiting helpers for component tests: let Preact and pending promises settle between checks. */
import { act } from 'preact/test-utils';

/** Runs `times` timer ticks (of `delayMs`) inside `act`, so effects and renders settle. */
export async function flush(times = 10, delayMs = 0): Promise<void> {
  for (let i = 0; i < times; i++) {
    await act(async () => {
      await new Promise((r) => setTimeout(r, delayMs));
    });
  }
}

export interface WaitOptions {
  /** How many ticks to try (default 100). */
  attempts?: number;
  /** Length of each tick in ms (default 0). */
  delayMs?: number;
  /** Extra words for the failure message (what the page says now). */
  describe?: () => string;
}

/** Waits until `check()` holds, one tick at a time; fails naming `what`. */
export async function waitFor(check: () => boolean, what: string, opts: WaitOptions = {}): Promise<void> {
  const { attempts = 100, delayMs = 0, describe } = opts;
  for (let i = 0; i < attempts; i++) {
    if (check()) return;
    await flush(1, delayMs);
  }
  throw new Error(`timed out waiting for ${what}${describe ? `: ${describe()}` : ''}`);
}
