import { RESERVED_FIELDS } from '../enrich';
import { canonicalName, type Fields, isIntegerField, snakeCase, toInteger } from '../fields';
import { isRequestTime } from '../time';
import { isAccessLogVariable } from './variables';

/**
 * How a value of a field may look. The matcher uses it to choose between two places where the
 * separator after a value occurs: a user agent may hold `, ` but a status is digits.
 */
export type ValueKind = 'integer' | 'time' | 'token' | 'text';

interface Variable {
  /** `$context.identity.sourceIp` without `$context.` */
  readonly path: string;
  readonly field: string;
  readonly kind: ValueKind;
  /** Inside `"…"` of a JSON format: JSON escapes in the value are undone. */
  readonly quoted: boolean;
  /** What a token's value never holds: TOKEN_BREAK, or SESSION_BREAK for caller and user in a format of no commas. */
  readonly breaks: RegExp;
}

/**
 * A line more than one placement of the separators reads, with different values: text a client
 * wrote (a user agent holding `","status":"200`) can then pose as another field. Only the fields
 * every reading gives the same value are `agreed`; the line is kept whole as `message`.
 */
export class Ambiguous {
  constructor(
    readonly reason: string,
    readonly agreed: Fields,
  ) {}
}

/** The values of the last line `readOne` read, by variable, in the format's order. */
export interface Reading {
  /** Value i in its field's type (integers as numbers); undefined when the line has none. */
  readonly values: readonly (string | number | undefined)[];
  /** Value i as the line wrote it. */
  readonly texts: readonly string[];
  /**
   * Whether value i is known to hold nothing JSON must escape: an integer, a time, or a token
   * whose check found none. False for text, which is not looked at.
   */
  readonly plain: readonly boolean[];
}

export interface CompiledFormat {
  readonly name: string;
  /** The format string as API Gateway's `AccessLogSetting.Format` holds it. */
  readonly source: string;
  /** The `$context` variables of the format, without `$context.`, in order. */
  readonly variables: readonly string[];
  /** Canonical names of the fields the format writes. */
  readonly fields: readonly string[];
  /** The shape each field's values have, by variable. */
  readonly kinds: readonly ValueKind[];
  /**
   * Canonical fields of the line; Ambiguous when the line reads more than one way; undefined when
   * the line was not written by this format.
   */
  parse(line: string): Fields | Ambiguous | undefined;
  /**
   * Whether the line has one reading that the first placement of the separators finds and no other
   * placement could give: then `reading` holds it, and parse() would return those fields. False
   * says only that this quick look did not settle it; parse() does.
   */
  readOne(line: string): boolean;
  /** The values of the last line readOne read. */
  readonly reading: Reading;
}

/** Values that never hold spaces, quotes or commas (caller and user: SESSION_BREAK): identifiers, addresses, methods. */
const TOKEN_FIELDS = new Set([
  'request_id',
  'extended_request_id',
  'source_ip',
  'http_method',
  // A resource is the API's own template (`/pets/{id}`), never a client's text, and has no spaces.
  'resource_path',
  'protocol',
  'api_id',
  'stage',
  'domain_name',
  'domain_prefix',
  'caller',
  'user',
  'account_id',
  'api_key_id',
  'xray_trace_id',
  'waf_response_code',
  'integration_response_transfer_mode',
]);

function kindOf(path: string, field: string): ValueKind {
  // A variable API Gateway's list does not name is read as a string, whatever its name suggests:
  // nothing is known of its values (docs/contracts.md §2.2).
  if (!isAccessLogVariable(path)) return 'text';
  if (isIntegerField(field)) return 'integer';
  if (field === 'request_time') return 'time';
  if (TOKEN_FIELDS.has(field)) return 'token';
  return 'text';
}

/**
 * A `$context` variable as API Gateway substitutes it: `$context.` then dot-separated names
 * (`$context.identity.sourceIp`, `$context.authorizer.claims.sub`). A dot not followed by a name
 * character is literal text (`… $context.status.` ends with a full stop).
 */
const VARIABLE = /\$context\.([A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)/g;

/** The `$context` variables of a format string, without `$context.`, in order. */
export function formatVariables(source: string): string[] {
  return [...source.matchAll(VARIABLE)].map((match) => match[1] as string);
}

/** API Gateway writes `-` for a value it does not have (docs/contracts.md §2). */
function isAbsent(value: string): boolean {
  return value.length === 0 || value === '-';
}

const TOKEN_BREAK = /[\s,"]/;
/**
 * What caller and user never hold in a format whose text between values has no comma (CLF, XML):
 * an assumed role's caller and user end in its session name, which may hold one
 * (`AROA…:alice,ops`), never first or last. Any other token, and these in a format with commas
 * between values (CSV, the labels formats, JSON), a comma ends: it tells another format's line
 * from this one's (`RequestId: r-1, SourceIP: …` is no line of `$context.requestId
 * $context.identity.sourceIp …`), and no reading stretches a value over the next.
 */
const SESSION_BREAK = /[\s"]|^,|,$/;
/** The variables whose values may hold a comma where the format's separators have none. */
const SESSION_NAMED = new Set(['identity.caller', 'identity.user']);
/**
 * What ends a token and what JSON must escape, in one class: most tokens hold neither, and one
 * scan then both checks the token and tells the writer (src/write.ts) it needs no escape.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
const TOKEN_BREAK_OR_ESCAPE = /[\s,"\\\u0000-\u001f\ud800-\udfff]/;

/** Marks a value that does not fit its field. */
const REJECT = Symbol('reject');

/** The value in its field's type, undefined when absent, or REJECT when it does not fit the field. */
function typed(variable: Variable, value: string): Value | typeof REJECT {
  if (isAbsent(value)) return undefined;
  switch (variable.kind) {
    case 'integer':
      return toInteger(value) ?? REJECT;
    case 'time':
      return isRequestTime(value) ? value : REJECT;
    case 'token':
      return variable.breaks.test(value) ? REJECT : value;
    default:
      return variable.quoted && value.includes('\\') ? unescapeJson(value) : value;
  }
}

function unescapeJson(value: string): string {
  try {
    const text = JSON.parse(`"${value}"`) as string;
    // `\ud83d` alone is half a character: the text a client wrote stays, as a lone backslash does.
    return text.isWellFormed() ? text : value;
  } catch {
    // API Gateway's escaping is unreliable (§2): a lone backslash stays as written.
    return value;
  }
}

/**
 * Steps the backtracking matcher may take for one line. Typical lines need one step per variable.
 */
const MAX_MATCH_STEPS = 2_000;

/**
 * What the matcher may look at for one line: its steps, and the characters its searches and
 * checks read over all of them, a few times the line's length. Each step reads its value again, so
 * without the second a hostile line of 1 MB with a separator every few bytes took seconds.
 */
interface Budget {
  steps: number;
  chars: number;
}
const budgetFor = (line: string): Budget => ({
  steps: MAX_MATCH_STEPS,
  chars: 16 * line.length + 4096,
});
const spent = (budget: Budget) => budget.steps < 0 || budget.chars < 0;

/** A typed value; undefined for an absent one, whose field is left out. */
type Value = string | number | undefined;

/** Readings of an ambiguous-looking line: at most this many are compared. */
const MAX_READINGS = 8;

/**
 * The field a format's variable is read into: its canonical name, or `context_` before it when
 * that name is one the processor writes itself (a variable API Gateway adds later, such as a
 * `$context.traceId` beside the processor's `trace_id`): both values are then kept.
 */
export function variableField(path: string): string {
  const field = canonicalName(path);
  return RESERVED_FIELDS.has(field) ? `context_${field}` : field;
}

/** Variables AWS's list says are the same value ("Equivalent to"), by the field they share. */
const EQUIVALENT: Readonly<Record<string, readonly string[]>> = {
  integration_latency: ['integrationLatency', 'integration.latency'],
};

/** Whether two variables of one name are the same value: the same variable, or equivalent ones. */
const sameValue = (field: string, a: string, b: string) =>
  a === b || (EQUIVALENT[field]?.includes(a) === true && EQUIVALENT[field]?.includes(b) === true);

/**
 * `field` for `path`, or another name when another variable of the format has it already and is
 * another fact (`$context.accountId`, the API owner's account, and `$context.identity.accountId`,
 * the caller's, are both `account_id`; the integration's status and `$context.integrationStatus`,
 * AWS Lambda's, both `integration_status`): the later one's whole path in snake case, then with
 * `_2`, `_3`… until free, so that no value takes another's place.
 */
function distinctField(field: string, path: string, pathOf: Map<string, string>): string {
  const taken = (name: string) =>
    RESERVED_FIELDS.has(name) ||
    (pathOf.has(name) && !sameValue(name, pathOf.get(name) as string, path));
  const whole = snakeCase(path.replace(/\./g, '_'));
  let name = taken(field) ? whole : field;
  for (let n = 2; taken(name); n++) name = `${whole}_${n}`;
  pathOf.set(name, path);
  return name;
}

/** The field each variable of a format is read into (its first, for a variable named twice). */
export function variableFields(source: string): ReadonlyMap<string, string> {
  const fields = new Map<string, string>();
  for (const { path, field } of splitFormat(source).variables) {
    if (!fields.has(path)) fields.set(path, field);
  }
  return fields;
}

/** A format's variables, and the literal text around them: literals[i] is before variables[i]. */
function splitFormat(source: string): { variables: Variable[]; literals: string[] } {
  const variables: Variable[] = [];
  const literals: string[] = [];
  const isJson = source.trimStart().startsWith('{');
  /** Each field's variable: two variables the same name would give get two fields. */
  const pathOf = new Map<string, string>();
  let last = 0;
  for (const match of source.matchAll(VARIABLE)) {
    literals.push(source.slice(last, match.index));
    const path = match[1] as string;
    const field = distinctField(variableField(path), path, pathOf);
    const after = source.slice(match.index + match[0].length);
    const quoted = isJson && source[match.index - 1] === '"' && after.startsWith('"');
    variables.push({ path, field, kind: kindOf(path, field), quoted, breaks: TOKEN_BREAK });
    last = match.index + match[0].length;
  }
  literals.push(source.slice(last));
  if (!literals.some((literal) => literal.includes(','))) {
    for (const [i, variable] of variables.entries()) {
      if (SESSION_NAMED.has(variable.path)) variables[i] = { ...variable, breaks: SESSION_BREAK };
    }
  }
  return { variables, literals };
}

/**
 * Free text, or a token whose separator a token may hold, may end at a later occurrence of its
 * separator. Integers and request times have one shape, so another placement can never start
 * with them, unless the separator starts with `-`, API Gateway's absent value, or there is none
 * (two variables side by side: a user agent ending in digits, then a status). The indexes of the
 * variables that may.
 */
function stretchableIndexes(variables: readonly Variable[], separators: readonly string[]) {
  return variables.flatMap((variable, i) => {
    const separator = separators[i] as string;
    if (i === variables.length - 1) return [];
    const stretches =
      separator.length === 0 ||
      separator.startsWith('-') ||
      variable.kind === 'text' ||
      (variable.kind === 'token' && !variable.breaks.test(separator)) ||
      (variable.kind === 'integer' && /^\d+$/.test(separator));
    return stretches ? [i] : [];
  });
}

/**
 * Every placement of the separators, first occurrences first, within the budget: `found` is told
 * of each complete one (`values` holds it) and returns true to stop. Returns whether it stopped;
 * false when the placements or the budget ran out.
 */
function createPlacements(
  variables: readonly Variable[],
  separators: readonly string[],
  values: Value[],
) {
  const count = variables.length;
  // A token whose separator holds what a token never holds ends at the separator's first
  // occurrence: any later one would put the separator in it. A line of many commas would
  // otherwise spend the budget on CSV's first value and be called ambiguous, unread by the rest.
  const firstOnly = variables.map(
    (variable, i) => variable.kind === 'token' && variable.breaks.test(separators[i] as string),
  );
  const placements = (
    line: string,
    i: number,
    from: number,
    budget: Budget,
    found: () => boolean,
  ): boolean => {
    const variable = variables[i] as Variable;
    const separator = separators[i] as string;
    if (i === count - 1) {
      const end = line.length - separator.length;
      if (end < from || !line.endsWith(separator)) return false;
      budget.chars -= end - from;
      if (spent(budget)) return false;
      const value = typed(variable, line.slice(from, end));
      if (value === REJECT) return false;
      values[i] = value;
      return found();
    }
    // Each search is charged what it read, and each check its value's length.
    const next = (at: number) => {
      const found = separator.length === 0 ? at : line.indexOf(separator, at);
      budget.chars -= (found === -1 ? line.length : found) - at;
      return found;
    };
    let end = next(from);
    while (end !== -1 && end <= line.length) {
      budget.steps--;
      budget.chars -= end - from;
      if (spent(budget)) return false;
      const value = typed(variable, line.slice(from, end));
      if (value !== REJECT) {
        values[i] = value;
        if (placements(line, i + 1, end + separator.length, budget, found)) return true;
      }
      if (firstOnly[i]) return false;
      end = next(end + 1);
    }
    return false;
  };
  return placements;
}

/**
 * Ambiguous, with the fields every reading gives the same value. When the readings were not all
 * found (more than MAX_READINGS, or the budget spent), those are the values before the first that
 * can stretch (`fixed` of them): every placement reads them alike, so any reading found gives
 * them; without one, whether the line is this format's at all is unknown, and none are taken.
 */
function ambiguous(
  variables: readonly Variable[],
  readings: readonly Value[][],
  complete: boolean,
  fixed: number,
): Ambiguous {
  if (!complete) {
    const agreed: Fields = {};
    const first = readings[0];
    for (let i = 0; first && i < fixed; i++) {
      const value = first[i];
      if (value !== undefined) agreed[(variables[i] as Variable).field] = value;
    }
    return new Ambiguous(
      "ambiguous line: too many ways to read it (a value holds the format's own separator text)",
      agreed,
    );
  }
  const first = readings[0] as Value[];
  const agreed: Fields = {};
  const differ: string[] = [];
  variables.forEach(({ field }, i) => {
    const value = first[i];
    if (readings.every((reading) => reading[i] === value)) {
      if (value !== undefined) agreed[field] = value;
    } else if (!differ.includes(field)) {
      differ.push(field);
    }
  });
  return new Ambiguous(
    `ambiguous line: readings differ in ${differ.join(', ')} (a value holds the format's own separator text)`,
    agreed,
  );
}

/**
 * Whether the separators from the i-th on, each at its first occurrence after the one before,
 * cannot all be found in the line: then no placement of them exists.
 */
function chainBreaks(
  separators: readonly string[],
  line: string,
  i: number,
  from: number,
): boolean {
  const count = separators.length;
  for (; i < count; i++) {
    const separator = separators[i] as string;
    if (i === count - 1) return from > line.length - separator.length || !line.endsWith(separator);
    // Adjacent values: where one ends is any place, so the search must tell.
    if (separator.length === 0) return false;
    const end = line.indexOf(separator, from);
    if (end === -1) return true;
    from = end + separator.length;
  }
  return false;
}

/**
 * The first placement of a format's separators, each value ending at the first occurrence of its
 * own (matchFirst: most lines end here), and whether a line could read another way after it
 * (mayReadOtherwise). matchFirst keeps each typed value in `values` and its text in `texts`.
 * `fixed`: how many values come before the first that can stretch, which every reading has alike.
 */
function createFirstMatch(
  variables: readonly Variable[],
  literals: readonly string[],
  { values, texts, plain }: { values: Value[]; texts: string[]; plain: boolean[] },
) {
  const count = variables.length;
  const prefix = literals[0] as string;
  // Value i ends where separators[i] starts: the literal after it.
  const separators = literals.slice(1);
  const ends = new Array<number>(count).fill(0);
  const stretchableAt = stretchableIndexes(variables, separators);
  // After a failed matchFirst: whether a separator is missing after its first occurrences, the
  // earliest any placement can have (chainBreaks), so that no placement exists to search for.
  let noPlacement = false;
  const fail = (none: boolean) => {
    noPlacement = none;
    return false;
  };
  const matchFirst = (line: string): boolean => {
    let from = prefix.length;
    for (let i = 0; i < count; i++) {
      const separator = separators[i] as string;
      let end: number;
      if (i === count - 1) {
        end = line.length - separator.length;
        if (end < from || !line.endsWith(separator)) return fail(true);
      } else {
        if (separator.length === 0) return fail(false);
        end = line.indexOf(separator, from);
        if (end === -1) return fail(true);
      }
      if (end === from || (end === from + 1 && line.charCodeAt(from) === 45)) {
        // Nothing or `-`, absent in any field (isAbsent): no need to slice it out.
        values[i] = undefined;
        texts[i] = end === from ? '' : '-';
      } else {
        const text = line.slice(from, end);
        const variable = variables[i] as Variable;
        let value: Value | typeof REJECT;
        if (variable.kind === 'token') {
          const clean = !TOKEN_BREAK_OR_ESCAPE.test(text);
          value = clean ? text : typed(variable, text);
          plain[i] = clean;
        } else {
          value = typed(variable, text);
          plain[i] = variable.kind !== 'text';
        }
        if (value === REJECT) {
          return fail(chainBreaks(separators, line, i + 1, end + separator.length));
        }
        values[i] = value;
        texts[i] = text;
      }
      ends[i] = end;
      from = end + separator.length;
    }
    return true;
  };

  /**
   * After matchFirst: whether another placement may exist. The first value that differs in another
   * placement ends later, at a later occurrence of its own separator; without one, the reading is
   * the only one. Cheap: formats whose free text comes last look at nothing.
   */
  const mayReadOtherwise = (line: string): boolean => {
    for (const i of stretchableAt) {
      if (line.indexOf(separators[i] as string, (ends[i] as number) + 1) !== -1) return true;
    }
    return false;
  };

  return {
    matchFirst,
    mayReadOtherwise,
    /** After matchFirst failed: whether no placement of the separators exists at all. */
    noPlacement: () => noPlacement,
    stretches: stretchableAt.length > 0,
    fixed: stretchableAt[0] ?? count,
  };
}

/**
 * Compiles an API Gateway access-log `Format` string into a parser. The literal text between two
 * variables is the separator that ends the first one's value. Where a separator also occurs inside
 * a value (a comma in a user agent, a quote API Gateway did not escape), the matcher tries the next
 * occurrence until every value has its field's shape and the line ends where the format ends.
 */
export function compileFormat(name: string, source: string): CompiledFormat {
  const { variables, literals } = splitFormat(source);
  const count = variables.length;
  const prefix = literals[0] as string;
  // Value i ends where separators[i] starts: the literal after it.
  const separators = literals.slice(1);
  /** The typed values of the line being matched, kept as the matcher checks them. */
  const values = new Array<Value>(count);
  /** The last matchFirst's values as the line wrote them, and which need no escape in JSON. */
  const reading = {
    values,
    texts: new Array<string>(count).fill(''),
    plain: new Array(count).fill(false),
  };
  const placements = createPlacements(variables, separators, values);
  const { matchFirst, mayReadOtherwise, noPlacement, stretches, fixed } = createFirstMatch(
    variables,
    literals,
    reading,
  );

  const toFields = (): Fields => {
    const fields: Fields = {};
    for (let i = 0; i < count; i++) {
      const value = values[i];
      if (value !== undefined) fields[(variables[i] as Variable).field] = value;
    }
    return fields;
  };

  /** The one reading of a line, or Ambiguous with the fields every reading agrees on. */
  const readingsOf = (line: string): Fields | Ambiguous | undefined => {
    const readings: Value[][] = [];
    const budget = budgetFor(line);
    const stopped = placements(line, 0, prefix.length, budget, () => {
      readings.push(values.slice());
      return readings.length >= MAX_READINGS;
    });
    const complete = !stopped && !spent(budget);
    const first = readings[0];
    // Out of budget before a reading: whether one exists is unknown, and another format's
    // reading (the labels') could take a client's text for fields.
    if (!first) return complete ? undefined : ambiguous(variables, readings, false, fixed);
    // Placements that give the same values (`-` or nothing, both absent) are one reading.
    const differ = readings.some((reading) => reading.some((value, i) => value !== first[i]));
    if (differ || !complete) return ambiguous(variables, readings, complete, fixed);
    for (let i = 0; i < count; i++) values[i] = first[i] as Value;
    return toFields();
  };

  const parse = (line: string): Fields | Ambiguous | undefined => {
    if (!line.startsWith(prefix)) return undefined;
    if (count === 0) return line === source ? {} : undefined;
    if (matchFirst(line)) return mayReadOtherwise(line) ? readingsOf(line) : toFields();
    // A separator missing: not this format's line, however many ways the others could be placed
    // (a line of many spaces and no `[` is no CLF line; searching it ran out of budget).
    if (noPlacement()) return undefined;
    // Where a value can stretch, one enumeration both finds the readings and compares them.
    if (stretches) return readingsOf(line);
    const budget = budgetFor(line);
    if (placements(line, 0, prefix.length, budget, () => true)) return toFields();
    return spent(budget) ? ambiguous(variables, [], false, fixed) : undefined;
  };

  return {
    name,
    source,
    variables: variables.map((variable) => variable.path),
    fields: variables.map((variable) => variable.field),
    kinds: variables.map((variable) => variable.kind),
    parse,
    readOne: (line) =>
      count > 0 && line.startsWith(prefix) && matchFirst(line) && !mayReadOtherwise(line),
    reading,
  };
}
