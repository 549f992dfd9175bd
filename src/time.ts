/**
 * `$context.requestTime`: `dd/MMM/yyyy:HH:mm:ss ±hhmm`, e.g. `24/Nov/2026:18:47:25 +0000`
 * (docs/contracts.md §2). OpenObserve cannot parse it (§5), so the processor turns it into epoch time
 * and ISO 8601.
 *
 *   request-time = day "/" month "/" year ":" hour ":" minute ":" second SP sign offset
 *   day = 2DIGIT; month = "Jan" / … / "Dec"; year = 4DIGIT; offset = 4DIGIT (hhmm)
 */
const REQUEST_TIME =
  /^(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/;

const MONTHS: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};

export function isRequestTime(value: string): boolean {
  return parseRequestTime(value) !== undefined;
}

// Lines of one batch mostly share a handful of seconds: remember the last answer.
let lastText = '';
let lastMs: number | undefined;
let lastIso = '';

/** Epoch milliseconds of a `requestTime`, offset honoured, or undefined if it is not one. */
export function parseRequestTime(value: string): number | undefined {
  if (value === lastText) {
    // The same text, likely another string: keep this one, so that the next look at the same
    // value (a line's time is looked at up to three times) compares references, not characters.
    lastText = value;
    return lastMs;
  }
  lastText = value;
  lastMs = undefined;
  const match = REQUEST_TIME.exec(value);
  if (!match) return undefined;
  const [, day, monthName, year, hour, minute, second, sign, offsetHours, offsetMinutes] =
    match as unknown as string[];
  const month = MONTHS[monthName as string];
  if (month === undefined || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) {
    return undefined;
  }
  let local = Date.UTC(
    Number(year),
    month,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
  );
  // Date.UTC takes years 0-99 for 1900-1999.
  if (Number(year) < 100) local = new Date(local).setUTCFullYear(Number(year));
  // Date.UTC rolls 31/Feb over into March: a day that moved is not a real date.
  if (new Date(local).getUTCDate() !== Number(day) || Number(offsetMinutes) > 59) return undefined;
  const offset = (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000;
  lastMs = sign === '-' ? local + offset : local - offset;
  lastIso = isoTime(lastMs);
  return lastMs;
}

/** `requestTime` as ISO 8601 UTC, or undefined if it is not one. Cached like parseRequestTime. */
export function requestTimeIso(value: string): string | undefined {
  return parseRequestTime(value) === undefined ? undefined : lastIso;
}

/**
 * The latest event time, in epoch ms, whose `_timestamp` in µs is still an exact integer (2^53):
 * a later one (a CloudWatch timestamp or a requestTimeEpoch in µs, say) would be altered.
 */
export const MAX_EVENT_TIME_MS = Math.floor(Number.MAX_SAFE_INTEGER / 1000);

/**
 * Below this an epoch is taken as seconds (1e11 ms is March 1973; 1e11 s is the year 5138):
 * `requestTimeEpoch` is milliseconds on a REST API's stage, yet an HTTP API's, arriving by a
 * CloudWatch Logs subscription, has been seen in seconds (docs/contracts.md §2), and read as
 * milliseconds it would date the event in January 1970, outside every ingest window.
 */
export const MIN_EPOCH_MS = 1e11;

/**
 * Epoch milliseconds of a request's epoch time, in milliseconds or (below MIN_EPOCH_MS) seconds;
 * undefined when it is none, or later than `_timestamp` (µs) can hold exactly.
 */
export function epochMs(epoch: number): number | undefined {
  const ms = epoch < MIN_EPOCH_MS ? epoch * 1000 : epoch;
  return epoch > 0 && ms <= MAX_EVENT_TIME_MS ? ms : undefined;
}

/** ISO 8601 UTC with milliseconds, a form OpenObserve and every SQL engine read. */
export function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** A CloudWatch event time that `_timestamp` (µs) can hold exactly; else Firehose's arrival. */
export function lineTime(time: number | undefined, fallback: number): number {
  return time !== undefined && time >= 0 && time <= MAX_EVENT_TIME_MS ? time : fallback;
}
