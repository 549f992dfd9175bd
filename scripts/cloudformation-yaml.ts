/** Reads a CloudFormation / SAM template with its short-form tags (`!Ref`, `!Sub`, …) as JSON. */
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
