/**
 * OpenObserve's management API (docs/contracts.md §6): HTTP Basic with a user's email and password or
 * API token, JSON in and out. Each failure becomes an error that says what to do.
 */
import { Refused } from '../shared/prompt';

export interface Credentials {
  readonly user: string;
  readonly password: string;
}

/** OpenObserve answered with a status the caller may handle (404, 409). */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    readonly detail: string,
  ) {
    super(
      `OpenObserve answered ${method} ${path} with HTTP ${status}${detail ? `: ${detail}` : ''}`,
    );
  }
}

/** An answer that does not have the shape §6 describes: not an OpenObserve this tool knows. */
export class UnexpectedAnswer extends Error {
  override name = 'UnexpectedAnswer';
}

export type Json = Record<string, unknown>;

export interface OpenObserveApi {
  readonly base: string;
  request(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<Json>;
}

export function openObserveApi(base: URL, credentials: Credentials): OpenObserveApi {
  const root = base.href.replace(/\/+$/, '');
  const authorization = `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}`;
  return {
    base: root,
    async request(method, path, body) {
      const response = await fetch(`${root}${path}`, {
        method,
        headers: {
          Authorization: authorization,
          Accept: 'application/json',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      if (response.status === 401) {
        throw new Refused(
          'OpenObserve refused the credentials (HTTP 401): check OPENOBSERVE_USER and OPENOBSERVE_PASSWORD (an API token works as the password)',
        );
      }
      if (response.status === 403) {
        throw new Refused(
          `user ${credentials.user} may not ${method} ${path} (HTTP 403): ask an OpenObserve admin for dashboard, alert and stream permissions in this organization`,
        );
      }
      if (!response.ok) {
        throw new ApiError(response.status, method, path, text.slice(0, 300).trim());
      }
      if (text.trim() === '') return {};
      try {
        const parsed: unknown = JSON.parse(text);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Json;
      } catch {
        // reported below
      }
      throw new UnexpectedAnswer(
        `OpenObserve answered ${method} ${path} with something other than a JSON object: ${text.slice(0, 120)}`,
      );
    },
  };
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
    throw new UnexpectedAnswer(
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
