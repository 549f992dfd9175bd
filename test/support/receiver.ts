/**
 * A stand-in for OpenObserve's `_kinesis_firehose` endpoint on 127.0.0.1: checks each request
 * against Firehose's HTTP endpoint protocol (docs/contracts.md §4) and answers as the test scripts it.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';

/**
 * How the receiver answers a request. Besides OpenObserve's own answers: `hold` never answers (a
 * client can be killed while it waits), `html` is a 200 page instead of the acknowledgement,
 * `wrong-id` acknowledges another request, `echo` is a 400 that writes the request's headers back
 * (as some proxies do), `{redirect}` a 302 to another URL; 404, 408 and 413 are a proxy's (a wrong
 * path, a request it timed out, a body over its limit).
 */
export type Answer =
  | 200
  | 400
  | 401
  | 404
  | 408
  | 413
  | 503
  | 'slow'
  | 'drop'
  | 'hold'
  | 'html'
  | 'wrong-id'
  | 'echo'
  | { readonly redirect: string };

export interface Request {
  requestId: string;
  lines: string[];
  answer: Answer;
}

export interface Receiver {
  readonly url: string;
  /** Answers for the next requests, in order; 200 once they run out. */
  script(...answers: Answer[]): void;
  readonly requests: Request[];
  /** Event lines of the requests answered 200 at once (a slow answer may come after the client gave up). */
  accepted(): string[];
  readonly problems: string[];
  /** Called with each request as it arrives, before it is answered. */
  onRequest?: (request: Request) => void;
  close(): Promise<void>;
}

export const ACCESS_KEY = Buffer.from('root@example.com:token').toString('base64');

/** A request's whole body. */
export function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => done(Buffer.concat(chunks)));
    request.on('error', fail);
  });
}

export async function startReceiver(slowMs = 2_000): Promise<Receiver> {
  const answers: Answer[] = [];
  const requests: Request[] = [];
  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => {
    if (!ok) problems.push(problem);
  };
  const server: Server = createServer(async (request, response) => {
    const raw = await readBody(request);
    const answer = answers.shift() ?? 200;
    check(request.method === 'POST', `method ${request.method}`);
    check(request.headers['content-type'] === 'application/json', 'content-type');
    check(request.headers['x-amz-firehose-protocol-version'] === '1.0', 'protocol version');
    check(request.headers['content-encoding'] === 'gzip', 'not gzip');
    const parsed = JSON.parse(gunzipSync(raw).toString('utf8')) as {
      requestId: string;
      timestamp: number;
      records: { data: string }[];
    };
    check(
      parsed.requestId === request.headers['x-amz-firehose-request-id'],
      'request id header and body differ',
    );
    check(typeof parsed.timestamp === 'number', 'timestamp');
    check(
      parsed.records.length >= 1 && parsed.records.length <= 10_000,
      `${parsed.records.length} records`,
    );
    const lines = parsed.records.flatMap(({ data }) => {
      const bytes = Buffer.from(data, 'base64');
      check(bytes.length <= 1_024_000, 'record over 1,024,000 bytes');
      // A gzip record is inflated, as OpenObserve does (docs/contracts.md §5.1).
      const gzip = bytes[0] === 0x1f && bytes[1] === 0x8b;
      const text = (gzip ? gunzipSync(bytes) : bytes).toString('utf8');
      check(text.endsWith('\n') && !text.includes('\n\n'), 'record framing');
      return text.slice(0, -1).split('\n');
    });
    for (const line of lines)
      check(
        line.startsWith('{\t') && typeof JSON.parse(line) === 'object',
        `not an event: ${line}`,
      );
    const received = { requestId: parsed.requestId, lines, answer };
    requests.push(received);
    receiver.onRequest?.(received);

    if (request.headers['x-amz-firehose-access-key'] !== ACCESS_KEY || answer === 401) {
      response.writeHead(401, { 'Content-Type': 'text/plain' }).end('Unauthorized Access');
      return;
    }
    if (answer === 'drop') {
      request.socket.destroy();
      return;
    }
    if (answer === 'hold') return;
    if (typeof answer === 'object') {
      response.writeHead(302, { Location: answer.redirect }).end();
      return;
    }
    if (answer === 'echo') {
      const key = String(request.headers['x-amz-firehose-access-key']);
      response
        .writeHead(400, { 'Content-Type': 'text/plain' })
        .end(
          `bad request from ${Buffer.from(key, 'base64')} with key ${key}; you sent:\n${JSON.stringify(request.headers, null, 1)}`,
        );
      return;
    }
    if (answer === 'html') {
      response
        .writeHead(200, { 'Content-Type': 'text/html' })
        .end('<html><body>Please sign in</body></html>');
      return;
    }
    if (answer === 'slow') await new Promise((wait) => setTimeout(wait, slowMs));
    if (answer === 404 || answer === 408 || answer === 413) {
      response.writeHead(answer, { 'Content-Type': 'text/html' }).end(`<html>${answer}</html>`);
      return;
    }
    if (answer === 400 || answer === 503) {
      response
        .writeHead(answer, { 'Content-Type': 'text/plain' })
        .end(answer === 400 ? 'bad line' : 'busy');
      return;
    }
    response.writeHead(200, { 'Content-Type': 'application/json' }).end(
      JSON.stringify({
        requestId: answer === 'wrong-id' ? 'another-request' : parsed.requestId,
        timestamp: Date.now(),
      }),
    );
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as { port: number };
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}/aws/default/api_gateway/_kinesis_firehose`,
    script: (...next) => answers.push(...next),
    requests,
    accepted: () => requests.filter((r) => r.answer === 200).flatMap((r) => r.lines),
    problems,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
  return receiver;
}

/** Another host on 127.0.0.1 that answers 200 to anything: where a redirect should never lead. */
export async function startOtherHost(): Promise<{
  readonly url: string;
  readonly requests: { method: string; headers: Record<string, unknown> }[];
  close(): Promise<void>;
}> {
  const requests: { method: string; headers: Record<string, unknown> }[] = [];
  const server = createServer((request, response) => {
    requests.push({ method: request.method ?? '', headers: { ...request.headers } });
    request.resume();
    response.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>welcome</html>');
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/elsewhere`,
    requests,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
