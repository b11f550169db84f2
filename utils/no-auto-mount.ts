/**
 * Stands in for `@1natsu/wait-element` in the build (see `wxt.config.ts`). WXT's
 * `createShadowRootUi` carries `autoMount` (wait for an anchor element, mount, unmount), which
 * alone brings that package and its two dependencies into every host page. Unison mounts its card
 * itself and never calls `autoMount`; a call would fail here with this error, not silently.
 */
export function waitElement(): Promise<never> {
  return Promise.reject(new Error('Unison: autoMount is not available in this build'));
}
