import { policiesAllow, policiesVerdict, wildcardMatches } from '../../../tools/aws/iam';

const FUNCTION = 'arn:aws:lambda:us-east-1:123456789012:function:processor';
const allow = (Action: string | string[], Resource: string | string[], extra = {}) => ({
  Statement: [{ Effect: 'Allow', Action, Resource, ...extra }],
});

describe('policiesAllow', () => {
  it('finds an exact or wildcard grant', () => {
    expect(
      policiesAllow([allow('lambda:InvokeFunction', FUNCTION)], 'lambda:InvokeFunction', FUNCTION),
    ).toBe(true);
    expect(
      policiesAllow(
        [allow('lambda:*', 'arn:aws:lambda:*:*:function:proc*')],
        'lambda:InvokeFunction',
        FUNCTION,
      ),
    ).toBe(true);
    expect(policiesAllow([allow('*', '*')], 'lambda:GetFunctionConfiguration', FUNCTION)).toBe(
      true,
    );
    expect(
      policiesAllow([allow('Lambda:invokefunction', FUNCTION)], 'lambda:InvokeFunction', FUNCTION),
    ).toBe(true);
  });

  it('does not take another function, another action or a conditional grant for one', () => {
    expect(
      policiesAllow(
        [allow('lambda:InvokeFunction', `${FUNCTION}-other`)],
        'lambda:InvokeFunction',
        FUNCTION,
      ),
    ).toBe(false);
    expect(
      policiesAllow([allow('lambda:GetFunction', FUNCTION)], 'lambda:InvokeFunction', FUNCTION),
    ).toBe(false);
    expect(
      policiesAllow(
        [
          allow('lambda:InvokeFunction', FUNCTION, {
            Condition: { StringEquals: { 'aws:SourceAccount': '1' } },
          }),
        ],
        'lambda:InvokeFunction',
        FUNCTION,
      ),
    ).toBe(false);
    expect(policiesAllow([], 'lambda:InvokeFunction', FUNCTION)).toBe(false);
  });

  it('lets an explicit deny win', () => {
    const deny = { Statement: [{ Effect: 'Deny', Action: 'lambda:*', Resource: '*' }] };
    expect(policiesAllow([allow('*', '*'), deny], 'lambda:InvokeFunction', FUNCTION)).toBe(false);
  });

  it('is unsure, not denied, when only a Deny with a condition covers what is allowed', () => {
    // A region guard: it denies nothing in the region the stream is in.
    const guard = {
      Statement: [
        {
          Effect: 'Deny',
          Action: '*',
          Resource: '*',
          Condition: { StringNotEquals: { 'aws:RequestedRegion': 'us-east-1' } },
        },
      ],
    };
    const grant = allow('lambda:InvokeFunction', FUNCTION);
    expect(policiesVerdict([grant, guard], 'lambda:InvokeFunction', FUNCTION)).toBe('unsure');
    // Surely allowed it is not: attach adds its grant all the same, which does no harm.
    expect(policiesAllow([grant, guard], 'lambda:InvokeFunction', FUNCTION)).toBe(false);
    expect(policiesVerdict([grant], 'lambda:InvokeFunction', FUNCTION)).toBe('allowed');
    expect(policiesVerdict([guard], 'lambda:InvokeFunction', FUNCTION)).toBe('denied');
    // An empty Condition is none: that Deny applies always.
    const always = { Statement: [{ ...guard.Statement[0], Condition: {} }] };
    expect(policiesVerdict([grant, always], 'lambda:InvokeFunction', FUNCTION)).toBe('denied');
  });

  it('reads NotAction and NotResource', () => {
    const notAction = { Statement: [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }] };
    expect(policiesAllow([notAction], 'lambda:InvokeFunction', FUNCTION)).toBe(true);
    const notResource = {
      Statement: [{ Effect: 'Allow', Action: 'lambda:*', NotResource: FUNCTION }],
    };
    expect(policiesAllow([notResource], 'lambda:InvokeFunction', FUNCTION)).toBe(false);
  });
});

describe('wildcardMatches', () => {
  it.each([
    ['arn:aws:lambda:*:*:function:proc*', FUNCTION, true],
    ['arn:aws:lambda:us-east-?:*:function:processor', FUNCTION, true],
    ['*', '', true],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'aXbY', false],
    ['*:function:processor', FUNCTION, true],
    ['*:function:processo', FUNCTION, false],
    ['arn:aws:lambda:*:*:function:other', FUNCTION, false],
    ['???', 'ab', false],
  ])('%s against %s: %s', (pattern, value, expected) => {
    expect(wildcardMatches(pattern, value)).toBe(expected);
  });

  it('answers a pattern with ten * against a long ARN at once, not after minutes', () => {
    const pattern = `arn:${'*a'.repeat(10)}*:b`;
    const arn = `arn:${'a'.repeat(5_000)}`;
    const started = process.hrtime.bigint();
    expect(wildcardMatches(pattern, arn)).toBe(false);
    // A backtracking regex engine took 115 s on this; the bound is generous for a slow machine.
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(1_000);
  });
});
