/**
 * The built-in classes of REDACT. Each runs on text a client wrote (user agents, paths), so each is
 * linear in the value's length: the classes whose regular expression would backtrack over a long
 * run (email, jwt, ipv6: a 9 KB `aaaa…a@:` made them quadratic) are scans written by hand that
 * visit each character a bounded number of times; the others keep an expression whose every
 * repetition is bounded or cannot give characters back.
 */
import { net } from './builtins';

/** A class of text, replaced by `[name]` wherever it occurs. */
export interface Redaction {
  readonly name: string;
  readonly replacement: string;
  /** Cheap test that a value may hold a match, before the scan runs. */
  readonly mayMatch: (value: string) => boolean;
  /** The value with every match replaced. */
  redact(value: string): string;
}

/** A character-class lookup for ASCII: `set[code] === 1` for the members. */
function charSet(members: string): Uint8Array {
  const set = new Uint8Array(128);
  for (const range of members.matchAll(/(.)-(.)|(.)/gs)) {
    const [, from, to, single] = range;
    const first = (from ?? single) as string;
    const last = (to ?? single) as string;
    for (let code = first.charCodeAt(0); code <= last.charCodeAt(0); code++) set[code] = 1;
  }
  return set;
}

const has = (set: Uint8Array, value: string, i: number) => {
  const code = value.charCodeAt(i);
  return code < 128 && set[code] === 1;
};

/** Replaces the spans `[start, end)` found by `next(value, from)`, left to right. */
function replaceSpans(
  value: string,
  replacement: string,
  next: (value: string, from: number) => [number, number] | undefined,
): string {
  let out = '';
  let copied = 0;
  let from = 0;
  for (let span = next(value, from); span; span = next(value, from)) {
    out += value.slice(copied, span[0]) + replacement;
    copied = span[1];
    from = span[1];
  }
  return copied === 0 ? value : out + value.slice(copied);
}

function redaction(
  name: string,
  mayMatch: (value: string) => boolean,
  next: (value: string, from: number) => [number, number] | undefined,
): Redaction {
  const replacement = `[${name}]`;
  return { name, replacement, mayMatch, redact: (value) => replaceSpans(value, replacement, next) };
}

/** A class whose expression is linear as written: bounded repetitions, or none that backtracks. */
function patternRedaction(name: string, pattern: RegExp, mayMatch: (v: string) => boolean) {
  const global = new RegExp(pattern.source, `${pattern.flags}g`);
  const replacement = `[${name}]`;
  return {
    name,
    replacement,
    mayMatch,
    redact: (value: string) => value.replace(global, replacement),
  };
}

const EMAIL_LOCAL = charSet('A-Za-z0-9._%+-');
const DOMAIN_LABEL = charSet('A-Za-z0-9-');
const LETTER = charSet('A-Za-z');
/**
 * Beyond ASCII, what an internationalized address holds (RFC 6531, IDN): letters, marks and digits
 * of the scripts written with spaces between words. In Chinese, Japanese, Thai and the like a
 * word runs into the next, so an address's start cannot be told: there they end it, as before.
 */
const NO_SPACES =
  '\\p{scx=Han}\\p{scx=Hira}\\p{scx=Kana}\\p{scx=Thai}\\p{scx=Laoo}\\p{scx=Khmr}\\p{scx=Mymr}';
const WORD_BEYOND_ASCII = new RegExp(`^(?![${NO_SPACES}])[\\p{L}\\p{M}\\p{N}]$`, 'u');
const LETTER_BEYOND_ASCII = new RegExp(`^(?![${NO_SPACES}])[\\p{L}\\p{M}]$`, 'u');

/**
 * `has`, and beyond ASCII the characters `beyond` matches: one code unit, so a letter outside the
 * Basic Multilingual Plane (a pair) ends an address too.
 */
const hasWide = (set: Uint8Array, beyond: RegExp, value: string, i: number) => {
  const code = value.charCodeAt(i);
  return code < 128 ? set[code] === 1 : beyond.test(value.charAt(i));
};

/**
 * email = local "@" domain, as `(?:[A-Za-z0-9._%+-]|W)+@(?:[A-Za-z0-9-]|W)+(?:\.(?:[A-Za-z0-9-]|W)+)*\.(?:[A-Za-z]{2,}|L{2,})`
 * matches it (W and L: WORD_BEYOND_ASCII and LETTER_BEYOND_ASCII), internationalized addresses
 * too (`josé@exämple.de`): the local part is the whole run of local characters before the `@`; the
 * domain ends after the last of its labels that starts with two letters, all ASCII or none (that
 * label's leading letters: `example.comне` ends at `com`).
 */
function nextEmail(value: string, from: number): [number, number] | undefined {
  const local = (i: number) => hasWide(EMAIL_LOCAL, WORD_BEYOND_ASCII, value, i);
  const label = (i: number) =>
    i < value.length && hasWide(DOMAIN_LABEL, WORD_BEYOND_ASCII, value, i);
  const ascii = (i: number) => has(LETTER, value, i);
  const wide = (i: number) =>
    value.charCodeAt(i) >= 128 && LETTER_BEYOND_ASCII.test(value.charAt(i));
  for (let at = value.indexOf('@', from); at !== -1; at = value.indexOf('@', at + 1)) {
    let start = at;
    while (start > from && local(start - 1)) start--;
    if (start === at) continue;
    // Labels after the `@`: the first whole, each later one after a dot.
    let i = at + 1;
    while (label(i)) i++;
    if (i === at + 1) continue;
    let end = -1;
    while (value.charCodeAt(i) === 46 /* . */) {
      const first = i + 1;
      let j = first;
      while (label(j)) j++;
      if (j === first) break;
      const letter = ascii(first) ? ascii : wide;
      let letters = first;
      while (letters < j && letter(letters)) letters++;
      if (letters - first >= 2) end = letters;
      i = j;
    }
    if (end !== -1) return [start, end];
  }
  return undefined;
}

const BASE64URL = charSet('A-Za-z0-9_-');

/** jwt = "eyJ" *b64 "." 1*b64 "." *b64 (three base64url parts, the first a JSON header: `{"`). */
function nextJwt(value: string, from: number): [number, number] | undefined {
  const run = (i: number) => {
    while (i < value.length && has(BASE64URL, value, i)) i++;
    return i;
  };
  for (let start = value.indexOf('eyJ', from); start !== -1; ) {
    const header = run(start + 3);
    if (value.charCodeAt(header) === 46) {
      const payload = run(header + 1);
      if (payload > header + 1 && value.charCodeAt(payload) === 46) {
        return [start, run(payload + 1)];
      }
    }
    // Every "eyJ" inside the same header run fails the same way.
    start = value.indexOf('eyJ', header);
  }
  return undefined;
}

const IPV6_TEXT = charSet('0-9A-Fa-f:.');
/** The longest text form of an IPv6 address (with an IPv4 tail). */
const MAX_IPV6_LENGTH = 45;

/**
 * IPv6 has too many written forms for a readable pattern: each run of hex digits, colons and dots
 * that holds a colon is taken, and replaced when Node's own parser accepts it as an address (see
 * addressIn for the text around one).
 */
function nextIpv6(value: string, from: number): [number, number] | undefined {
  let i = from;
  while (i < value.length) {
    while (i < value.length && !has(IPV6_TEXT, value, i)) i++;
    const start = i;
    let colon = false;
    while (i < value.length && has(IPV6_TEXT, value, i)) {
      if (value.charCodeAt(i) === 58) colon = true;
      i++;
    }
    if (colon) {
      const found = addressIn(value, start, i);
      if (found) return found;
    }
  }
  return undefined;
}

const isStop = (code: number) => code === 46 || code === 58;

/**
 * Whether value[from, to) is an address. Every text form of one has two colons at least (`::`)
 * and 45 characters at most: a time (`12:30`) is not handed to Node's parser.
 */
function isAddress(value: string, from: number, to: number): boolean {
  if (to - from > MAX_IPV6_LENGTH) return false;
  let colons = 0;
  for (let i = from; i < to && colons < 2; i++) if (value.charCodeAt(i) === 58) colons++;
  return colons === 2 && net().isIPv6(value.slice(from, to));
}

/**
 * The address a run of hex digits, colons and dots holds: the run itself; else without the `.` or
 * `:` around it, a sentence's or a label's (`…::1.`, `host:2001:db8::1`); else after its first
 * group, a label of hex letters (`cafe12:2001:db8::1`).
 */
function addressIn(value: string, start: number, end: number): [number, number] | undefined {
  if (isAddress(value, start, end)) return [start, end];
  let first = start;
  while (first < end && isStop(value.charCodeAt(first))) first++;
  let last = end;
  while (last > first && isStop(value.charCodeAt(last - 1))) last--;
  if (first > start && isAddress(value, first, end)) return [first, end];
  if (last < end && isAddress(value, start, last)) return [start, last];
  if (first > start && last < end && isAddress(value, first, last)) return [first, last];
  let label = first;
  while (label < last && value.charCodeAt(label) !== 58) label++;
  label++;
  return label < last && isAddress(value, label, last) ? [label, last] : undefined;
}

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';

/** The built-in classes, each with its fixed replacement `[name]`. */
export const REDACTIONS: Readonly<Record<string, Redaction>> = {
  email: redaction('email', (value) => value.includes('@'), nextEmail),
  jwt: redaction('jwt', (value) => value.includes('eyJ'), nextJwt),
  // `\s+` gives back only spaces, which the token cannot take: one pass per "earer".
  bearer: patternRedaction('bearer', /\b[Bb]earer\s+[A-Za-z0-9._~+/=-]+/, (value) =>
    value.includes('earer'),
  ),
  // Bounded repetitions: at most 15 characters looked at from each position.
  ipv4: patternRedaction(
    'ipv4',
    new RegExp(`(?<![\\d.])${OCTET}(?:\\.${OCTET}){3}(?![\\d])`),
    (value) => value.includes('.'),
  ),
  uuid: patternRedaction(
    'uuid',
    /[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}/,
    (value) => value.includes('-'),
  ),
  ipv6: redaction('ipv6', (value) => value.includes(':'), nextIpv6),
};
