/**
 * OpenObserve's management API (docs/contracts.md §6): HTTP Basic with a user's email and password or
 * API token, JSON in and out. Each failure becomes an error that says what to do.
 */
import { ANSWER_BYTES, noAnswer, quoteAnswer, readAnswer } from '../cli/answer';
import { ApiError, NoAnswerError, RefusedError, UnexpectedAnswerError } from '../cli/errors';
import { publicUrl } from '../cli/url';

export interface Credentials {
  readonly user: string;
  readonly password: string;
}

export type Json = Record<string, unknown>;

export interface OpenObserveApi {
  readonly base: string;
  request(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<Json>;
}

export const DEFAULT_API_TIMEOUT_MS = 30_000;

export function openObserveApi(
  base: URL,
  credentials: Credentials,
  timeoutMs = DEFAULT_API_TIMEOUT_MS,
): OpenObserveApi {
  const root = publicUrl(base.href).replace(/\/+$/, '');
  const token = Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64');
  const authorization = `Basic ${token}`;
  // A server or proxy may echo the request: none of these may reach the terminal.
  const secrets = [token, `${credentials.user}:${credentials.password}`, credentials.password];
  return {
    base: root,
    async request(method, path, body) {
      let response: Response;
      let text: string;
      try {
        response = await fetch(`${root}${path}`, {
          method,
          headers: {
            Authorization: authorization,
            Accept: 'application/json',
            ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          // A redirect would carry the Authorization header to wherever it points.
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        });
        // An error is quoted, so a little of it is enough; an answer is read whole (search results).
        text = await readAnswer(response, response.ok ? Number.POSITIVE_INFINITY : ANSWER_BYTES);
      } catch (error) {
        throw new NoAnswerError(
          `OpenObserve did not answer ${method} ${path}: ${noAnswer(error, `${root}${path}`, timeoutMs)}`,
          { cause: error },
        );
      }
      if (response.status >= 300 && response.status < 400) {
        throw new RefusedError(
          `OpenObserve answered ${method} ${path} with HTTP ${response.status}, a redirect to ${quoteAnswer(publicUrl(response.headers.get('location') ?? ''), secrets) || 'nowhere'}; it is not followed (the credentials would go along): pass the URL OpenObserve answers at as --url`,
        );
      }
      if (response.status === 401) {
        throw new RefusedError(
          'OpenObserve refused the credentials (HTTP 401): check OPENOBSERVE_USER and OPENOBSERVE_PASSWORD (an API token works as the password)',
        );
      }
      if (response.status === 403) {
        throw new RefusedError(
          `user ${credentials.user} may not ${method} ${path} (HTTP 403): ask an OpenObserve admin for dashboard, alert and stream permissions in this organization`,
        );
      }
      if (!response.ok) {
        throw new ApiError(response.status, method, path, quoteAnswer(text, secrets));
      }
      if (text.trim() === '') return {};
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        // reported below
      }
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        return withoutBodyError(parsed as Json, method, path, secrets);
      }
      throw new UnexpectedAnswerError(
        `OpenObserve answered ${method} ${path} with something other than a JSON object: ${quoteAnswer(text, secrets)}`,
      );
    },
  };
}

/**
 * An answer whose body says it failed. OpenObserve answers HTTP 200 for error codes outside the
 * few it maps (a disabled feature's 501, an organization's row budget's 413): its JSON body's
 * `code` is the status that counts (docs/contracts.md §6).
 */
function withoutBodyError(answer: Json, method: string, path: string, secrets: string[]): Json {
  const { code, message } = answer;
  if (typeof code === 'number' && code >= 400 && typeof message === 'string') {
    throw new ApiError(code, method, path, quoteAnswer(message, secrets));
  }
  return answer;
}

/** The value at `key` of an answer, which must have the type §6 gives it. */
export function field<T>(
  answer: Json,
  key: string,
  is: (value: unknown) => value is T,
  where: string,
): T {
  const value = answer[key];
  if (!is(value)) {
    throw new UnexpectedAnswerError(
      `OpenObserve's answer to ${where} has no ${key} of the expected type (got ${JSON.stringify(value)?.slice(0, 80)}); is ${where} an OpenObserve API of the v0.93 line or newer?`,
    );
  }
  return value;
}

export const isString = (value: unknown): value is string => typeof value === 'string';
export const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
export const isObjectList = (value: unknown): value is Json[] =>
  Array.isArray(value) && value.every(isObject);
