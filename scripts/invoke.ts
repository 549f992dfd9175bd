/**
 * `npm run invoke -- <file> [--handler <bundle>] [--runtime node|lambda] [--json]`: runs the built
 * handler the way Lambda's Node.js runtime does, without Docker: imports the ES module (its top
 * level is the function's init), calls the exported `handler` with the event and a Lambda context,
 * and prints the response with every record's data decoded.
 *
 * `--runtime lambda` runs the bundle under Lambda's own runtime interface instead (AWS's Runtime
 * Interface Emulator and the Node.js Runtime Interface Client on the runtime's Node.js, as `sam local invoke`
 * does in its container: scripts/lambda-runtime.ts), with the template's settings.
 *
 * `<file>` is a Firehose event (events/*.json) or a file of log lines (optionally .gz), which is
 * first wrapped into an event with one record per line, as API Gateway writes them.
 * Settings come from the environment, as on Lambda: `LOG_FORMAT=… npm run invoke -- my.log`.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type {
  Context,
  FirehoseTransformationEvent,
  FirehoseTransformationResult,
} from 'aws-lambda';
import { gunzippedText, splitEventLines } from '../src/surface';
import { firehoseEvent } from '../test/support/firehose-event';
import { dropOutputOnceClosed, userPath } from '../tools/cli/io';
import { COMMON_OPTIONS, type CommandSpec, parseCommandLine, usage } from '../tools/cli/options';
import {
  installRuntime,
  RuntimeUnavailableError,
  startRuntime,
  stopRuntimes,
  templateFunction,
} from './lambda-runtime';

type Handler = (
  event: FirehoseTransformationEvent,
  context: Context,
) => Promise<FirehoseTransformationResult>;

const SPEC = {
  name: 'invoke',
  summary:
    "Runs the built handler on a Firehose event or a file of log lines (each line a record) and prints the response with every record decoded; the function's own log lines go to standard error. Exits 1 when the response breaks the Firehose contract.",
  positionals: { value: '<event.json | lines.log[.gz]>', min: 1, max: 1 },
  options: {
    handler: {
      type: 'string',
      value: 'FILE',
      default: 'dist/handler.mjs',
      help: 'the bundle to run',
    },
    runtime: {
      type: 'string',
      value: 'NAME',
      default: 'node',
      choices: ['node', 'lambda'],
      help: "node: imported into this process; lambda: under Lambda's runtime interface (RIE)",
    },
    json: COMMON_OPTIONS.json,
  },
} as const satisfies CommandSpec;
const USAGE = usage(SPEC);

/** The command line, or the usage: on standard output for --help (exit 0), else standard error (2). */
function commandLine() {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    process.exit(0);
  }
  try {
    return parseCommandLine(SPEC, argv);
  } catch (error) {
    console.error((error as Error).message);
    console.error(USAGE);
    process.exit(2);
  }
}
const { values, positionals, given } = commandLine();
const file = userPath(positionals[0] as string, 'invoke');
// A bundle named is from the folder `npm run` was started in, as the event; the default is ours.
const bundle = given.has('handler') ? userPath(values.handler, 'invoke') : values.handler;

/** The text as a Firehose event (`{"records": […]}`), or undefined when it is not one. */
function firehoseEventOf(text: string): FirehoseTransformationEvent | undefined {
  if (!text.trimStart().startsWith('{')) return undefined;
  try {
    // A file of JSON lines stops parsing at its first line's end.
    const parsed = JSON.parse(text) as Partial<FirehoseTransformationEvent> | null;
    return parsed && Array.isArray(parsed.records)
      ? (parsed as FirehoseTransformationEvent)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What Firehose buffers for the processor at most (the template's ProcessorBufferSizeMB, at most
 * 1 MB): a file of log lines is sent in batches of this, as Firehose would, not as one event that
 * no function could answer within its 6 MB response.
 */
const BATCH_BYTES = 1024 * 1024;

/** An event's records in events of at most BATCH_BYTES of data each, their ids kept. */
function inBatches(event: FirehoseTransformationEvent): FirehoseTransformationEvent[] {
  const batches: FirehoseTransformationEvent[] = [];
  let bytes = 0;
  for (const record of event.records) {
    const size = Math.ceil((record.data.length * 3) / 4);
    const last = batches.at(-1);
    if (!last || bytes + size > BATCH_BYTES) {
      batches.push({ ...event, records: [record] });
      bytes = size;
    } else {
      last.records.push(record);
      bytes += size;
    }
  }
  return batches;
}

/** The file as events: a Firehose event as it is, else each of its lines a record, in batches. */
function readEvents(path: string): FirehoseTransformationEvent[] {
  let text: string;
  try {
    text = gunzippedText(readFileSync(path));
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder, not a file' : message;
    console.error(`cannot read ${path}: ${why}`);
    console.error(USAGE);
    process.exit(2);
  }
  // A byte-order mark (an editor's UTF-8 with BOM) is no part of the text.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const event = firehoseEventOf(text);
  if (event) return [event];
  const lines = text.split(/\r?\n/).filter((line) => line.length > 0);
  if (lines.length === 0) {
    console.error(`${path} holds no log line: nothing to invoke the handler with`);
    console.error(USAGE);
    process.exit(2);
  }
  if (path.endsWith('.json')) {
    console.error(
      `${path} is not a Firehose event ({"records": [...]}): read as ${lines.length} log line(s), one record each`,
    );
  }
  const batches = inBatches(
    firehoseEvent(lines.map((line) => ({ text: line, arrivalMs: Date.now() }))),
  );
  if (batches.length > 1) {
    console.error(
      `${path}: ${lines.length} lines, sent in ${batches.length} batches of up to 1 MB, as Firehose buffers them for the processor`,
    );
  }
  return batches;
}

function lambdaContext(functionName: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  const region = process.env.AWS_REGION as string;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:123456789012:function:${functionName}`,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE as string,
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/[$LATEST]${randomUUID().replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** What Firehose checks before it accepts a response (docs/contracts.md §3). */
function contractProblems(
  event: FirehoseTransformationEvent,
  response: FirehoseTransformationResult,
): string[] {
  const problems: string[] = [];
  const ids = response.records.map((record) => record.recordId);
  const expected = event.records.map((record) => record.recordId);
  if (ids.join('\n') !== expected.join('\n')) problems.push('recordIds differ from the input');
  for (const record of response.records) {
    if (typeof record.recordId !== 'string') problems.push('a record without a recordId');
    if (!['Ok', 'Dropped', 'ProcessingFailed'].includes(record.result)) {
      problems.push(`${record.recordId}: result ${record.result}`);
    }
    if (typeof record.data !== 'string') problems.push(`${record.recordId}: no data`);
  }
  const size = Buffer.byteLength(JSON.stringify(response));
  if (size > 6 * 1024 * 1024) problems.push(`response is ${size} bytes, over 6 MB`);
  return problems;
}

function decodeResult(record: FirehoseTransformationResult['records'][number]) {
  const data = record.data ?? '';
  if (record.result !== 'Ok') {
    return {
      recordId: record.recordId,
      result: record.result,
      dataBytes: Buffer.from(data, 'base64').length,
    };
  }
  // A record whose events were over the budget comes back gzip-compressed (docs/reference.md).
  const bytes = Buffer.from(data, 'base64');
  const compressed = bytes[0] === 0x1f && bytes[1] === 0x8b;
  return {
    recordId: record.recordId,
    result: record.result,
    ...(compressed ? { compressed } : {}),
    events: splitEventLines(gunzippedText(bytes)).map((line) => JSON.parse(line) as unknown),
  };
}

// The environment Lambda gives a function, where the caller did not set it: the template's memory
// and time-out, and an on-demand start (Powertools logs cold_start from it).
const deployed = templateFunction();
const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'AccessLogProcessor';
process.env.AWS_LAMBDA_FUNCTION_NAME = functionName;
process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ??= deployed.memoryMB;
process.env.AWS_LAMBDA_FUNCTION_VERSION ??= '$LATEST';
process.env.AWS_LAMBDA_INITIALIZATION_TYPE ??= 'on-demand';

const events = readEvents(file);

/** The in-process invoke: the bundle imported into this process, as Lambda's runtime imports it. */
async function invokeInProcess(): Promise<FirehoseTransformationResult[]> {
  let handler: Handler;
  try {
    const module = (await import(pathToFileURL(resolve(bundle)).href)) as {
      handler?: Handler;
    };
    if (typeof module.handler !== 'function') {
      throw new Error(`${bundle} exports no handler`);
    }
    handler = module.handler;
  } catch (error) {
    console.error(`init failed: ${(error as Error).message}`);
    process.exit(1);
  }
  const responses: FirehoseTransformationResult[] = [];
  for (const event of events) {
    try {
      const timeoutMs = Number(deployed.timeoutSeconds) * 1000;
      responses.push(await handler(event, lambdaContext(functionName, timeoutMs)));
    } catch (error) {
      // As the runtime reports it: its type, message and first frames, not Node.js's print of the
      // minified bundle's line (`--runtime lambda` gives src/'s lines, from the source map).
      const { name, message, stack = '' } = error as Error;
      const where = stack.split('\n').filter((line) => line.trimStart().startsWith('at '));
      console.error([`handler error: ${name}: ${message}`, ...where.slice(0, 5)].join('\n'));
      process.exit(1);
    }
  }
  return responses;
}

/** Through the RIE, as `sam local invoke` runs it; the runtime's own log goes to stderr. */
async function invokeUnderLambdaRuntime(): Promise<FirehoseTransformationResult[]> {
  try {
    installRuntime((line) => console.error(line));
  } catch (error) {
    if (!(error instanceof RuntimeUnavailableError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  // Ctrl-C, from the RIE's start on: the RIE and the runtime it started stop too (they run in
  // groups of their own, which the terminal's signal does not reach).
  const interrupted = (code: number) => () => void stopRuntimes().finally(() => process.exit(code));
  process.once('SIGINT', interrupted(130)).once('SIGTERM', interrupted(143));
  const runtime = await startRuntime(bundle);
  const responses: FirehoseTransformationResult[] = [];
  let failed: string | undefined;
  try {
    for (const event of events) {
      const { status, body } = await runtime.invoke(event);
      const failure = body as { errorType?: string; errorMessage?: string };
      if (status !== 200 || failure.errorType) {
        failed =
          status === 200
            ? `handler error: ${failure.errorType}: ${failure.errorMessage}`
            : `the runtime failed (HTTP ${status}): ${JSON.stringify(body)}`;
        break;
      }
      responses.push(body as FirehoseTransformationResult);
    }
    process.stderr.write(runtime.output());
  } finally {
    // Before any exit: an exit here would leave the RIE running.
    await runtime.stop();
  }
  if (failed) {
    console.error(failed);
    process.exit(1);
  }
  console.error(`init ${runtime.initDurationMs()} ms (the RIE's INIT REPORT)`);
  return responses;
}

dropOutputOnceClosed();
// What the function prints (its log lines, its metrics), which Lambda sends to CloudWatch Logs,
// goes to standard error: standard output is the response alone, one JSON document with --json.
const responseOutput = process.stdout.write.bind(process.stdout);
process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
const responses =
  values.runtime === 'lambda' ? await invokeUnderLambdaRuntime() : await invokeInProcess();
process.stdout.write = responseOutput;
const problems = events.flatMap((event, i) =>
  contractProblems(event, responses[i] as FirehoseTransformationResult),
);
const decoded = { records: responses.flatMap((response) => response.records.map(decodeResult)) };
console.log(values.json ? JSON.stringify(decoded) : JSON.stringify(decoded, null, 2));
if (problems.length > 0) {
  console.error(`response breaks the Firehose contract:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
