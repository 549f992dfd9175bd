/**
 * One declarative table of options per command: it gives the parsing (node:util parseArgs,
 * strict), the bounds and the defaults, and the usage text, so none of them is written twice.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './errors';

interface Described {
  /** One line for the usage's options table. */
  readonly help: string;
}
export type Option =
  | (Described & { readonly type: 'flag' })
  | (Described & {
      readonly type: 'string';
      /** The placeholder in the usage: `NAME`, `URL`. */
      readonly value: string;
      readonly default?: string;
      readonly required?: boolean;
      readonly choices?: readonly string[];
    })
  | (Described & {
      readonly type: 'number';
      readonly value: string;
      readonly default?: number;
      readonly required?: boolean;
      readonly min: number;
      readonly max: number;
      readonly integer?: boolean;
    })
  | (Described & {
      readonly type: 'list';
      /** Comma-separated values: `--regions us-east-1,eu-west-1`. */
      readonly value: string;
      readonly required?: boolean;
    });

export type Options = Readonly<Record<string, Option>>;

type Given<O> = O extends { default: unknown } | { required: true } ? never : undefined;
type ValueOf<O extends Option> = O extends { type: 'flag' }
  ? boolean
  : O extends { type: 'number' }
    ? number | Given<O>
    : O extends { type: 'list' }
      ? string[] | Given<O>
      : string | Given<O>;
export type Values<T extends Options> = { -readonly [K in keyof T]: ValueOf<T[K]> };

export interface CommandSpec<T extends Options = Options> {
  /** As typed after `npm run`: `attach`, `openobserve -- setup`. */
  readonly name: string;
  readonly summary: string;
  /** Words before the options (`setup`), or the sources of a replay. */
  readonly positionals?: {
    readonly value: string;
    readonly min: number;
    readonly max?: number;
    readonly choices?: readonly string[];
  };
  readonly options: T;
  /** Rules between options: throws a UsageError for options that conflict or go together. */
  readonly check?: (values: Values<T>, positionals: readonly string[]) => void;
}

export interface CommandLine<T extends Options> {
  readonly values: Values<T>;
  readonly positionals: string[];
  /** The options the command line gave, whatever their value (a default given is given). */
  readonly given: ReadonlySet<string>;
}

/** What every command that reads AWS, asks or reports takes. */
export const COMMON_OPTIONS = {
  region: {
    type: 'string',
    value: 'REGION',
    help: 'AWS region (default: AWS_REGION or the profile)',
  },
  yes: { type: 'flag', help: 'apply without asking (scripts)' },
  json: { type: 'flag', help: 'print the result as one JSON document on standard output' },
  'dry-run': { type: 'flag', help: 'show the plan and change nothing' },
} as const satisfies Options;

function numberValue(name: string, option: Extract<Option, { type: 'number' }>, text: string) {
  const value = Number(text);
  if (!(text.trim() !== '' && value >= option.min && value <= option.max)) {
    throw new UsageError(
      `--${name} must be ${option.integer ? 'a whole number ' : ''}from ${option.min} to ${option.max}`,
    );
  }
  if (option.integer && !Number.isInteger(value)) {
    throw new UsageError(`--${name} must be a whole number from ${option.min} to ${option.max}`);
  }
  return value;
}

function optionValue(name: string, option: Option, given: string | boolean | undefined): unknown {
  if (option.type === 'flag') return given === true;
  if (given === undefined) {
    if (option.required) throw new UsageError(`--${name} is required`);
    return option.type === 'list' ? undefined : option.default;
  }
  const text = String(given);
  if (option.type === 'number') return numberValue(name, option, text);
  if (option.type === 'list') {
    const items = text.split(',').map((item) => item.trim());
    if (items.some((item) => item === '')) {
      throw new UsageError(`--${name} takes a comma-separated list without empty items`);
    }
    return items;
  }
  if (option.choices && !option.choices.includes(text)) {
    throw new UsageError(`--${name} must be one of ${option.choices.join(', ')}`);
  }
  return text;
}

/** The values of a command line, checked against the table; a UsageError names what is wrong. */
export function parseCommandLine<T extends Options>(
  spec: CommandSpec<T>,
  argv: readonly string[],
): CommandLine<T> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: spec.positionals !== undefined,
      strict: true,
      options: Object.fromEntries(
        Object.entries(spec.options).map(([name, option]) => [
          name,
          { type: option.type === 'flag' ? 'boolean' : 'string' } as const,
        ]),
      ),
    });
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error });
  }
  const values = Object.fromEntries(
    Object.entries(spec.options).map(([name, option]) => [
      name,
      optionValue(name, option, parsed.values[name] as string | boolean | undefined),
    ]),
  ) as Values<T>;
  checkPositionals(spec, parsed.positionals);
  spec.check?.(values, parsed.positionals);
  return { values, positionals: parsed.positionals, given: new Set(Object.keys(parsed.values)) };
}

function checkPositionals(
  spec: Pick<CommandSpec, 'positionals'>,
  positionals: readonly string[],
): void {
  const rule = spec.positionals;
  if (!rule) return;
  const few = positionals.length < rule.min;
  if (few || positionals.length > (rule.max ?? Number.POSITIVE_INFINITY)) {
    if (rule.choices) throw new UsageError(`the one action is ${rule.choices.join(' or ')}`);
    throw new UsageError(
      few
        ? `${rule.value} is required`
        : `${rule.value} once only; got ${positionals.length}: ${positionals.join(' ')}`,
    );
  }
  const wrong = positionals.find((word) => rule.choices && !rule.choices.includes(word));
  if (wrong !== undefined) throw new UsageError(`the one action is ${rule.choices?.join(' or ')}`);
}

function synopsis(name: string, option: Option): string {
  if (option.type === 'flag') return `[--${name}]`;
  const shown = `--${name} ${option.value}`;
  return option.required ? shown : `[${shown}]`;
}

function detail(option: Option): string {
  const notes: string[] = [];
  if (option.type === 'number') notes.push(`${option.min}–${option.max}`);
  if (option.type === 'string' && option.choices) notes.push(option.choices.join(' | '));
  if ((option.type === 'number' || option.type === 'string') && option.default !== undefined) {
    notes.push(`default ${option.default}`);
  }
  return notes.length ? `${option.help} (${notes.join('; ')})` : option.help;
}

/** The usage: one synopsis line, then each option with what it takes, its bounds and default. */
export function usage(spec: CommandSpec): string {
  const entries = Object.entries(spec.options);
  const words = spec.positionals ? ` ${spec.positionals.value}` : '';
  const head = `usage: npm run ${spec.name} --${words} ${entries.map(([name, option]) => synopsis(name, option)).join(' ')}`;
  const names = entries.map(([name, option]) =>
    option.type === 'flag' ? `--${name}` : `--${name} ${option.value}`,
  );
  const width = Math.max(...names.map((name) => name.length));
  const rows = entries.map(
    ([, option], i) => `  ${(names[i] as string).padEnd(width)}  ${detail(option)}`,
  );
  return [head, spec.summary, ...rows].join('\n');
}
