/**
 * `npm run bench [-- --json]`: the built handler (dist/handler.mjs, as Lambda runs it) against
 *  - the strict floor, the headline: only what no implementation can skip, each the fastest way
 *    Node.js has: atob of every record (gunzip of gzip records), btoa of the output text already
 *    written, JSON.stringify of the response;
 *  - the floor: base64-decoding every record (and gunzipping CloudWatch records), JSON.stringify of
 *    the same output objects prebuilt, base64-encoding them and serialising the response: the work
 *    no implementation can skip; with Buffer, and again with atob and btoa for ASCII text, the
 *    fastest way Node has (and the handler's);
 *  - a naive baseline in the style of the classic Firehose blueprints: split on `, ` and `: `,
 *    a Date parse per line. It only reads key-value lines correctly; on other formats it is timed
 *    for the same bytes.
 * All in one process, interleaved, after warm-up; median and p10–p90 spread.
 * Also: the code loaded at init, module init time (in a bare process and on the runtime's Node.js),
 * the cold start under Lambda's runtime interface, each beside the same measure of a function that
 * does nothing (its floor) and of one that only starts Powertools' Logger and Metrics, peak RSS for a 6 MB batch, and the cost per GB of logs.
 * `-- --only <batch>`: one batch; `-- --rounds 5`: each batch measured five times over, the median
 * round shown (the headline: `npm run bench -- --only default --rounds 5`).
 * `-- --runtime-node`: all of it on the Node.js of the template's runtime (24), which Lambda runs
 * the function on, rather than on the Node.js that runs npm.
 * `-- --soak [--batches 3000]`: the soak run of bench/soak.ts instead.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { getHeapStatistics } from 'node:v8';
import type { FirehoseTransformationEvent, FirehoseTransformationResult } from 'aws-lambda';
import { RUNTIME_NODE } from '../scripts/lambda-runtime';
import { DEFAULT_FORMAT, gunzippedText, splitEventLines } from '../src/surface';
import { type BenchmarkBatch, benchmarkBatches, hostileUserAgentBatch } from './batches';
import {
  emptyFunction,
  FUNCTION_MEMORY_MB,
  freshHandler,
  inflatingRun,
  initCodeBytes,
  initTimeMs,
  LAMBDA_NODE_FLAGS,
  peakRssMB,
  powertoolsFunction,
  rieInitMs,
  runtimeInitMs,
  sixMegabyteBatch,
} from './measure';
import { soak, soakBatches } from './soak';

type Handler = (event: FirehoseTransformationEvent) => Promise<FirehoseTransformationResult>;

const USAGE =
  'usage: npm run bench -- [--only <batch>] [--rounds N] [--runs N] [--runtime-node] [--json] | --soak [--batches N]';

/** The command line, or the usage: on standard output for --help (exit 0), else standard error (2). */
function commandLine() {
  try {
    const { values } = parseArgs({
      options: {
        json: { type: 'boolean', default: false },
        runs: { type: 'string', default: '40' },
        only: { type: 'string' },
        rounds: { type: 'string', default: '1' },
        soak: { type: 'boolean', default: false },
        'runtime-node': { type: 'boolean', default: false },
        batches: { type: 'string', default: '3000' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    // The batches, and `hostile`: the REDACT measurement alone.
    const names = [...benchmarkBatches(0).map(([name]) => name), 'hostile'];
    if (values.help) {
      console.log(`${USAGE}\nbatches: ${names.join(', ')}`);
      process.exit(0);
    }
    if (!values.only || names.includes(values.only)) return values;
    console.error(`no batch ${values.only}`);
  } catch (error) {
    console.error((error as Error).message);
  }
  console.error(USAGE);
  process.exit(2);
}
const options = commandLine();

if (options['runtime-node'] && realpathSync(process.execPath) !== realpathSync(RUNTIME_NODE)) {
  // The Node.js Lambda runs the function on (the template's runtime): this process again, there.
  execFileSync('bash', ['scripts/lambda-node.sh', '--install'], { stdio: 'inherit' });
  const there = spawnSync(RUNTIME_NODE, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
  });
  process.exit(there.status ?? 1);
}
if (options.soak && !LAMBDA_NODE_FLAGS.every((flag) => process.execArgv.includes(flag))) {
  // The soak runs with the heap Lambda gives the function: this process again, under its flags.
  const flagged = spawnSync(
    process.execPath,
    [...process.execArgv, ...LAMBDA_NODE_FLAGS, ...process.argv.slice(1)],
    { stdio: 'inherit' },
  );
  process.exit(flagged.status ?? 1);
}
const RUNS = Number(options.runs);
const WARMUP = 15;
const BATCH_BYTES = 1024 * 1024;
const BUNDLE = resolve('dist/handler.mjs');

/**
 * Prices for us-east-1 as AWS lists them (checked 2026-11-24): Lambda arm64 duration per GB-second
 * and requests; Firehose Direct PUT ingestion per GB, first 500 TB/month, where every record is
 * billed as at least 5 KB.
 */
const PRICE = {
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaPerRequest: 0.2 / 1_000_000,
  firehosePerGb: 0.029,
  firehoseRecordMinimumBytes: 5 * 1024,
};
/** Lambda gives a function one full vCPU at 1,769 MB and a share in proportion below that. */
const LAMBDA_FULL_VCPU_MB = 1769;

process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

/** A handler of its own for each case (freshHandler), its init reading this LOG_FORMAT. */
function loadHandler(logFormat: string): Promise<Handler> {
  return freshHandler<Handler>(BUNDLE, { LOG_FORMAT: logFormat });
}

function decodeData(data: string): string {
  const bytes = Buffer.from(data, 'base64');
  return gunzippedText(bytes);
}

/** The output objects the handler produced, per record, for the floor to serialise again. */
function prebuiltOutputs(response: FirehoseTransformationResult): (object[] | undefined)[] {
  return response.records.map((record) =>
    record.result === 'Ok'
      ? splitEventLines(Buffer.from(record.data ?? '', 'base64').toString('utf8')).map(
          (line) => JSON.parse(line) as object,
        )
      : undefined,
  );
}

/**
 * How the floor turns base64 into text and back: with Buffer, as the floor always has, or, for
 * ASCII text, with atob and btoa, Node's fastest way for it (the handler's own, src/decode.ts and
 * src/encode.ts).
 */
type Base64Way = 'buffer' | 'atob';

function decodeFast(data: string): string {
  if (!data.startsWith('H4')) {
    const text = atob(data);
    if (Buffer.byteLength(text) === text.length) return text;
  }
  return decodeData(data);
}

function encodeFast(text: string): string {
  return Buffer.byteLength(text) === text.length
    ? btoa(text)
    : Buffer.from(text).toString('base64');
}

function floor(
  event: FirehoseTransformationEvent,
  outputs: (object[] | undefined)[],
  way: Base64Way = 'buffer',
): string {
  const records = event.records.map((record, i) => {
    if (way === 'buffer') decodeData(record.data);
    else decodeFast(record.data);
    const objects = outputs[i];
    if (!objects) return { recordId: record.recordId, result: 'Dropped', data: '' };
    let text = '';
    for (const object of objects) text += `${JSON.stringify(object)}\n`;
    const data = way === 'buffer' ? Buffer.from(text).toString('base64') : encodeFast(text);
    return { recordId: record.recordId, result: 'Ok', data };
  });
  return JSON.stringify({ records });
}

/**
 * The strict floor: only what no implementation can skip, each done the fastest way Node.js has:
 * every record's data decoded (atob for ASCII text, gunzip for gzip records), the output text
 * (each record's event lines, written beforehand) encoded with btoa, the response serialised.
 */
function strictFloor(event: FirehoseTransformationEvent, texts: (string | undefined)[]): string {
  const records = event.records.map((record, i) => {
    decodeFast(record.data);
    const text = texts[i];
    if (text === undefined) return { recordId: record.recordId, result: 'Dropped', data: '' };
    return { recordId: record.recordId, result: 'Ok', data: encodeFast(text) };
  });
  return JSON.stringify({ records });
}

/** Split-on-`, ` key-value parsing with a Date parse per line, like the classic blueprints. */
function naiveLine(line: string): string {
  const fields: Record<string, string> = {};
  for (const part of line.split(', ')) {
    const colon = part.indexOf(': ');
    if (colon > 0) fields[part.slice(0, colon)] = part.slice(colon + 2);
  }
  const time = fields.RequestTime ?? '';
  fields.timestamp = String(Date.parse(time.replace(/\//g, ' ').replace(':', ' ')));
  return JSON.stringify(fields);
}

function naive(event: FirehoseTransformationEvent): string {
  const records = event.records.map((record) => {
    const text = decodeData(record.data);
    let lines: string[];
    if (text.startsWith('{"messageType"')) {
      const envelope = JSON.parse(text) as { logEvents: { message: string }[] };
      lines = envelope.logEvents.map((logEvent) => logEvent.message);
    } else {
      lines = [text.trim()];
    }
    const out = `${lines.map(naiveLine).join('\n')}\n`;
    return { recordId: record.recordId, result: 'Ok', data: Buffer.from(out).toString('base64') };
  });
  return JSON.stringify({ records });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

interface Timing {
  median: number;
  p10: number;
  p90: number;
}

function summarise(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    median: percentile(sorted, 0.5),
    p10: percentile(sorted, 0.1),
    p90: percentile(sorted, 0.9),
  };
}

interface CaseResult {
  name: string;
  lines: number;
  inputMB: number;
  handler: Timing;
  floor: Timing;
  /** The floor with atob and btoa for ASCII text. */
  fastFloor: Timing;
  /** Only the unskippable work, the fastest way: atob, btoa of the text written, the response. */
  strictFloor: Timing;
  naive: Timing;
  linesPerSecond: number;
  mbPerSecond: number;
  handlerOverFloor: number;
  handlerOverFastFloor: number;
  handlerOverStrictFloor: number;
  handlerOverNaive: number;
}

async function measureCase(
  name: string,
  format: string,
  event: FirehoseTransformationEvent,
): Promise<CaseResult> {
  const handler = await loadHandler(format);
  const first = await handler(event);
  const outputs = prebuiltOutputs(first);
  // Each Ok record's text as the handler wrote it, made flat once: the strict floor's input.
  const texts = first.records.map((record) =>
    record.result === 'Ok' ? decodeData(record.data ?? '').slice(0) : undefined,
  );
  const lines = outputs.reduce((sum, objects) => sum + (objects?.length ?? 0), 0);
  const inputBytes = event.records.reduce((sum, record) => sum + decodeData(record.data).length, 0);
  const contenders = {
    handler: async () => JSON.stringify(await handler(event)), // Lambda serialises the response too
    floor: () => floor(event, outputs),
    fastFloor: () => floor(event, outputs, 'atob'),
    strictFloor: () => strictFloor(event, texts),
    naive: () => naive(event),
  };
  const samples = {
    handler: [] as number[],
    floor: [] as number[],
    fastFloor: [] as number[],
    strictFloor: [] as number[],
    naive: [] as number[],
  };
  for (let run = 0; run < WARMUP + RUNS; run++) {
    for (const [key, contender] of Object.entries(contenders) as [
      keyof typeof contenders,
      () => unknown,
    ][]) {
      const start = performance.now();
      await contender();
      if (run >= WARMUP) samples[key].push(performance.now() - start);
    }
  }
  const [handlerTiming, floorTiming, fastFloorTiming, strictTiming, naiveTiming] = [
    summarise(samples.handler),
    summarise(samples.floor),
    summarise(samples.fastFloor),
    summarise(samples.strictFloor),
    summarise(samples.naive),
  ];
  return {
    name,
    lines,
    inputMB: inputBytes / 1024 / 1024,
    handler: handlerTiming,
    floor: floorTiming,
    fastFloor: fastFloorTiming,
    strictFloor: strictTiming,
    naive: naiveTiming,
    linesPerSecond: lines / (handlerTiming.median / 1000),
    mbPerSecond: inputBytes / 1024 / 1024 / (handlerTiming.median / 1000),
    handlerOverFloor: handlerTiming.median / floorTiming.median,
    handlerOverFastFloor: handlerTiming.median / fastFloorTiming.median,
    handlerOverStrictFloor: handlerTiming.median / strictTiming.median,
    handlerOverNaive: handlerTiming.median / naiveTiming.median,
  };
}

/** DROP_EVENTS, SAMPLE and REDACT as a user would set them (README, "Keep what matters"). */
export const TYPICAL_RULES = {
  DROP_EVENTS: 'http_method=OPTIONS; resource_path=/health|/ping; user_agent~^ELB-HealthChecker',
  SAMPLE: 'status_class=2xx:0.1',
  REDACT: 'email',
};

interface RulesResult {
  without: Timing;
  with: Timing;
  ratio: number;
  eventsWithout: number;
  eventsWith: number;
}

/**
 * Every REDACT class on a batch of requests whose user agent is the shape that made a
 * backtracking scan quadratic: `aaaa…a@:` of 9,000 bytes, under API Gateway's header limit.
 */
export const HOSTILE_REDACT = { REDACT: 'email;jwt;bearer;ipv4;ipv6;uuid' };
/** The same with an expression of the user's, which runs on RE2JS. */
export const HOSTILE_REDACT_EXPRESSION = {
  REDACT: `${HOSTILE_REDACT.REDACT};card~\\b\\d{13,16}\\b`,
};

/** The handler with `settings` against the same handler without them, interleaved. */
async function measureRules(
  event: FirehoseTransformationEvent,
  settings: Record<string, string> = TYPICAL_RULES,
): Promise<RulesResult> {
  const plain = await loadHandler(DEFAULT_FORMAT);
  Object.assign(process.env, settings);
  const ruled = await loadHandler(DEFAULT_FORMAT);
  for (const name of Object.keys(settings)) delete process.env[name];
  const events = async (handler: Handler) =>
    prebuiltOutputs(await handler(event)).reduce((sum, objects) => sum + (objects?.length ?? 0), 0);
  const samples = { without: [] as number[], with: [] as number[] };
  for (let run = 0; run < WARMUP + RUNS; run++) {
    let start = performance.now();
    JSON.stringify(await plain(event));
    const withoutMs = performance.now() - start;
    start = performance.now();
    JSON.stringify(await ruled(event));
    const withMs = performance.now() - start;
    if (run >= WARMUP) {
      samples.without.push(withoutMs);
      samples.with.push(withMs);
    }
  }
  const without = summarise(samples.without);
  const withRules = summarise(samples.with);
  return {
    without,
    with: withRules,
    ratio: withRules.median / without.median,
    eventsWithout: await events(plain),
    eventsWith: await events(ruled),
  };
}

function costPerGb(result: CaseResult) {
  // CPU time per GB of log lines measured here, stretched to the CPU share of the template's memory.
  const cpuSecondsPerGb = (result.handler.median / 1000) * (1024 / result.inputMB);
  const durationSecondsPerGb =
    cpuSecondsPerGb * Math.max(1, LAMBDA_FULL_VCPU_MB / FUNCTION_MEMORY_MB);
  const invocationsPerGb = 1024 / result.inputMB;
  const lambda =
    durationSecondsPerGb * (FUNCTION_MEMORY_MB / 1024) * PRICE.lambdaArmPerGbSecond +
    invocationsPerGb * PRICE.lambdaPerRequest;
  const averageLine = (result.inputMB * 1024 * 1024) / result.lines;
  const firehose =
    PRICE.firehosePerGb * Math.max(1, PRICE.firehoseRecordMinimumBytes / averageLine);
  // The share of the floor with atob and btoa at the same rates: what no implementation can go
  // below.
  const least = Math.min(result.floor.median, result.fastFloor.median);
  const floorLambda = lambda * (least / result.handler.median);
  return {
    lambda,
    floorLambda,
    firehoseBilled: firehose,
    firehoseList: PRICE.firehosePerGb,
    averageLine,
  };
}

const cases = benchmarkBatches(BATCH_BYTES);

if (options.soak) {
  const report = await soak(
    await loadHandler(DEFAULT_FORMAT),
    soakBatches(BATCH_BYTES),
    Number(options.batches),
  );
  const f = (n: number) => n.toFixed(1);
  if (options.json) console.log(JSON.stringify(report, null, 2));
  else {
    console.log(
      `Soak: ${report.batches} batches of ~1 MB (every format, CloudWatch gzip, hostile records) through one handler, with the V8 flags of a ${FUNCTION_MEMORY_MB} MB function (${LAMBDA_NODE_FLAGS.join(' ')}; heap limit ${f(getHeapStatistics().heap_size_limit / 1024 / 1024)} MB).`,
    );
    console.log(`| measure | warm (a tenth in) | half way | end |`);
    console.log('|---|---:|---:|---:|');
    for (const [name, values] of [
      ['heap after full GC', report.heapMB],
      ['RSS', report.rssMB],
    ] as const) {
      console.log(
        `| ${name} | ${f(values.start)} MB | ${f(values.middle)} MB | ${f(values.end)} MB |`,
      );
    }
    console.log(
      `Throughput: ${f(report.mbPerSecond)} MB/s (${f(report.inputMB)} MB in ${f(report.seconds)} s).`,
    );
  }
  if (report.grew) {
    console.error(
      `memory grew: heap ${f(report.heapMB.start)} → ${f(report.heapMB.end)} MB after full GC`,
    );
    process.exit(1);
  }
  process.exit(0);
}

/**
 * A case measured `--rounds` times over (each round interleaved anew): the round whose
 * handler ÷ strict floor is the median, with every round's ratio.
 */
async function measureRounds(
  name: string,
  format: string,
  event: FirehoseTransformationEvent,
): Promise<CaseResult & { strictRounds: number[] }> {
  const rounds: CaseResult[] = [];
  for (let round = 0; round < Math.max(1, Number(options.rounds)); round++) {
    rounds.push(await measureCase(name, format, event));
  }
  const sorted = [...rounds].sort((a, b) => a.handlerOverStrictFloor - b.handlerOverStrictFloor);
  const median = sorted[Math.floor(sorted.length / 2)] as CaseResult;
  return { ...median, strictRounds: rounds.map((round) => round.handlerOverStrictFloor) };
}

const results: (CaseResult & { strictRounds: number[] })[] = [];
for (const [name, format, build] of cases) {
  if (!options.only || options.only === name)
    results.push(await measureRounds(name, format, build()));
}
const rules =
  !options.only || options.only === 'default'
    ? await measureRules((cases[0] as BenchmarkBatch)[2]())
    : undefined;
const initCode = initCodeBytes(BUNDLE);
const initMs = initTimeMs(BUNDLE);
const runtimeInit = runtimeInitMs(BUNDLE);
const rieInit = await rieInitMs(BUNDLE, (line) => console.error(line));
const EMPTY = emptyFunction();
const emptyInit = {
  initMs: initTimeMs(EMPTY),
  runtimeInitMs: runtimeInitMs(EMPTY),
  rieInitMs: await rieInitMs(EMPTY),
};
const POWERTOOLS = await powertoolsFunction();
const powertoolsInit = {
  codeBytes: initCodeBytes(POWERTOOLS),
  initMs: initTimeMs(POWERTOOLS),
  runtimeInitMs: runtimeInitMs(POWERTOOLS),
  rieInitMs: await rieInitMs(POWERTOOLS),
};
const rss = peakRssMB(BUNDLE, sixMegabyteBatch());
const hostile = !options.only || options.only === 'hostile';
const hostileRedact = hostile
  ? await measureRules(hostileUserAgentBatch(BATCH_BYTES), HOSTILE_REDACT)
  : undefined;
const hostileExpression = hostile
  ? await measureRules(hostileUserAgentBatch(BATCH_BYTES), HOSTILE_REDACT_EXPRESSION)
  : undefined;
const gzipRss = peakRssMB(BUNDLE, inflatingRun());
// The cost is the default batch's: with `--only` another batch, there is none to give.
const defaultResult = results.find((result) => result.name === 'default');
const cost = defaultResult && costPerGb(defaultResult);

const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}`;
const report = {
  machine,
  runs: RUNS,
  results,
  rules,
  initCodeBytes: initCode,
  initMs,
  runtimeInitMs: runtimeInit,
  rieInitMs: rieInit,
  emptyInit,
  powertoolsInit,
  rss,
  hostileRedact,
  hostileExpression,
  gzipRss,
  cost,
  prices: PRICE,
};

if (options.json) {
  console.log(JSON.stringify(report, null, 2));
} else {
  const f = (n: number, digits = 1) => n.toFixed(digits);
  console.log(
    `Machine: ${machine}; ${RUNS} timed runs per case after ${WARMUP} warm-up runs; ~1 MB batches.\n`,
  );
  console.log(
    '| batch | lines | handler ms (p10–p90) | strict floor ms | floor ms | floor, atob/btoa ms | naive ms | lines/s | MB/s | **handler ÷ strict floor** | handler ÷ floor | handler ÷ floor, atob/btoa | handler ÷ naive |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    console.log(
      `| ${r.name} | ${r.lines} | ${f(r.handler.median)} (${f(r.handler.p10)}–${f(r.handler.p90)}) | ${f(r.strictFloor.median)} | ${f(r.floor.median)} | ${f(r.fastFloor.median)} | ${f(r.naive.median)} | ${Math.round(r.linesPerSecond).toLocaleString('en-US')} | ${f(r.mbPerSecond)} | **${f(r.handlerOverStrictFloor, 2)}** | ${f(r.handlerOverFloor, 2)} | ${f(r.handlerOverFastFloor, 2)} | ${f(r.handlerOverNaive, 2)} |`,
    );
  }
  if (Number(options.rounds) > 1) {
    console.log('');
    for (const r of results) {
      console.log(
        `${r.name}: handler ÷ strict floor in ${r.strictRounds.length} rounds: ${r.strictRounds.map((ratio) => f(ratio, 2)).join(', ')}; the table shows the median round`,
      );
    }
  }
  if (rules) {
    console.log('');
    console.log(
      `Default batch with typical rules (${Object.entries(TYPICAL_RULES)
        .map(([name, value]) => `${name}=${value}`)
        .join(', ')}):`,
    );
    console.log('');
    console.log('| batch | events out | handler ms (p10–p90) | with rules ÷ without |');
    console.log('|---|---:|---:|---:|');
    console.log(
      `| default, no rules | ${rules.eventsWithout} | ${f(rules.without.median)} (${f(rules.without.p10)}–${f(rules.without.p90)}) | 1.00 |`,
    );
    console.log(
      `| default, typical rules | ${rules.eventsWith} | ${f(rules.with.median)} (${f(rules.with.p10)}–${f(rules.with.p90)}) | ${f(rules.ratio, 2)} |`,
    );
  }
  if (hostileRedact && hostileExpression) {
    console.log('');
    console.log(
      'Hostile batch (~1 MB, every user agent `aaaa…a@:` of 9,000 bytes) with REDACT against the same batch without it:',
    );
    console.log('');
    console.log('| REDACT | events out | handler ms (p10–p90) | with REDACT ÷ without |');
    console.log('|---|---:|---:|---:|');
    const h = hostileRedact;
    console.log(
      `| none | ${h.eventsWithout} | ${f(h.without.median)} (${f(h.without.p10)}–${f(h.without.p90)}) | 1.00 |`,
    );
    for (const [settings, result] of [
      [HOSTILE_REDACT, hostileRedact],
      [HOSTILE_REDACT_EXPRESSION, hostileExpression],
    ] as const) {
      console.log(
        `| \`${settings.REDACT}\` | ${result.eventsWith} | ${f(result.with.median)} (${f(result.with.p10)}–${f(result.with.p90)}) | ${f(result.ratio, 2)} |`,
      );
    }
  }
  console.log('');
  console.log(`| measure | value |`);
  console.log('|---|---:|');
  console.log(
    `| code loaded at init (dist/handler.mjs and the chunks it imports, minified) | ${f(initCode / 1024)} KB |`,
  );
  const ms = (value: number | string) => (typeof value === 'number' ? `${f(value)} ms` : value);
  const powertools =
    "a function that only starts Powertools' Logger and Metrics, as the handler does at init";
  console.log(`| … ${powertools}, built the same way | ${f(powertoolsInit.codeBytes / 1024)} KB |`);
  const empty = 'an empty function measured the same way: what no bundle can make shorter';
  const same = `${powertools}, measured the same way`;
  console.log(`| module init (import in a fresh process, median of 9) | ${f(initMs)} ms |`);
  console.log(`| … ${empty} (Node.js's module loader starting) | ${ms(emptyInit.initMs)} |`);
  console.log(`| … ${same} | ${ms(powertoolsInit.initMs)} |`);
  console.log(
    `| module init on the runtime's Node.js, after the modules its runtime client loads first (median of 15) | ${ms(runtimeInit)} |`,
  );
  console.log(`| … ${empty} | ${ms(emptyInit.runtimeInitMs)} |`);
  console.log(`| … ${same} | ${ms(powertoolsInit.runtimeInitMs)} |`);
  console.log(
    `| cold start under Lambda's runtime interface (RIE INIT REPORT, the runtime's Node.js, median of 5) | ${ms(rieInit)} |`,
  );
  console.log(`| … ${empty} (the runtime's own start) | ${ms(emptyInit.rieInitMs)} |`);
  console.log(`| … ${same} | ${ms(powertoolsInit.rieInitMs)} |`);
  const heap = `V8 flags of a ${FUNCTION_MEMORY_MB} MB function: ${LAMBDA_NODE_FLAGS.join(' ')}`;
  console.log(`| peak RSS, one ${f(rss.eventMB, 2)} MB batch (${heap}) | ${f(rss.peakMB)} MB |`);
  console.log(
    `| peak RSS, 200 gzip records each inflating to 4 MiB (${f(gzipRss.eventMB, 2)} MB batch; ${heap}) | ${f(gzipRss.peakMB)} MB |`,
  );
  if (cost) {
    console.log(
      `| processor cost per GB of logs (${FUNCTION_MEMORY_MB} MB arm64, default format) | $${cost.lambda.toFixed(5)} |`,
    );
    console.log(`| Firehose ingestion, list price per GB | $${cost.firehoseList.toFixed(3)} |`);
    console.log(
      `| Firehose ingestion per GB of ${Math.round(cost.averageLine)}-byte lines (5 KB minimum per record) | $${cost.firehoseBilled.toFixed(3)} |`,
    );
    console.log(
      `| processor cost ÷ Firehose list price | ${f((cost.lambda / cost.firehoseList) * 100, 2)}% |`,
    );
    console.log(
      `| floor cost ÷ Firehose list price (the floor with atob/btoa: the least any processor costs) | ${f((cost.floorLambda / cost.firehoseList) * 100, 2)}% |`,
    );
    console.log(
      `| processor cost ÷ Firehose as billed for these lines | ${f((cost.lambda / cost.firehoseBilled) * 100, 2)}% |`,
    );
  }
}
