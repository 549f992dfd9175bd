import { isIP } from 'node:net';
import { RefusedError, UsageError } from './errors';

/** 127.0.0.0/8, ::1 and localhost: the only places a credential may travel unencrypted. */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/**
 * A URL as the commands print it: without a user name or password, so a credential written into
 * a URL never reaches a terminal or a log. Text that is not a URL loses anything before an `@`.
 */
export function publicUrl(text: string): string {
  try {
    const url = new URL(text);
    url.username = '';
    url.password = '';
    return url.href;
  } catch {
    return text.replace(/\/\/[^/]*@/, '//');
  }
}

/**
 * The URL a tool sends credentials to: `https`, or `http` to a loopback address only (a local
 * test server or tunnel), so a key or password never crosses a network in clear text. Credentials
 * come from the environment or a prompt: a URL that carries them is refused without echoing them.
 */
export function secureUrl(text: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${what} is not a URL: ${publicUrl(text)}`);
  }
  if (url.username || url.password) {
    throw new RefusedError(
      `${what} must not hold a user name or password (credentials come from the environment or a prompt): ${publicUrl(text)}`,
    );
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return url;
  throw new RefusedError(
    `${what} must use https (http only to a loopback address such as 127.0.0.1): ${text}`,
  );
}
