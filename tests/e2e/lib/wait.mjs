// Retrying an assertion until it holds, for UI that settles asynchronously.

/**
 * Runs `check` until it stops throwing, then returns its result; after `timeout` ms rethrows the
 * last failure (so the test reports the real assertion message).
 * @template T
 * @param {() => T | Promise<T>} check
 * @param {{ timeout?: number, interval?: number }} [opts]
 * @returns {Promise<T>}
 */
export async function eventually(check, { timeout = 10_000, interval = 100 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, interval));
    }
  }
}
