/**
 * Sends events to an OpenObserve Firehose endpoint the way Firehose does (docs/contracts.md §4): POST,
 * gzip JSON body `{requestId, timestamp, records: [{data}]}`, the access key in
 * `X-Amz-Firehose-Access-Key`, one request id per batch kept across retries, exponential backoff
 * with jitter on 5xx, 429 and network errors, and an immediate stop on 401/403.
 */
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { Stopped } from '../shared/command';

export interface DeliveryOptions {
  readonly endpoint: string;
  readonly accessKey: string;
  /** Attempts per batch before the run stops (its progress is saved; a rerun resumes). */
  readonly maxAttempts: number;
  /** First backoff; doubles per attempt, with jitter, up to maxDelayMs. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A request that has not answered by then counts as a network error. */
  readonly timeoutMs: number;
  readonly sourceArn?: string;
}

export const DEFAULT_DELIVERY = {
  maxAttempts: 8,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  timeoutMs: 60_000,
} as const;

/** The batch was refused for good (a 4xx other than 401, 403, 429): keep it, go on. */
export class Rejected extends Error {
  override name = 'Rejected';
}

/** The run must stop: credentials refused, or retries exhausted. */
export class DeliveryStopped extends Stopped {
  override name = 'DeliveryStopped';
}

export type Sleep = (ms: number) => Promise<void>;
const realSleep: Sleep = (ms) => new Promise((wake) => setTimeout(wake, ms));

/** `base · 2^attempt`, capped, times a random factor in [0.5, 1): retries from many clients spread. */
export function backoffMs(
  attempt: number,
  options: Pick<DeliveryOptions, 'baseDelayMs' | 'maxDelayMs'>,
  random = Math.random,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  return Math.round(ceiling * (0.5 + random() / 2));
}

/**
 * Delivers one batch of event lines (each line one Firehose record, ≤ 1,024,000 bytes, §4).
 * Resolves when OpenObserve answered 200; throws Rejected or DeliveryStopped otherwise.
 */
export async function deliverBatch(
  lines: readonly string[],
  options: DeliveryOptions,
  onRetry: (attempt: number, reason: string, delayMs: number) => void = () => undefined,
  sleep: Sleep = realSleep,
): Promise<{ requestId: string; attempts: number }> {
  const requestId = randomUUID();
  const body = gzipSync(
    JSON.stringify({
      requestId,
      timestamp: Date.now(),
      records: lines.map((line) => ({ data: Buffer.from(`${line}\n`).toString('base64') })),
    }),
  );
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'Content-Encoding': 'gzip',
    'X-Amz-Firehose-Protocol-Version': '1.0',
    'X-Amz-Firehose-Request-Id': requestId,
    'X-Amz-Firehose-Access-Key': options.accessKey,
    'User-Agent': 'apigw-firehose-openobserve-replay',
  };
  if (options.sourceArn) headers['X-Amz-Firehose-Source-Arn'] = options.sourceArn;

  for (let attempt = 1; ; attempt++) {
    let reason: string;
    try {
      const response = await fetch(options.endpoint, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      const text = await response.text();
      if (response.status === 200) return { requestId, attempts: attempt };
      const detail = text.slice(0, 300).trim();
      if (response.status === 401 || response.status === 403) {
        throw new DeliveryStopped(
          `OpenObserve refused the access key (HTTP ${response.status}${detail ? `: ${detail}` : ''}); check OPENOBSERVE_ACCESS_KEY`,
        );
      }
      if (response.status !== 429 && response.status < 500) {
        throw new Rejected(`HTTP ${response.status}${detail ? `: ${detail}` : ''}`);
      }
      reason = `HTTP ${response.status}`;
    } catch (error) {
      if (error instanceof DeliveryStopped || error instanceof Rejected) throw error;
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      reason =
        (error as Error).name === 'TimeoutError'
          ? 'timed out'
          : `network error${cause ? ` ${cause}` : ''}`;
    }
    if (attempt >= options.maxAttempts) {
      throw new DeliveryStopped(`gave up after ${attempt} attempts (${reason}); rerun to resume`);
    }
    const delay = backoffMs(attempt - 1, options);
    onRetry(attempt, reason, delay);
    await sleep(delay);
  }
}
