/**
 * The OpenObserve release `setup` needs for what it installs, checked before it changes anything:
 * an older server refuses a schema-8 dashboard with "unsupported version: 8" halfway through.
 * The version is in `GET /config`, which answers without credentials (as the servers the tests run
 * do; `/version` needs them on some releases).
 */
import { ApiError, RefusedError, UnexpectedAnswerError } from '../cli/errors';
import type { OpenObserveApi } from './api';

/** What setup installs, and the first OpenObserve release that takes it; oldest first. */
export const REQUIREMENTS: readonly { readonly what: string; readonly since: string }[] = [
  // src/config/src/meta/dashboards/v8 first shipped in v0.40.0.
  { what: 'dashboards of schema version 8', since: 'v0.40.0' },
];

/** `v0.90.0`, `0.40.0-rc1` → [0, 90, 0]; undefined for anything else. */
export function parseVersion(text: string): [number, number, number] | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

/** The first release with the SLO API (routes `/api/{org}/slos`, docs/contracts.md §6.1). */
export const SLO_SINCE = 'v0.92.0';

/** Whether a version reads as older than a release; a version that does not read is not. */
export function olderThan(version: string, since: string): boolean {
  const parsed = parseVersion(version);
  return parsed !== undefined && older(parsed, parseVersion(since) ?? []);
}

const older = (a: readonly number[], b: readonly number[]) => {
  const index = a.findIndex((part, i) => part !== b[i]);
  return index >= 0 && (a[index] as number) < (b[index] as number);
};

/**
 * The server's version; refuses one older than a requirement, naming the release it needs. A
 * version that does not read as `vX.Y.Z` is let through: a build of its own may name itself so.
 */
export async function checkVersion(api: OpenObserveApi): Promise<string> {
  const config = await api.request('GET', '/config').catch((error: unknown) => {
    // An address copied from the browser (`…/web/dashboards`) or the API (`…/api/default`).
    const { origin, pathname } = new URL(api.base);
    if (error instanceof ApiError && error.status === 404 && pathname !== '/') {
      throw new RefusedError(
        `${error.message}: --url is OpenObserve's address, without a path of the UI or the API; give ${origin} (a path only when OpenObserve is served under one)`,
        { cause: error },
      );
    }
    throw error;
  });
  if (typeof config.version !== 'string') {
    throw new UnexpectedAnswerError(
      `OpenObserve's GET /config has no version (got ${JSON.stringify(config.version)}); is ${api.base} OpenObserve?`,
    );
  }
  const version = parseVersion(config.version);
  const missing = REQUIREMENTS.filter(
    (requirement) => version && older(version, parseVersion(requirement.since) ?? []),
  );
  if (missing.length) {
    const needs = missing.map((requirement) => `${requirement.what} need ${requirement.since}`);
    throw new RefusedError(
      `OpenObserve ${config.version} is too old for what setup installs (${needs.join('; ')}): upgrade OpenObserve to ${missing.at(-1)?.since} or newer and rerun. Nothing was changed.`,
    );
  }
  return config.version;
}
