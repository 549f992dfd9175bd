/**
 * What leaves the account: events dropped or sampled by rules on their fields (DROP_EVENTS,
 * SAMPLE), text redacted in the free-text fields (REDACT) and fields removed (DROP_FIELDS).
 * Compiled once at init (config.ts), applied to each enriched event before it is encoded.
 */
import { ConfigError } from './errors';

import type { Fields } from './fields';
import { REDACTIONS, type Redaction } from './redact';

export { REDACTIONS, type Redaction } from './redact';

/**
 * A user's regular expression, run on text a client wrote. It runs on RE2JS, a linear-time engine
 * with RE2's syntax (no backreferences, no lookaround), so no expression can make a line cost more
 * than its length: JavaScript's own engine backtracks, and `^(a|a)+$` takes seconds on 26
 * characters there. RE2JS is plain JavaScript (the `re2` binding would need a native build for
 * each architecture, arm64 included) and is loaded, as a chunk of its own, only when a setting
 * holds an expression (compileUserPatterns), so a function without one starts as fast as before.
 */
type Engine = typeof import('re2js').RE2JS;
let loadedEngine: Engine | undefined;

/**
 * Lets a caller that has RE2JS loaded already (tests, which run batches synchronously) compile
 * expressions on first use instead of through compileUserPatterns.
 */
export function usePatternEngine(engine: Engine): void {
  loadedEngine = engine;
}

export class UserPattern {
  private engine?: { test(value: string): boolean; replace(value: string, by: string): string };

  constructor(
    readonly source: string,
    /** The variable it comes from, for messages. */
    readonly where: string,
  ) {}

  get compiled(): boolean {
    return this.engine !== undefined;
  }

  compile(RE2JS: Engine): void {
    let compiled: import('re2js').RE2JS;
    try {
      compiled = RE2JS.compile(this.source);
    } catch (error) {
      throw new ConfigError(
        `${this.where}: /${this.source}/ is not an expression this function can run: ${(error as Error).message} (RE2 syntax: no backreferences or lookaround)`,
        { cause: error },
      );
    }
    this.engine = {
      test: (value) => compiled.test(value),
      // An empty match replaces nothing: `x*` must not put the replacement between every character.
      replace: (value, by) =>
        compiled.matcher(value).replaceAll((match: string) => (match === '' ? '' : by)),
    };
  }

  private ready() {
    if (!this.engine && loadedEngine) this.compile(loadedEngine);
    if (!this.engine) {
      throw new Error(`${this.where}: /${this.source}/ is used before compileUserPatterns ran`);
    }
    return this.engine;
  }

  test(value: string): boolean {
    return this.ready().test(value);
  }

  replace(value: string, by: string): string {
    return this.ready().replace(value, by);
  }
}

/** One condition on a field: `field=a|b` (exact values) or `field~regex`. */
export interface FieldRule {
  /** The rule as written, for the counts by rule. */
  readonly text: string;
  readonly field: string;
  /** A `field~regex` rule's expression. */
  readonly pattern?: UserPattern;
  matches(fields: Fields): boolean;
}

export interface SampleRule extends FieldRule {
  /** One event in `every` is kept, and carries `sample_rate: every`. */
  readonly every: number;
}

/** A REDACT class; `pattern` for a `name~regex` class of the user's. */
export type RedactRule = Redaction & { readonly pattern?: UserPattern };

export interface RuleSettings {
  readonly drop: readonly FieldRule[];
  readonly sample: readonly SampleRule[];
  readonly redact: readonly RedactRule[];
  readonly dropFields: readonly string[];
}

/**
 * The free text a client or API Gateway wrote that the recommended format logs: REDACT rewrites
 * it, and OpenObserve searches it in full text (tools/openobserve/stream-settings.ts).
 */
export const FREE_TEXT_FIELDS = [
  'path',
  'resource_path',
  'error_message',
  'integration_error',
  'authorizer_error',
  'failure_reason',
  'user_agent',
  'message',
];

/**
 * The fields REDACT rewrites: FREE_TEXT_FIELDS and the free text of variables the recommended
 * format leaves out (`$context.error.messageString`, `.validationErrorString`, which echoes the
 * client's request, `$context.integrationErrorMessage`, the WAF, authorize and authenticate steps'
 * errors).
 */
export const REDACTED_FIELDS = [
  ...FREE_TEXT_FIELDS,
  'error_message_string',
  'error_validation_error_string',
  'integration_error_message',
  'waf_error',
  'authorize_error',
  'authenticate_error',
];

const FIELD_NAME = /^[a-z0-9_]+$/;

/**
 * Compiles every expression of the rules on RE2JS, loading it first; nothing is loaded when no rule
 * has one. A REDACT expression that matches the text a class puts in (`dot~.` matches `[dot]`)
 * would grow values on every pass, so it is refused. Rejects with a ConfigError naming the variable.
 */
export async function compileUserPatterns(settings: RuleSettings): Promise<void> {
  const patterns = [...settings.drop, ...settings.sample, ...settings.redact]
    .map((rule) => rule.pattern)
    .filter((pattern): pattern is UserPattern => pattern !== undefined && !pattern.compiled);
  if (patterns.length === 0) return;
  const { RE2JS } = await import('re2js');
  for (const pattern of patterns) pattern.compile(RE2JS);
  for (const rule of settings.redact) {
    const grows = settings.redact.find(
      (other) => rule.pattern && rule.pattern.replace(other.replacement, '') !== other.replacement,
    );
    if (grows) {
      throw new ConfigError(
        `REDACT: /${rule.pattern?.source}/ matches "${grows.replacement}", the text REDACT puts in, so values would grow on every pass; write an expression that cannot match it`,
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

/** The fields an event can have, to check rules against; no check without it. */
export type KnownFields = ReadonlySet<string> | undefined;

function checkField(field: string, where: string, known: KnownFields): void {
  if (!FIELD_NAME.test(field)) {
    throw new ConfigError(`${where}: "${field}" is not a field name (lowercase, digits, _)`);
  }
  if (known && !known.has(field)) {
    const near = [...known].filter((name) => name.includes(field) || field.includes(name));
    throw new ConfigError(
      `${where}: no event has a field "${field}"${near.length ? ` (did you mean ${near.join(' or ')}?)` : ''}; the fields are those of the output table, of LOG_FORMAT's variables and of execution-log events`,
    );
  }
}

/** A rule written where `;` belongs: `a=1,b=2` reads as one rule whose value is `1,b=2`. */
const COMMA_BEFORE_RULE = /,\s*[a-z0-9_]+\s*[=~]/;

/**
 * field-rule = field "=" value *( "|" value )   ; the field's value is one of these, exactly
 *            / field "~" regex                  ; the field's value matches the expression
 * field      = 1*( %x61-7A / DIGIT / "_" )      ; a canonical field name, as events have it
 */
function fieldRule(text: string, where: string, known: KnownFields): FieldRule {
  const match = /^([^=~\s]+)\s*([=~])\s*(.*)$/.exec(text);
  if (!match) throw new ConfigError(`${where}: "${text}" is not field=value or field~regex`);
  const [, field = '', operator, rest = ''] = match;
  checkField(field, where, known);
  if (rest === '') {
    throw new ConfigError(
      `${where}: "${text}" has no ${operator === '=' ? 'value' : 'expression'}`,
    );
  }
  if (rest.startsWith('=') || rest.startsWith('~')) {
    throw new ConfigError(`${where}: "${text}" has two operators; write ${field}${rest}`);
  }
  if (COMMA_BEFORE_RULE.test(rest)) {
    throw new ConfigError(`${where}: "${text}" holds two rules; separate rules with ";", not ","`);
  }
  // Own properties only: `constructor` or `__proto__` must not find Object.prototype's.
  const fieldValue = (fields: Fields) =>
    Object.hasOwn(fields, field) ? String(fields[field]) : undefined;
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
  const pattern = new UserPattern(rest, where);
  return {
    text,
    field,
    pattern,
    matches: (fields) => {
      const value = fieldValue(fields);
      return value !== undefined && pattern.test(value);
    },
  };
}

/** DROP_EVENTS: any rule that matches drops the event. */
export function parseDropEvents(text: string | undefined, known?: KnownFields): FieldRule[] {
  return splitRules(text).map((rule) => fieldRule(rule, 'DROP_EVENTS', known));
}

/**
 * sample-rule = field-rule ":" rate   ; rate is 1/n for a whole n: 0.5, 0.1, 0.01, …
 * The first rule that matches decides; an event no rule matches is kept whole.
 */
export function parseSample(text: string | undefined, known?: KnownFields): SampleRule[] {
  return splitRules(text).map((rule) => {
    const colon = rule.lastIndexOf(':');
    const rate = Number(rule.slice(colon + 1));
    const every = Math.round(1 / rate);
    if (colon < 0 || !(rate > 0 && rate <= 1) || Math.abs(every * rate - 1) > 1e-9) {
      throw new ConfigError(
        `SAMPLE: "${rule}" needs a rate after its last ":" that is 1/n for a whole n (0.5, 0.1, 0.01…), so that counts stay whole`,
      );
    }
    return { ...fieldRule(rule.slice(0, colon).trim(), 'SAMPLE', known), text: rule, every };
  });
}

/**
 * redact-rule = class                 ; email, jwt, bearer, ipv4, ipv6, uuid
 *             / name "~" regex        ; yours, replaced by "[name]"
 */
export function parseRedact(text: string | undefined): RedactRule[] {
  return splitRules(text).map((rule) => {
    // Own properties only: `constructor` or `toString` is no class, whatever every object has.
    if (Object.hasOwn(REDACTIONS, rule)) return REDACTIONS[rule] as Redaction;
    const match = /^([a-z0-9_]+)\s*~\s*(.+)$/.exec(rule);
    if (!match) {
      throw new ConfigError(
        `REDACT: "${rule}" is neither a class (${Object.keys(REDACTIONS).join(', ')}) nor name~regex${rule.includes(',') ? '; separate classes with ";", not ","' : ''}`,
      );
    }
    const [, name = '', source = ''] = match;
    // The counts by class are keyed by name (counts.ts): `constructor` would count into the
    // function every object has, `__proto__` nowhere.
    if (name in Object.prototype) {
      throw new ConfigError(
        `REDACT: "${name}" is a name every JavaScript object has; choose another`,
      );
    }
    const pattern = new UserPattern(source, 'REDACT');
    const replacement = `[${name}]`;
    return {
      name,
      replacement,
      pattern,
      mayMatch: () => true,
      redact: (value: string) => pattern.replace(value, replacement),
    };
  });
}

/** Fields no event may keep. `_timestamp` and `sample_rate` stay: counts and times need them. */
export function parseDropFields(text: string | undefined, known?: KnownFields): string[] {
  const names = (text ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  for (const name of names) {
    checkField(name, 'DROP_FIELDS', known);
    if (name === '_timestamp' || name === 'sample_rate') {
      throw new ConfigError(`DROP_FIELDS: ${name} must stay (event time and counts depend on it)`);
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

/** Applies the rules to an enriched event, changing it in place (redaction, fields) when it is kept. */
export function applyRules(fields: Fields, settings: RuleSettings): Verdict {
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
    for (const field of REDACTED_FIELDS) {
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
