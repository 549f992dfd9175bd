/**
 * `openobserve setup` is planned in parts (folders, dashboard, stream, alerts), each read from
 * OpenObserve first; the parts make one Plan (tools/cli/plan.ts).
 */
import type { Change } from '../../cli/plan';
import { isObject } from '../api';

export interface SetupPart {
  readonly changes: readonly Change[];
  /** What is not installed, and why. */
  readonly skipped: readonly string[];
  /** After the changes: what reads back other than planned. */
  readBack(): Promise<string[]>;
}

export const nothing = async (): Promise<string[]> => [];

/**
 * True when every value `desired` sets is in `actual` (the server adds ids, owners, timestamps
 * and defaults of its own); a `null` in `desired` also matches an absent key.
 */
export function sameAsDesired(desired: unknown, actual: unknown): boolean {
  if (desired === null) return actual === null || actual === undefined;
  if (Array.isArray(desired)) {
    return (
      Array.isArray(actual) &&
      actual.length === desired.length &&
      desired.every((item, index) => sameAsDesired(item, actual[index]))
    );
  }
  if (isObject(desired)) {
    return (
      isObject(actual) && Object.entries(desired).every(([k, v]) => sameAsDesired(v, actual[k]))
    );
  }
  return desired === actual;
}

export const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
