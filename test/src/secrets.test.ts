/**
 * The built function reads the SOURCE_IP=hash key from Secrets Manager at init, with Powertools'
 * parameters utility and the SDK (here: moto on 127.0.0.1), and stops, naming the secret, when it
 * cannot.
 */
import { spawnSync } from 'node:child_process';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { eventOf } from '../support/batches';
import { type Moto, startMoto } from '../support/moto';

const tsx = 'node_modules/.bin/tsx';
const KEY = 'a-key-the-stack-generated-0123456789abcdefghij';
let moto: Moto;

// dist/ is built once for the suite (test/support/global-setup.ts).
beforeAll(async () => {
  moto = await startMoto();
}, 60_000);
afterAll(() => moto.stop());

const invoke = (arn: string) =>
  spawnSync(tsx, ['scripts/invoke.ts', 'events/default-format.json', '--json'], {
    encoding: 'utf8',
    env: {
      ...process.env,
      ...moto.env,
      SOURCE_IP: 'hash',
      SOURCE_IP_HASH_KEY_SECRET_ARN: arn,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
    },
  });

describe('the hash key in Secrets Manager', () => {
  it('is read at init and used for every address', async () => {
    const secrets = new SecretsManagerClient(moto.clientConfig);
    const { ARN } = await secrets.send(
      new CreateSecretCommand({ Name: 'ip-hash-key', SecretString: KEY }),
    );
    const run = invoke(ARN as string);
    expect(run.stderr).not.toContain('init failed');
    expect(run.status).toBe(0);
    const decoded = JSON.parse(run.stdout.trim().split('\n').pop() as string);
    const [first] = decoded.records[0].events;
    const expected = eventOf(
      'RequestId: x, SourceIP: 203.0.113.17, Method: GET, ResourcePath: /, StatusCode: 200, ResponseLength: 1, RequestTime: 24/Nov/2026:18:47:25 +0000',
      { SOURCE_IP: 'hash', SOURCE_IP_HASH_KEY: KEY },
    );
    expect(first.source_ip).toBe(expected.source_ip);
  }, 30_000);

  it('stops the function at init when the secret cannot be read, naming it', () => {
    const missing = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:no-such-key-AbCdEf';
    const run = invoke(missing);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      `init failed: SOURCE_IP_HASH_KEY_SECRET_ARN: cannot read secret ${missing}: GetParameterError: Secrets Manager can't find the specified secret.`,
    );
  }, 30_000);
});
