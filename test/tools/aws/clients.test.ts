/**
 * AWS that does not answer (no network, a wrong endpoint) ends a command as OpenObserve's silence
 * does: `stopped`, naming the call and why, exit 1.
 */
import { spawnSync } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { FirehoseClient, ListDeliveryStreamsCommand } from '@aws-sdk/client-firehose';
import { freePort } from '../../../scripts/lambda-runtime';
import { awsClients, withSetupFix } from '../../../tools/aws/clients';

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

it('names the address of a host of IPv6 and IPv4 addresses that refused, as Node.js reports it', async () => {
  // Node.js tries each address of such a host (localhost on most machines) and fails with one
  // AggregateError whose own error has no address.
  const refused = (address: string) =>
    Object.assign(new Error(`connect ECONNREFUSED ${address}:4566`), {
      code: 'ECONNREFUSED',
      address,
      port: 4566,
    });
  const client = withSetupFix(
    new FirehoseClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      maxAttempts: 1,
      requestHandler: {
        handle: () =>
          Promise.reject(
            Object.assign(new AggregateError([refused('::1'), refused('127.0.0.1')]), {
              code: 'ECONNREFUSED',
            }),
          ),
      },
    }),
  );
  await expect(client.send(new ListDeliveryStreamsCommand({}))).rejects.toMatchObject({
    name: 'NoAnswerError',
    message:
      "AWS did not answer ListDeliveryStreams: could not connect to ::1:4566 (connection refused): check the region and this machine's network (and AWS_ENDPOINT_URL, if set)",
  });
});

it('stops waiting for an AWS endpoint that takes the connection and never answers', async () => {
  // A proxy or a firewall that keeps the connection open and says nothing.
  const sockets: Socket[] = [];
  const silent = createServer((socket) => sockets.push(socket));
  await new Promise<void>((listening) => silent.listen(0, '127.0.0.1', listening));
  const { port } = silent.address() as { port: number };
  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_MAX_ATTEMPTS: '1',
  });
  try {
    const { firehose } = awsClients('us-east-1', { connectionMs: 1_000, answerMs: 1_000 });
    const started = Date.now();
    await expect(firehose.send(new ListDeliveryStreamsCommand({}))).rejects.toMatchObject({
      name: 'NoAnswerError',
      message: expect.stringMatching(/^AWS did not answer ListDeliveryStreams: .*timed out/),
    });
    expect(Date.now() - started).toBeLessThan(10_000);
  } finally {
    process.env = saved;
    for (const socket of sockets) socket.destroy();
    await new Promise((closed) => silent.close(closed));
  }
}, 30_000);
