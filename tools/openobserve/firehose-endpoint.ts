/**
 * Sends events to an OpenObserve Firehose endpoint the way Firehose does (docs/contracts.md §4): POST,
 * gzip JSON body `{requestId, timestamp, records: [{data}]}`, the access key in
 * `X-Amz-Firehose-Access-Key`, one request id per batch kept across retries, exponential backoff
 * with jitter on 5xx, 429 and network errors, and an immediate stop on 401/403. Only OpenObserve's
 * acknowledgement counts: HTTP 200 with the request's `requestId` echoed back (§4, §5).
 */
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { noAnswer, noAnswerCode, quoteAnswer, readAnswer } from '../cli/answer';
import { DeliveryStoppedError, NotAcknowledgedError, RejectedError } from '../cli/errors';
import { publicUrl, secureUrl } from '../cli/url';
import { keptStreamName } from './stream-settings';

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
  // Firehose's own allowance for an answer (docs/contracts.md §4): a slow server that stores a
  // batch late is not sent it again sooner than Firehose would.
  timeoutMs: 180_000,
} as const;

/**
 * The organization and stream of OpenObserve's Firehose endpoint, `https://…/aws/{org}/{stream}/
 * _kinesis_firehose` (docs/contracts.md §5); undefined for any other URL. Plain http only to loopback.
 */
export function openObserveEndpoint(
  url: string,
): { org: string; stream: string; sentTo: string } | undefined {
  try {
    secureUrl(url, 'the endpoint');
  } catch {
    return undefined;
  }
  const match = /\/aws\/([^/]+)\/([^/]+)\/_kinesis_firehose$/.exec(new URL(url).pathname);
  // The stream as OpenObserve keeps it by default, which a search names (keptStreamOn asks a
  // server that may keep capitals), and as the URL names it.
  return match
    ? {
        org: match[1] as string,
        stream: keptStreamName(match[2] as string),
        sentTo: match[2] as string,
      }
    : undefined;
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

/** OpenObserve's answer to a delivered batch: JSON with the request's own id (§4). */
function acknowledged(text: string, requestId: string): boolean {
  try {
    return (JSON.parse(text) as { requestId?: unknown })?.requestId === requestId;
  } catch {
    return false;
  }
}

/**
 * One record of a batch: an event line (a record of its own, with its line break), or a record's
 * bytes as they are: events gzip-compressed, as the processor sends a record too large otherwise.
 */
export type Line = string | Buffer;

/** One batch as Firehose posts it (§4): a request id kept across retries, gzip JSON, headers. */
function firehoseRequest(lines: readonly Line[], options: DeliveryOptions) {
  const requestId = randomUUID();
  const data = (line: Line) => (typeof line === 'string' ? Buffer.from(`${line}\n`) : line);
  const body = gzipSync(
    JSON.stringify({
      requestId,
      timestamp: Date.now(),
      records: lines.map((line) => ({ data: data(line).toString('base64') })),
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
  return { requestId, body, headers };
}

/**
 * What an answer means: delivered (true), worth another attempt (its reason), or an error thrown:
 * a redirect or a 2xx that is not OpenObserve's acknowledgement, a refused key, a refused batch.
 * Quotes of the answer never hold the access key (quoteAnswer).
 */
async function judge(
  response: Response,
  requestId: string,
  options: DeliveryOptions,
): Promise<true | string> {
  const endpoint = publicUrl(options.endpoint);
  const secrets = [options.accessKey, Buffer.from(options.accessKey, 'base64').toString('utf8')];
  const quote = (text: string) => {
    const quoted = quoteAnswer(text, secrets);
    return quoted ? `: ${quoted}` : '';
  };
  const { status } = response;
  if (status >= 300 && status < 400) {
    await response.body?.cancel();
    const location = response.headers.get('location') ?? '';
    const target = quoteAnswer(
      URL.canParse(location, options.endpoint)
        ? publicUrl(new URL(location, options.endpoint).href)
        : location,
      secrets,
    );
    throw new NotAcknowledgedError(
      `${endpoint} answered HTTP ${status}, a redirect${target ? ` to ${target}` : ''}; it is not followed (the access key would go along, and the events would not): use the URL OpenObserve answers at`,
    );
  }
  const text = await readAnswer(response);
  if (status >= 200 && status < 300) {
    if (acknowledged(text, requestId) && status === 200) return true;
    const type = response.headers.get('content-type')?.split(';')[0] || 'no content type';
    throw new NotAcknowledgedError(
      `${endpoint} answered HTTP ${status} (${type}) without OpenObserve's acknowledgement (JSON with the requestId sent)${quote(text)}; is it OpenObserve's _kinesis_firehose endpoint?`,
    );
  }
  if (status === 401 || status === 403) {
    throw new DeliveryStoppedError(
      `OpenObserve refused the access key (HTTP ${status}${quote(text)}); check OPENOBSERVE_ACCESS_KEY`,
    );
  }
  // OpenObserve refuses events it cannot take with 400: the batch is kept, the run goes on.
  if (status === 400) throw new RejectedError(`HTTP ${status}${quote(text)}`);
  if (status === 413) throw new TooLargeError(`HTTP ${status}${quote(text)}`);
  if (status === 408 || status === 429 || status >= 500) return `HTTP ${status}`;
  // Any other answer is about the request (a path or organization OpenObserve does not know, a
  // proxy's rule), not its events: every batch would get it, and be kept, the input whole.
  throw new DeliveryStoppedError(
    `${endpoint} answered HTTP ${status}${quote(text)}, an answer about the request, not its events (OpenObserve refuses events with 400); nothing more is sent: check the URL and organization, then rerun`,
  );
}

/**
 * The endpoint (or a proxy before it) took the request as too large (413): a replay sends the
 * batch again in halves; one event alone is kept as refused.
 */
export class TooLargeError extends RejectedError {
  override name = 'TooLargeError';
}

/**
 * Delivers one batch of event lines (each line one Firehose record, ≤ 1,024,000 bytes, §4).
 * Resolves when OpenObserve acknowledged it; throws RejectedError (400; TooLargeError, 413) or
 * DeliveryStoppedError otherwise, after `maxAttempts` with backoff for 408, 429, 5xx, time-outs and
 * dropped connections.
 */
export async function deliverBatch(
  lines: readonly Line[],
  options: DeliveryOptions,
  onRetry: (attempt: number, reason: string, delayMs: number) => void = () => undefined,
  sleep: Sleep = realSleep,
): Promise<{ requestId: string; attempts: number }> {
  const { requestId, body, headers } = firehoseRequest(lines, options);
  for (let attempt = 1; ; attempt++) {
    let reason: string;
    try {
      const response = await fetch(options.endpoint, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      const answer = await judge(response, requestId, options);
      if (answer === true) return { requestId, attempts: attempt };
      reason = answer;
    } catch (error) {
      // A refused key or batch, and an answer that is not OpenObserve's (a DeliveryStoppedError).
      if (error instanceof DeliveryStoppedError || error instanceof RejectedError) throw error;
      const code = noAnswerCode(error);
      reason = code === 'timed out' ? code : `network error${code ? ` ${code}` : ''}`;
      if (attempt >= options.maxAttempts) {
        throw new DeliveryStoppedError(
          `gave up after ${attempt} attempts (${reason}): ${noAnswer(error, options.endpoint, options.timeoutMs)}; rerun to resume`,
        );
      }
    }
    if (attempt >= options.maxAttempts) {
      throw new DeliveryStoppedError(
        `gave up after ${attempt} attempts (${reason} from ${publicUrl(options.endpoint)}); rerun to resume`,
      );
    }
    const delay = backoffMs(attempt - 1, options);
    onRetry(attempt, reason, delay);
    await sleep(delay);
  }
}
