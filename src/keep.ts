/**
 * What leaves the account: events dropped or sampled by rules on their fields (DROP_EVENTS,
 * SAMPLE), text redacted in the free-text fields (REDACT) and fields removed (DROP_FIELDS).
 * Compiled once at init (config.ts), applied to each enriched event before it is encoded.
 */
import { isIPv6 } from 'node:net';
import type { Fields } from './fields';

/** A rule the function cannot start with; config.ts names the variable. */
export class RuleError extends Error {
  override name = 'RuleError';
}

/** One condition on a field: `field=a|b` (exact values) or `field~regex`. */
export interface FieldRule {
  /** The rule as written, for the counts by rule. */
  readonly text: string;
  readonly field: string;
  /** A `field~regex` rule's expression, checked by checkUserRegexes. */
  readonly regex?: RegExp;
  matches(fields: Fields): boolean;
}

export interface SampleRule extends FieldRule {
  /** One event in `every` is kept, and carries `sample_rate: every`. */
  readonly every: number;
}

export interface Redaction {
  readonly name: string;
  readonly replacement: string;
  /** A `name~regex` rule's expression, checked by checkUserRegexes. */
  readonly regex?: RegExp;
  /** Cheap test that a value may hold a match, before the regular expression runs. */
  readonly mayMatch: (value: string) => boolean;
  /** The value with every match replaced. */
  redact(value: string): string;
}

export interface KeepSettings {
  readonly drop: readonly FieldRule[];
  readonly sample: readonly SampleRule[];
  readonly redact: readonly Redaction[];
  readonly dropFields: readonly string[];
}

/** The fields REDACT rewrites: the ones that hold free text a client or API Gateway wrote. */
export const FREE_TEXT_FIELDS = ['path', 'resource_path', 'error_message', 'user_agent', 'message'];

const FIELD_NAME = /^[a-z0-9_]+$/;

/** A user's regular expression; its safety is checked at init by checkUserRegexes. */
function userRegex(source: string, where: string): RegExp {
  try {
    return new RegExp(source);
  } catch (error) {
    throw new RuleError(`${where}: not a regular expression: ${(error as Error).message}`);
  }
}

/**
 * Refuses a user's regular expression that nests repetitions (star height above 1, as safe-regex2
 * measures it): the shape that makes a backtracking engine take exponential time. JavaScript has
 * no linear-time engine built in, and RE2 would need a native build per architecture; so the
 * check runs at init, and values are matched as they are. safe-regex2 is loaded only when there
 * is an expression to check: a function without one does not pay for it at cold start.
 */
export async function checkUserRegexes(settings: KeepSettings): Promise<void> {
  const found: { where: string; regex: RegExp }[] = [];
  const add = (where: string, regex: RegExp | undefined) => {
    if (regex) found.push({ where, regex });
  };
  for (const rule of settings.drop) add('DROP_EVENTS', rule.regex);
  for (const rule of settings.sample) add('SAMPLE', rule.regex);
  for (const rule of settings.redact) add('REDACT', rule.regex);
  if (found.length === 0) return;
  const { default: safeRegex } = await import('safe-regex2');
  for (const { where, regex } of found) {
    if (!safeRegex(regex)) {
      throw new RuleError(
        `${where}: /${regex.source}/ nests repetitions (like (a+)+), which can take exponential time; write it without a repeated group that itself repeats`,
      );
    }
  }
}

/** `rule; rule; …`, blank parts ignored. A regular expression cannot hold `;` (write \x3b). */
const splitRules = (text: string | undefined) =>
  (text ?? '')
    .split(';')
    .map((part) => part.trim())
    .filter(Boolean);

/**
 * field-rule = field "=" value *( "|" value )   ; the field's value is one of these, exactly
 *            / field "~" regex                  ; the field's value matches the expression
 * field      = 1*( %x61-7A / DIGIT / "_" )      ; a canonical field name, as events have it
 */
function fieldRule(text: string, where: string): FieldRule {
  const match = /^([^=~\s]+)\s*([=~])\s*(.*)$/.exec(text);
  if (!match) throw new RuleError(`${where}: "${text}" is not field=value or field~regex`);
  const [, field = '', operator, rest = ''] = match;
  if (!FIELD_NAME.test(field)) {
    throw new RuleError(`${where}: "${field}" is not a field name (lowercase, digits, _)`);
  }
  const fieldValue = (fields: Fields) => {
    const value = fields[field];
    return value === undefined ? undefined : String(value);
  };
  if (operator === '=') {
    const values = new Set(rest.split('|').map((value) => value.trim()));
    return {
      text,
      field,
      matches: (fields) => {
        const value = fieldValue(fields);
        return value !== undefined && values.has(value);
      },
    };
  }
  const regex = userRegex(rest, where);
  return {
    text,
    field,
    regex,
    matches: (fields) => {
      const value = fieldValue(fields);
      return value !== undefined && regex.test(value);
    },
  };
}

/** DROP_EVENTS: any rule that matches drops the event. */
export function parseDropEvents(text: string | undefined): FieldRule[] {
  return splitRules(text).map((rule) => fieldRule(rule, 'DROP_EVENTS'));
}

/**
 * sample-rule = field-rule ":" rate   ; rate is 1/n for a whole n: 0.5, 0.1, 0.01, …
 * The first rule that matches decides; an event no rule matches is kept whole.
 */
export function parseSample(text: string | undefined): SampleRule[] {
  return splitRules(text).map((rule) => {
    const colon = rule.lastIndexOf(':');
    const rate = Number(rule.slice(colon + 1));
    const every = Math.round(1 / rate);
    if (colon < 0 || !(rate > 0 && rate <= 1) || Math.abs(every * rate - 1) > 1e-9) {
      throw new RuleError(
        `SAMPLE: "${rule}" needs a rate after its last ":" that is 1/n for a whole n (0.5, 0.1, 0.01…), so that counts stay whole`,
      );
    }
    return { ...fieldRule(rule.slice(0, colon).trim(), 'SAMPLE'), text: rule, every };
  });
}

/** A class of text, replaced by `[name]` wherever the pattern matches. */
function redaction(name: string, pattern: RegExp, mayMatch: (value: string) => boolean): Redaction {
  const global = new RegExp(
    pattern.source,
    pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`,
  );
  const replacement = `[${name}]`;
  return {
    name,
    replacement,
    mayMatch,
    // One pass; applyKeepRules repeats the classes until nothing changes.
    redact: (value) => value.replace(global, replacement),
  };
}

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';

/** The built-in classes of REDACT, each with its fixed replacement. */
export const REDACTIONS: Readonly<Record<string, Redaction>> = {
  email: redaction(
    'email',
    /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/,
    (value) => value.includes('@'),
  ),
  // Three base64url parts, the first a JSON header ("eyJ" is `{"` in base64).
  jwt: redaction('jwt', /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/, (value) =>
    value.includes('eyJ'),
  ),
  bearer: redaction('bearer', /\b[Bb]earer\s+[A-Za-z0-9._~+/=-]+/, (value) => /earer/.test(value)),
  ipv4: redaction('ipv4', new RegExp(`(?<![\\d.])${OCTET}(?:\\.${OCTET}){3}(?![\\d])`), (value) =>
    value.includes('.'),
  ),
  uuid: redaction(
    'uuid',
    /[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}/,
    (value) => value.includes('-'),
  ),
  ipv6: ipv6Redaction(),
};

/**
 * IPv6 has too many written forms for a readable pattern: runs of hex digits, colons and dots are
 * taken, and each run Node's own parser accepts as an address is replaced.
 */
function ipv6Redaction(): Redaction {
  const candidate = /[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*/g;
  return {
    name: 'ipv6',
    replacement: '[ipv6]',
    mayMatch: (value) => value.includes(':'),
    redact: (value) =>
      value.replace(candidate, (run) => {
        if (isIPv6(run)) return '[ipv6]';
        // A run can carry a trailing "." or ":" of the sentence around it.
        const trimmed = run.replace(/[.:]+$/, '');
        return trimmed !== run && isIPv6(trimmed) ? `[ipv6]${run.slice(trimmed.length)}` : run;
      }),
  };
}

/**
 * redact-rule = class                 ; email, jwt, bearer, ipv4, ipv6, uuid
 *             / name "~" regex        ; yours, replaced by "[name]"
 */
export function parseRedact(text: string | undefined): Redaction[] {
  return splitRules(text).map((rule) => {
    const builtIn = REDACTIONS[rule];
    if (builtIn) return builtIn;
    const match = /^([a-z0-9_]+)\s*~\s*(.+)$/.exec(rule);
    if (!match) {
      throw new RuleError(
        `REDACT: "${rule}" is neither a class (${Object.keys(REDACTIONS).join(', ')}) nor name~regex`,
      );
    }
    const [, name = '', source = ''] = match;
    const regex = userRegex(source, 'REDACT');
    return { ...redaction(name, regex, () => true), regex };
  });
}

/** Fields no event may keep. `_timestamp` and `sample_rate` stay: counts and times need them. */
export function parseDropFields(text: string | undefined): string[] {
  const names = (text ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!FIELD_NAME.test(name)) throw new RuleError(`DROP_FIELDS: "${name}" is not a field name`);
    if (name === '_timestamp' || name === 'sample_rate') {
      throw new RuleError(`DROP_FIELDS: ${name} must stay (event time and counts depend on it)`);
    }
  }
  return names;
}

/** FNV-1a, 32 bits: a fast, stable hash for the sampling choice. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * Whether a sampled event is kept: decided by its request id, so a replay of the same logs keeps
 * and drops the same events (the line itself, for the rare event without one).
 */
export function keptBySample(fields: Fields, every: number): boolean {
  const key = fields.request_id ?? fields.message ?? JSON.stringify(fields);
  return fnv1a(String(key)) % every === 0;
}

/** What the rules did to one event. A kept event is written with `sample_rate: sampleRate`. */
export type Verdict =
  | { readonly kept: true; readonly sampleRate: number; readonly redactedBy: readonly string[] }
  | { readonly kept: false; readonly droppedBy?: string; readonly sampledOutBy?: string };

const NOTHING_REDACTED: readonly string[] = [];

/** Whether any rule is set: without one, every event is kept as it is (the common case). */
export const hasKeepRules = (settings: KeepSettings) =>
  settings.drop.length +
    settings.sample.length +
    settings.redact.length +
    settings.dropFields.length >
  0;

/** Applies the rules to an enriched event, changing it in place (redaction, fields) when it is kept. */
export function applyKeepRules(fields: Fields, settings: KeepSettings): Verdict {
  for (const rule of settings.drop) {
    if (rule.matches(fields)) return { kept: false, droppedBy: rule.text };
  }
  let sampleRate = 1;
  for (const rule of settings.sample) {
    if (rule.matches(fields)) {
      if (!keptBySample(fields, rule.every)) return { kept: false, sampledOutBy: rule.text };
      sampleRate = rule.every;
      break;
    }
  }
  // Allocated only when something is redacted: this runs for every event.
  let redactedBy: string[] | undefined;
  if (settings.redact.length > 0) {
    for (const field of FREE_TEXT_FIELDS) {
      const value = fields[field];
      if (typeof value !== 'string') continue;
      // Until nothing changes: one class's replacement can uncover another's match ("…[uuid]10.0.0.1").
      let current = value;
      for (let pass = 0; pass < 4; pass++) {
        const start = current;
        for (const redaction of settings.redact) {
          if (!redaction.mayMatch(current)) continue;
          const redacted = redaction.redact(current);
          if (redacted !== current) {
            current = redacted;
            if (!redactedBy) redactedBy = [];
            if (!redactedBy.includes(redaction.name)) redactedBy.push(redaction.name);
          }
        }
        if (current === start) break;
      }
      if (current !== value) fields[field] = current;
    }
  }
  for (const field of settings.dropFields) delete fields[field];
  return { kept: true, sampleRate, redactedBy: redactedBy ?? NOTHING_REDACTED };
}
