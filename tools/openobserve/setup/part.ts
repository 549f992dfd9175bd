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
  /** Whether a change creates an object in the part's folder (an update leaves one where it is). */
  readonly creates?: boolean;
  /** After the changes: what reads back other than planned. */
  readBack(): Promise<string[]>;
}

export const nothing = async (): Promise<string[]> => [];

/** Fields the processor takes from the delivery stream's ARN, not from a line. */
const FROM_STREAM = new Set(['aws_account_id', 'aws_region']);

/**
 * Fields the processor writes itself, on some events only: `parse_error` and `message` on a line it
 * could not read, `sample_rate` on events a SAMPLE rule kept.
 */
const FROM_PROCESSOR = new Set(['log_format', 'parse_error', 'message', 'sample_rate']);

/**
 * Where the fields a stream lacks come from, for a line that says what to wait for: the
 * recommended access-log format, or the delivery stream (events a replay sent have no stream).
 */
export function whoWrites(fields: readonly string[]): string {
  const fromStream = fields.filter((field) => FROM_STREAM.has(field));
  const fromProcessor = fields.filter((field) => FROM_PROCESSOR.has(field));
  const fromLines = fields.filter((field) => !FROM_STREAM.has(field) && !FROM_PROCESSOR.has(field));
  const said: string[] = [];
  if (fromLines.length) {
    said.push(
      `the recommended access-log format writes ${fromLines.join(', ')}: docs/reference.md`,
    );
  }
  if (fromProcessor.length) {
    said.push(
      `the processor writes ${fromProcessor.join(', ')} on some events (a line it could not read, an event a SAMPLE rule kept)`,
    );
  }
  if (fromStream.length) {
    said.push(
      `the processor writes ${fromStream.join(', ')} from the delivery stream: events that came through Firehose have them, events a replay sent do not`,
    );
  }
  return said.join('; ');
}

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
