import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { defineCommand, runCommand } from '../../../tools/cli/command';
import { NoAnswerError as NoAnswer } from '../../../tools/cli/errors';
import { openObserveApi } from '../../../tools/openobserve/api';
import {
  type OpenObserveServer,
  PASSWORD,
  startOpenObserve,
  USER,
} from '../../support/openobserve-stand-in';

const run = promisify(execFile);
const credentials = { user: USER, password: PASSWORD };
const basic = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');

let server: OpenObserveServer;
beforeEach(async () => {
  server = await startOpenObserve();
});
afterEach(() => server.close());

/** A port on 127.0.0.1 where nothing listens. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((ready) => probe.listen(0, '127.0.0.1', ready));
  const { port } = probe.address() as { port: number };
  await new Promise((done) => probe.close(done));
  return port;
}

const cli = (args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'tools/run.ts', 'openobserve', ...args], {
    env: { PATH: process.env.PATH ?? '', OPENOBSERVE_USER: USER, OPENOBSERVE_PASSWORD: PASSWORD },
  }).then(
    (done) => ({ code: 0, ...done }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );

describe('openObserveApi', () => {
  it('names the URL and what to check when OpenObserve does not answer in time', async () => {
    server.fault = 'hang';
    const api = openObserveApi(new URL(server.url), credentials, 200);
    const request = api.request('GET', '/api/v2/default/folders/dashboards');
    await expect(request).rejects.toThrow(NoAnswer);
    await expect(request).rejects.toThrow(
      `OpenObserve did not answer GET /api/v2/default/folders/dashboards: no answer from ${server.url}/api/v2/default/folders/dashboards within 0.2 s: check that the URL is right and that the server is running and reachable from here`,
    );
  });

  it('never repeats the credentials a server echoes, and quotes it briefly', async () => {
    server.fault = 'echo';
    const api = openObserveApi(new URL(server.url), credentials);
    const error = (await api.request('GET', '/api/default/dashboards').catch((e) => e)) as Error;
    expect(error.message).toMatch(
      /^OpenObserve answered GET \/api\/default\/dashboards with HTTP 400: bad request: \{"host":"127.0.0.1:\d+","connection":"keep-alive","authorization":"Basic \[redacted\]",.*…$/,
    );
    expect(error.message).not.toContain(basic);
    expect(error.message.length).toBeLessThan(250);
  });
});

describe('runCommand', () => {
  it('reports an error whose code is a number (a time-out) instead of crashing on it', async () => {
    const printed: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((line) => printed.push(line));
    try {
      const status = await runCommand(
        defineCommand({
          spec: { name: 'timeout', summary: 'fails', options: {} },
          run: () => Promise.reject(new DOMException('The operation timed out.', 'TimeoutError')),
        }),
        [],
      );
      expect(status).toBe(1);
      expect(printed).toEqual(['failed: The operation timed out.']);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('npm run openobserve -- setup', () => {
  it('says that nothing listens at the URL, and where', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const result = await cli(['setup', '--url', url, '--yes']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      `stopped: OpenObserve did not answer GET /config: could not connect to ${url}/config (connection refused): check the URL's host and port, and that the server is running`,
    );
  }, 30_000);

  it('never prints a password written into --url', async () => {
    const result = await cli([
      'setup',
      '--url',
      server.url.replace('http://', 'http://admin:pw-in-url@'),
      '--yes',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`refused: --url must not hold a user name or password`);
    expect(result.stderr).toContain(server.url);
    expect(result.stderr).not.toContain('pw-in-url');
    expect(server.requests).toEqual([]);
  }, 30_000);
});
