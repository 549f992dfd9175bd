import { readConfig } from '../../src/config';
import { ConfigError } from '../../src/errors';
import { DEFAULT_FORMAT } from '../../src/formats/known';

describe('readConfig', () => {
  it('starts with defaults when nothing is set, or set empty as SAM passes it', () => {
    for (const env of [
      {},
      { LOG_FORMAT: '', ON_PARSE_ERROR: '', SOURCE_IP: '', LATENCY_BUCKETS_MS: '' },
    ]) {
      const config = readConfig(env);
      expect(config.logFormat).toBe(DEFAULT_FORMAT);
      expect(config.onParseError).toBe('keep');
      expect(config.sourceIp).toEqual({ mode: 'keep' });
      expect(config.latencyBuckets.bounds).toEqual([50, 100, 250, 500, 1000, 2500, 5000, 10000]);
    }
  });

  it('reads every setting', () => {
    const config = readConfig({
      LOG_FORMAT: '$context.requestId $context.status',
      ON_PARSE_ERROR: 'fail',
      LATENCY_BUCKETS_MS: '10, 20,30',
      SOURCE_IP: 'hash',
      SOURCE_IP_HASH_KEY: 'a-secret-of-16-chars',
    });
    expect(config).toMatchObject({
      logFormat: '$context.requestId $context.status',
      onParseError: 'fail',
      latencyBuckets: { bounds: [10, 20, 30] },
      sourceIp: { mode: 'hash', key: 'a-secret-of-16-chars' },
    });
  });

  it('starts with variables API Gateway added after the list was written, and names them', () => {
    const config = readConfig({
      LOG_FORMAT:
        '$context.requestId $context.integration.responseTransferMode $context.someNewThing $context.stauts $context.someNewThing',
    });
    expect(config.unknownVariables).toEqual(['someNewThing', 'stauts']);
    expect(readConfig({}).unknownVariables).toEqual([]);
  });

  it.each([
    [{ ON_PARSE_ERROR: 'ignore' }, 'ON_PARSE_ERROR must be one of keep, fail, drop; got "ignore"'],
    [{ SOURCE_IP: 'mask' }, 'SOURCE_IP must be one of keep, truncate, hash; got "mask"'],
    [{ SOURCE_IP: 'hash' }, 'SOURCE_IP_HASH_KEY_SECRET_ARN (or SOURCE_IP_HASH_KEY) must be set'],
    [
      { SOURCE_IP: 'hash', SOURCE_IP_HASH_KEY: 'short' },
      'SOURCE_IP_HASH_KEY must be a secret of at least 16',
    ],
    [
      { SOURCE_IP: 'hash', SOURCE_IP_HASH_KEY_SECRET_ARN: 'my-key' },
      'SOURCE_IP_HASH_KEY_SECRET_ARN must be the ARN',
    ],
    [{ LATENCY_BUCKETS_MS: '100,50' }, 'LATENCY_BUCKETS_MS must be 1 to 20 ascending'],
    [{ LATENCY_BUCKETS_MS: '10,abc' }, 'LATENCY_BUCKETS_MS must be 1 to 20 ascending'],
    [{ LATENCY_BUCKETS_MS: '0,10' }, 'LATENCY_BUCKETS_MS must be 1 to 20 ascending'],
    [{ LOG_FORMAT: '$context.status' }, 'LOG_FORMAT must contain $context.requestId'],
    [{ LOG_FORMAT: '$context.requestId\n$context.status' }, 'LOG_FORMAT must be a single line'],
    [
      // A near miss of the request id is no request id.
      { LOG_FORMAT: '$context.requestIdentity $context.status' },
      'LOG_FORMAT must contain $context.requestId',
    ],
    [{ POWERTOOLS_LOG_LEVEL: 'verbose' }, 'POWERTOOLS_LOG_LEVEL must be one of TRACE, DEBUG'],
  ])('stops at start-up on %j, naming the variable', (env, message) => {
    expect(() => readConfig(env)).toThrow(ConfigError);
    expect(() => readConfig(env)).toThrow(message);
  });
});
