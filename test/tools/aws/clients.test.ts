/**
 * AWS that does not answer (no network, a wrong endpoint) ends a command as OpenObserve's silence
 * does: `stopped`, naming the call and why, exit 1.
 */
import { spawnSync } from 'node:child_process';
import { freePort } from '../../../scripts/lambda-runtime';

it('stops a command whose AWS call got no answer, naming the call and the address', async () => {
  // A port nothing listens on: the connection is refused.
  const port = await freePort();
  const run = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'tools/run.ts',
      'attach',
      '--stream',
      's',
      '--function',
      'f',
      '--yes',
      '--json',
    ],
    {
      encoding: 'utf8',
      env: {
        ...process.env,
        AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        AWS_MAX_ATTEMPTS: '1',
        AWS_EC2_METADATA_DISABLED: 'true',
      },
    },
  );
  expect(run.status).toBe(1);
  const message = `AWS did not answer DescribeDeliveryStream: could not connect to 127.0.0.1:${port} (connection refused): check the region and this machine's network (and AWS_ENDPOINT_URL, if set)`;
  expect(JSON.parse(run.stdout)).toEqual({ error: 'stopped', message });
  expect(run.stderr).toContain(`stopped: ${message}`);
}, 60_000);
