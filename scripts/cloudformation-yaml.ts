/**
 * Reads a CloudFormation / SAM template with its short-form tags (`!Ref`, `!Sub`, …) as JSON, and
 * evaluates its conditions for given parameter values.
 */
import { type CollectionTag, parse, type ScalarTag } from 'yaml';

const FUNCTIONS = [
  'And',
  'Base64',
  'Cidr',
  'Equals',
  'FindInMap',
  'GetAZs',
  'If',
  'ImportValue',
  'Join',
  'Not',
  'Or',
  'Select',
  'Split',
  'Sub',
];

function tags(): (ScalarTag | CollectionTag)[] {
  const result: (ScalarTag | CollectionTag)[] = [];
  const add = (tag: string, resolve: (value: unknown) => unknown) => {
    result.push({ tag, resolve: (value: string) => resolve(value) } as ScalarTag);
    result.push({
      tag,
      collection: 'seq',
      resolve: (value: { toJSON(): unknown }) => resolve(value.toJSON()),
    } as unknown as CollectionTag);
    result.push({
      tag,
      collection: 'map',
      resolve: (value: { toJSON(): unknown }) => resolve(value.toJSON()),
    } as unknown as CollectionTag);
  };
  add('!Ref', (value) => ({ Ref: value }));
  add('!Condition', (value) => ({ Condition: value }));
  add('!GetAtt', (value) => ({
    'Fn::GetAtt': typeof value === 'string' ? value.split('.', 2) : value,
  }));
  for (const name of FUNCTIONS) add(`!${name}`, (value) => ({ [`Fn::${name}`]: value }));
  return result;
}

export function parseTemplate(text: string): Record<string, unknown> {
  return parse(text, { customTags: tags() }) as Record<string, unknown>;
}

// biome-ignore lint/suspicious/noExplicitAny: a CloudFormation template is untyped JSON
export type Json = any;
/** Parameter values, as given to a deploy. */
export type Values = Record<string, string>;

/** A parameter's value as CloudFormation resolves it: given, else the default. */
export function parameterValue(template: Json, values: Values, name: string): unknown {
  return values[name] ?? template.Parameters?.[name]?.Default;
}

/** Evaluates the condition functions CloudFormation allows in Conditions and Rules. */
export function evaluate(template: Json, expression: Json, values: Values): unknown {
  if (typeof expression !== 'object' || expression === null) return expression;
  if ('Ref' in expression) return parameterValue(template, values, expression.Ref);
  if ('Condition' in expression) return conditionHolds(template, expression.Condition, values);
  const args = (key: string) =>
    (expression[key] as Json[]).map((e) => evaluate(template, e, values));
  if ('Fn::Equals' in expression) {
    const [a, b] = args('Fn::Equals');
    return String(a) === String(b);
  }
  if ('Fn::Not' in expression) return !args('Fn::Not')[0];
  if ('Fn::And' in expression) return args('Fn::And').every(Boolean);
  if ('Fn::Or' in expression) return args('Fn::Or').some(Boolean);
  throw new Error(`cannot evaluate ${JSON.stringify(expression)}`);
}

export function conditionHolds(template: Json, name: string | undefined, values: Values): boolean {
  if (name === undefined) return true;
  const condition = template.Conditions?.[name];
  if (condition === undefined) throw new Error(`no condition ${name}`);
  return Boolean(evaluate(template, condition, values));
}
