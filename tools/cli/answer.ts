/**
 * What a command may say about an HTTP exchange with a server it sent credentials to. A server or
 * proxy can echo the request, headers included, so an answer is quoted short, on one line, with
 * every credential blanked; and a request that got no answer is named by its URL (without
 * credentials) with what to check.
 */
import { publicUrl } from './url';

/** Enough to recognise an error message or a login page; never a whole body. */
const QUOTE_CHARS = 160;
/** Bytes of an answer read at most: a proxy's error page can be large. */
export const ANSWER_BYTES = 64 * 1024;

/** The forms a credential takes when a server writes it back: as sent, URL-encoded, in JSON. */
function forms(secret: string): string[] {
  return [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)];
}

/**
 * A short quote of an answer: OpenObserve's `{message}` when it sent one, else the text; each
 * occurrence of a secret (and of its URL-encoded and JSON forms) replaced by `[redacted]`, control
 * characters and runs of blanks made one space, cut at QUOTE_CHARS.
 */
export function quoteAnswer(text: string, secrets: readonly string[]): string {
  let quoted = text;
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed?.message === 'string') quoted = parsed.message;
  } catch {
    // not JSON: quote the text
  }
  const blanked = secrets
    .filter((secret) => secret.length >= 4)
    .flatMap(forms)
    .sort((a, b) => b.length - a.length);
  for (const secret of blanked) quoted = quoted.split(secret).join('[redacted]');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed.
  quoted = quoted.replace(/[\u0000-\u001f\u007f\s]+/g, ' ').trim();
  return quoted.length > QUOTE_CHARS ? `${quoted.slice(0, QUOTE_CHARS)}…` : quoted;
}

/** At most `limit` bytes of an answer's body, as text; the rest is not read. */
export async function readAnswer(response: Response, limit = ANSWER_BYTES): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    while (length < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      length += value.length;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

/**
 * The network-level reason a request got no answer: `ECONNREFUSED`, `timed out`, … (fetch puts
 * Node.js's error in `cause`; the AWS SDK rejects with it), '' for any other error.
 */
export function noAnswerCode(error: unknown): string {
  if ((error as Error).name === 'TimeoutError') return 'timed out';
  const { code, cause } = error as { code?: unknown; cause?: { code?: unknown } };
  const found = cause?.code ?? code;
  return typeof found === 'string' ? found : '';
}

/** Why `url` gave no answer, and what to check, in one sentence. */
export function noAnswer(error: unknown, url: string, timeoutMs: number): string {
  const shown = publicUrl(url);
  const code = noAnswerCode(error);
  const host = (() => {
    try {
      return new URL(url).host;
    } catch {
      return shown;
    }
  })();
  if (code === 'timed out') {
    return `no answer from ${shown} within ${timeoutMs / 1000} s: check that the URL is right and that the server is running and reachable from here (a firewall may drop the connection)`;
  }
  if (code === 'ECONNREFUSED') {
    return `could not connect to ${shown} (connection refused): check the URL's host and port, and that the server is running`;
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return `could not find the host ${host} (${code}): check the URL`;
  }
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
    return `${host} presented a certificate this machine does not trust (${code}): check the URL, or the server's certificate`;
  }
  return `no answer from ${shown} (${code || (error as Error).message}): check the URL and that the server is reachable from here`;
}
