/**
 * In-memory versions of the extension APIs WXT's fake browser does not implement (`scripting`,
 * `permissions`): they keep state, fail the way Chromium does (a duplicate id, updating or
 * removing an unknown id), and fire `permissions.onAdded` / `onRemoved` like the browser, after
 * the change.
 */
import type { Browser } from 'wxt/browser';
import type { PermissionsApi, ScriptingApi } from '@/utils/custom-sites';

type Script = Browser.scripting.RegisteredContentScript;

export class MemoryScripting implements ScriptingApi {
  scripts = new Map<string, Script>();
  calls: string[] = [];
  async getRegisteredContentScripts(filter?: { ids?: string[] }) {
    this.calls.push('get');
    return [...this.scripts.values()].filter((s) => !filter?.ids || filter.ids.includes(s.id)).map((s) => structuredClone(s));
  }
  async registerContentScripts(scripts: Script[]) {
    this.calls.push('register');
    for (const s of scripts) if (this.scripts.has(s.id)) throw new Error(`Duplicate script ID '${s.id}'`);
    for (const s of scripts) this.scripts.set(s.id, structuredClone(s));
  }
  async updateContentScripts(scripts: Script[]) {
    this.calls.push('update');
    for (const s of scripts) if (!this.scripts.has(s.id)) throw new Error(`Script with ID '${s.id}' does not exist or is not fully registered`);
    for (const s of scripts) this.scripts.set(s.id, { ...this.scripts.get(s.id)!, ...structuredClone(s) });
  }
  async unregisterContentScripts(filter?: { ids?: string[] }) {
    this.calls.push('unregister');
    const ids = filter?.ids ?? [...this.scripts.keys()];
    for (const id of ids) if (!this.scripts.has(id)) throw new Error(`Nonexistent script ID '${id}'`);
    for (const id of ids) this.scripts.delete(id);
  }
}

type Change = { origins: string[]; permissions: string[] };

/** An extension event: listeners added, and a `fire` for the browser's side. */
export class MemoryEvent<T> {
  readonly listeners = new Set<(arg: T) => unknown>();
  addListener(fn: (arg: T) => unknown) {
    this.listeners.add(fn);
  }
  removeListener(fn: (arg: T) => unknown) {
    this.listeners.delete(fn);
  }
  hasListener(fn: (arg: T) => unknown) {
    return this.listeners.has(fn);
  }
  fire(arg: T) {
    for (const fn of this.listeners) fn(arg);
  }
}

export class MemoryPermissions implements PermissionsApi {
  origins = new Set<string>();
  readonly onAdded = new MemoryEvent<Change>();
  readonly onRemoved = new MemoryEvent<Change>();
  async contains(p: { origins?: string[] }) {
    return (p.origins ?? []).every((o) => this.origins.has(o));
  }
  async request(p: { origins?: string[] }) {
    const added = (p.origins ?? []).filter((o) => !this.origins.has(o));
    for (const o of added) this.origins.add(o);
    if (added.length) this.onAdded.fire({ origins: added, permissions: [] });
    return true;
  }
  async remove(p: { origins?: string[] }) {
    const removed = (p.origins ?? []).filter((o) => this.origins.has(o));
    for (const o of removed) this.origins.delete(o);
    if (removed.length) this.onRemoved.fire({ origins: removed, permissions: [] });
    return true;
  }
}
