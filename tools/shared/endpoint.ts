import { isIP } from 'node:net';
import { Refused } from './prompt';

/** 127.0.0.0/8, ::1 and localhost: the only places a credential may travel unencrypted. */
function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/**
 * The URL a tool sends credentials to: `https`, or `http` to a loopback address only (a local
 * test server or tunnel), so a key or password never crosses a network in clear text.
 */
export function secureUrl(text: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Refused(`${what} is not a URL: ${text}`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return url;
  throw new Refused(
    `${what} must use https (http only to a loopback address such as 127.0.0.1): ${text}`,
  );
}
