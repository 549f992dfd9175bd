import { canonicalName, type Fields, isIntegerField, toInteger } from '../fields';
import { isRequestTime } from '../time';

/**
 * How a value of a field may look. The matcher uses it to choose between two places where the
 * separator after a value occurs: a user agent may hold `, ` but a status is digits.
 */
type ValueKind = 'integer' | 'time' | 'token' | 'text';

interface Variable {
  /** `$context.identity.sourceIp` without `$context.` */
  readonly path: string;
  readonly field: string;
  readonly kind: ValueKind;
  /** Inside `"…"` of a JSON format: JSON escapes in the value are undone. */
  readonly quoted: boolean;
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

export interface CompiledFormat {
  readonly name: string;
  /** The format string as API Gateway's `AccessLogSetting.Format` holds it. */
  readonly source: string;
  /** The `$context` variables of the format, without `$context.`, in order. */
  readonly variables: readonly string[];
  /** Canonical names of the fields the format writes. */
  readonly fields: readonly string[];
  /**
   * Canonical fields of the line; Ambiguous when the line reads more than one way; undefined when
   * the line was not written by this format.
   */
  parse(line: string): Fields | Ambiguous | undefined;
}

/** Values that never hold spaces, commas or quotes: identifiers, addresses, methods. */
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
]);

function kindOf(field: string): ValueKind {
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

/** Marks a value that does not fit its field. */
const REJECT = Symbol('reject');
/** An absent value: the field is left out. */
const ABSENT = Symbol('absent');

/** The value in its field's type, ABSENT, or REJECT when it does not fit the field. */
function typed(variable: Variable, value: string): string | number | typeof ABSENT | typeof REJECT {
  if (isAbsent(value)) return ABSENT;
  switch (variable.kind) {
    case 'integer':
      return toInteger(value) ?? REJECT;
    case 'time':
      return isRequestTime(value) ? value : REJECT;
    case 'token':
      return TOKEN_BREAK.test(value) ? REJECT : value;
    default:
      return variable.quoted && value.includes('\\') ? unescapeJson(value) : value;
  }
}

function unescapeJson(value: string): string {
  try {
    return JSON.parse(`"${value}"`) as string;
  } catch {
    // API Gateway's escaping is unreliable (§2): a lone backslash stays as written.
    return value;
  }
}

/**
 * Steps the backtracking matcher may take for one line. Typical lines need one step per variable;
 * the cap keeps a hostile line from costing more than a few microseconds.
 */
const MAX_MATCH_STEPS = 2_000;

type Value = string | number | typeof ABSENT;

/** Readings of an ambiguous-looking line: at most this many are compared. */
const MAX_READINGS = 8;

/** A format's variables, and the literal text around them: literals[i] is before variables[i]. */
function splitFormat(source: string): { variables: Variable[]; literals: string[] } {
  const variables: Variable[] = [];
  const literals: string[] = [];
  const isJson = source.trimStart().startsWith('{');
  let last = 0;
  for (const match of source.matchAll(VARIABLE)) {
    literals.push(source.slice(last, match.index));
    const path = match[1] as string;
    const field = canonicalName(path);
    const after = source.slice(match.index + match[0].length);
    const quoted = isJson && source[match.index - 1] === '"' && after.startsWith('"');
    variables.push({ path, field, kind: kindOf(field), quoted });
    last = match.index + match[0].length;
  }
  literals.push(source.slice(last));
  return { variables, literals };
}

/**
 * Reads the lines of one format. The literal text between two variables is the separator that
 * ends the first one's value. Where a separator also occurs inside a value (a comma in a user
 * agent, a quote API Gateway did not escape), the matcher tries the next occurrence until every
 * value has its field's shape and the line ends where the format ends. One instance per format:
 * it keeps the values of the line being matched.
 */
class LineMatcher {
  private readonly count: number;
  private readonly prefix: string;
  /** Value i ends where separators[i] starts: the literal after it. */
  private readonly separators: string[];
  /** The typed values of the line being matched, kept as the matcher checks them. */
  private readonly values: Value[];
  /** Where each value of the last matchFirst ends. */
  private readonly ends: number[];
  /** The variables whose value could also end at a later occurrence of its separator. */
  private readonly stretchableAt: number[];

  constructor(
    private readonly source: string,
    private readonly variables: readonly Variable[],
    literals: readonly string[],
  ) {
    this.count = variables.length;
    this.prefix = literals[0] as string;
    this.separators = literals.slice(1);
    this.values = new Array<Value>(this.count);
    this.ends = new Array<number>(this.count).fill(0);
    this.stretchableAt = variables.flatMap((variable, i) =>
      this.stretchable(variable, i) ? [i] : [],
    );
  }

  /**
   * Free text, or a token whose separator a token may hold, may end at a later occurrence of its
   * separator. Integers and request times have one shape, so another placement can never start
   * with them.
   */
  private stretchable(variable: Variable, i: number): boolean {
    const separator = this.separators[i] as string;
    if (i === this.count - 1 || separator.length === 0) return false;
    if (variable.kind === 'text') return true;
    if (variable.kind === 'token') return !TOKEN_BREAK.test(separator);
    return variable.kind === 'integer' && /^\d+$/.test(separator);
  }

  parse(line: string): Fields | Ambiguous | undefined {
    if (!line.startsWith(this.prefix)) return undefined;
    if (this.count === 0) return line === this.source ? {} : undefined;
    const stretchable = this.stretchableAt.length > 0;
    if (this.matchFirst(line)) {
      return stretchable && this.mayReadOtherwise(line) ? this.readingsOf(line) : this.toFields();
    }
    // Where a value can stretch, one enumeration both finds the readings and compares them.
    if (stretchable) return this.readingsOf(line);
    const budget = { steps: MAX_MATCH_STEPS };
    return this.placements(line, 0, this.prefix.length, budget, () => true)
      ? this.toFields()
      : undefined;
  }

  private toFields(): Fields {
    const fields: Fields = {};
    for (let i = 0; i < this.count; i++) {
      const value = this.values[i];
      if (value !== ABSENT)
        fields[(this.variables[i] as Variable).field] = value as string | number;
    }
    return fields;
  }

  /** First try: each value ends at the first occurrence of its separator. Most lines end here. */
  private matchFirst(line: string): boolean {
    let from = this.prefix.length;
    for (let i = 0; i < this.count; i++) {
      const separator = this.separators[i] as string;
      let end: number;
      if (i === this.count - 1) {
        end = line.length - separator.length;
        if (end < from || !line.endsWith(separator)) return false;
      } else {
        if (separator.length === 0) return false;
        end = line.indexOf(separator, from);
        if (end === -1) return false;
      }
      const value = typed(this.variables[i] as Variable, line.slice(from, end));
      if (value === REJECT) return false;
      this.values[i] = value;
      this.ends[i] = end;
      from = end + separator.length;
    }
    return true;
  }

  /**
   * Every placement of the separators, first occurrences first, within MAX_MATCH_STEPS: `found` is
   * told of each complete one (values holds it) and returns true to stop. Returns whether it
   * stopped; false when the placements or the budget ran out.
   */
  private placements(
    line: string,
    i: number,
    from: number,
    budget: { steps: number },
    found: () => boolean,
  ): boolean {
    const variable = this.variables[i] as Variable;
    const separator = this.separators[i] as string;
    if (i === this.count - 1) {
      const end = line.length - separator.length;
      if (end < from || !line.endsWith(separator)) return false;
      const value = typed(variable, line.slice(from, end));
      if (value === REJECT) return false;
      this.values[i] = value;
      return found();
    }
    let end = separator.length === 0 ? from : line.indexOf(separator, from);
    while (end !== -1 && end <= line.length) {
      if (--budget.steps < 0) return false;
      const value = typed(variable, line.slice(from, end));
      if (value !== REJECT) {
        this.values[i] = value;
        if (this.placements(line, i + 1, end + separator.length, budget, found)) return true;
      }
      end = separator.length === 0 ? end + 1 : line.indexOf(separator, end + 1);
    }
    return false;
  }

  /**
   * After matchFirst: whether another placement may exist. The first value that differs in another
   * placement ends later, at a later occurrence of its own separator; without one, the reading is
   * the only one. Cheap: formats whose free text comes last look at nothing.
   */
  private mayReadOtherwise(line: string): boolean {
    for (const i of this.stretchableAt) {
      if (line.indexOf(this.separators[i] as string, (this.ends[i] as number) + 1) !== -1) {
        return true;
      }
    }
    return false;
  }

  /** The one reading of a line, or Ambiguous with the fields every reading agrees on. */
  private readingsOf(line: string): Fields | Ambiguous | undefined {
    const readings: Value[][] = [];
    const budget = { steps: MAX_MATCH_STEPS };
    const stopped = this.placements(line, 0, this.prefix.length, budget, () => {
      readings.push(this.values.slice());
      return readings.length >= MAX_READINGS;
    });
    const complete = !stopped && budget.steps >= 0;
    const first = readings[0];
    if (!first) return undefined;
    if (readings.length === 1 && complete) {
      for (let i = 0; i < this.count; i++) this.values[i] = first[i] as Value;
      return this.toFields();
    }
    return complete
      ? this.compared(readings)
      : new Ambiguous(
          "ambiguous line: too many ways to read it (a value holds the format's own separator text)",
          {},
        );
  }

  /** Ambiguous, with the fields every reading gives the same value. */
  private compared(readings: readonly Value[][]): Ambiguous {
    const first = readings[0] as Value[];
    const agreed: Fields = {};
    const differ: string[] = [];
    for (let i = 0; i < this.count; i++) {
      const value = first[i];
      const field = (this.variables[i] as Variable).field;
      if (readings.every((reading) => reading[i] === value)) {
        if (value !== ABSENT) agreed[field] = value as string | number;
      } else if (!differ.includes(field)) {
        differ.push(field);
      }
    }
    return new Ambiguous(
      `ambiguous line: readings differ in ${differ.join(', ')} (a value holds the format's own separator text)`,
      agreed,
    );
  }
}

/** Compiles an API Gateway access-log `Format` string into a parser (LineMatcher). */
export function compileFormat(name: string, source: string): CompiledFormat {
  const { variables, literals } = splitFormat(source);
  const matcher = new LineMatcher(source, variables, literals);
  return {
    name,
    source,
    variables: variables.map((variable) => variable.path),
    fields: variables.map((variable) => variable.field),
    parse: (line) => matcher.parse(line),
  };
}
