import { policiesAllow } from '../../tools/shared/iam-policy';

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

  it('reads NotAction and NotResource', () => {
    const notAction = { Statement: [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }] };
    expect(policiesAllow([notAction], 'lambda:InvokeFunction', FUNCTION)).toBe(true);
    const notResource = {
      Statement: [{ Effect: 'Allow', Action: 'lambda:*', NotResource: FUNCTION }],
    };
    expect(policiesAllow([notResource], 'lambda:InvokeFunction', FUNCTION)).toBe(false);
  });
});
