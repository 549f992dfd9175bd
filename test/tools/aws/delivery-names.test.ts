import { destinationNameOf, sourceNameOf } from '../../../tools/aws/execution-logs';

describe('delivery names', () => {
  it('names a stage by its API and stage, as written when that fits', () => {
    expect(sourceNameOf('a1b2c3d4e5', 'prod')).toBe('apigw-a1b2c3d4e5-prod-execution');
    expect(destinationNameOf('arn:aws:firehose:us-east-1:1:deliverystream/logs')).toBe(
      'firehose-logs',
    );
  });

  it('gives two stages two names, however long or however spelt', () => {
    const long = 'a-very-long-stage-name-shared-by-two-stages-';
    const names = [
      sourceNameOf('a1b2c3d4e5', `${long}blue`),
      sourceNameOf('a1b2c3d4e5', `${long}green`),
      sourceNameOf('a1b2c3d4e5', 'v1.2'),
      sourceNameOf('a1b2c3d4e5', 'v1-2'),
    ];
    expect(new Set(names).size).toBe(4);
    for (const name of names) expect(name).toMatch(/^[\w-]{1,60}$/);
  });
});
