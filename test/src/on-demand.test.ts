/**
 * The object path is loaded when first needed (src/on-demand.ts): each test here takes fresh
 * modules, where nothing has loaded it, and compares what they answer with the processor that has
 * it from the start (test/support/setup-env.ts).
 */
import { readFileSync } from 'node:fs';
import type { FirehoseTransformationEvent } from 'aws-lambda';
import { build } from 'esbuild';
import { BUILD_OPTIONS } from '../../scripts/build-options';
import { runBatch } from '../support/batches';
import { firehoseEvent } from '../support/firehose-event';

type Modules = {
  firehose: typeof import('../../src/firehose');
  config: typeof import('../../src/config');
  lambda: typeof import('../../src/lambda');
  onDemand: typeof import('../../src/on-demand');
};

/** The processor's modules as the function starts them: the object path not loaded. */
function freshModules(): Modules {
  let modules: Modules | undefined;
  jest.isolateModules(() => {
    modules = {
      firehose: require('../../src/firehose'),
      config: require('../../src/config'),
      lambda: require('../../src/lambda'),
      onDemand: require('../../src/on-demand'),
    };
  });
  return modules as Modules;
}

const event = (name: string) =>
  JSON.parse(readFileSync(`events/${name}`, 'utf8')) as FirehoseTransformationEvent;

const loaded = ({ onDemand }: Modules) => {
  try {
    onDemand.objectPath();
    return true;
  } catch (error) {
    if (error instanceof onDemand.NotLoaded) return false;
    throw error;
  }
};

describe('the object path, loaded when first needed', () => {
  it('is not loaded for a batch whose lines LOG_FORMAT reads one way', async () => {
    const modules = freshModules();
    const { firehose, config } = modules;
    const batch = event('default-format.json');
    const outcome = await firehose.createAsyncProcessor(config.readConfig({}))(batch);
    expect(outcome).toEqual(runBatch(batch));
    expect(loaded(modules)).toBe(false);
  });

  it('is not loaded for records of lines a format starting with `(` reads, several to a record', async () => {
    const modules = freshModules();
    const { firehose, config } = modules;
    const env = { LOG_FORMAT: '($context.requestId) $context.httpMethod $context.status' };
    const lines = ['(a1) GET 200', '(a2) POST 502', '(a3) GET 404'].join('\n');
    const batch = firehoseEvent([{ text: lines }, { text: lines }]);
    const outcome = await firehose.createAsyncProcessor(config.readConfig(env))(batch);
    expect(outcome).toEqual(runBatch(batch, env));
    expect(outcome.summary.eventsOut).toBe(6);
    expect(loaded(modules)).toBe(false);
  });

  it.each([
    'fallback.json',
    'bad-records.json',
    'execution-delivery.json',
    'execution-cloudwatch.json',
    'clf.json',
  ])(
    'is loaded by the first record of events/%s that needs it; the answer and its counts are those of a processor that had it',
    async (name) => {
      const modules = freshModules();
      const { firehose, config } = modules;
      const batch = event(name);
      const outcome = await firehose.createAsyncProcessor(config.readConfig({}))(batch);
      expect(loaded(modules)).toBe(true);
      // The whole outcome: a record transformed again is counted once (bytesIn, events, reasons).
      expect(outcome).toEqual(runBatch(batch));
    },
  );

  it('is loaded at init when a rule is set, and the rules apply from the first batch', async () => {
    const modules = freshModules();
    const env = { DROP_EVENTS: 'http_method=OPTIONS', REDACT: 'email' };
    expect(() => modules.config.readConfig(env)).toThrow(modules.onDemand.NotLoaded);
    const handler = await modules.lambda.createHandler(env);
    expect(loaded(modules)).toBe(true);
    const batch = event('default-format.json');
    expect(await handler(batch)).toEqual(runBatch(batch, env).response);
  });

  it('is not loaded at init without a rule', async () => {
    const modules = freshModules();
    await modules.lambda.createHandler({ LOG_FORMAT: '' });
    expect(loaded(modules)).toBe(false);
  });

  it('is never a record failure: a synchronous processor without it says so', () => {
    const { firehose, config, onDemand } = freshModules();
    const process = firehose.createProcessor(config.readConfig({}));
    expect(() => process(event('fallback.json'))).toThrow(onDemand.NotLoaded);
  });

  it("is a chunk of its own in the function's build, which init does not load", async () => {
    const { modules } = await loadedAtInit();
    expect(modules).toEqual(expect.arrayContaining(['src/write.ts', 'src/route.ts']));
    for (const module of ['object-path', 'parse', 'execution', 'rules', 'redact']) {
      expect(modules).not.toContain(`src/${module}.ts`);
    }
  });
});

describe("Node.js's modules at init", () => {
  it("are only Powertools' logger's: the processor's own load on first use (src/builtins.ts)", async () => {
    // A static import of one (node:util for promisify, node:zlib) loads it in every cold start.
    const { builtins } = await loadedAtInit();
    expect(builtins).toEqual(['node:console', 'node:crypto']);
  });
});

/**
 * What the function's init loads: the build's entry and every chunk it imports statically, the
 * modules bundled into them, and the Node.js modules they import statically.
 */
async function loadedAtInit(): Promise<{ modules: string[]; builtins: string[] }> {
  const { metafile } = await build({ ...BUILD_OPTIONS, write: false, metafile: true });
  const { outputs } = metafile;
  const entry = Object.keys(outputs).find(
    (file) => outputs[file]?.entryPoint === 'src/handler.ts',
  ) as string;
  const atInit = new Set<string>();
  const builtins = new Set<string>();
  const visit = (file: string) => {
    if (atInit.has(file)) return;
    atInit.add(file);
    for (const { path, kind, external } of outputs[file]?.imports ?? []) {
      if (kind !== 'import-statement') continue;
      if (external) builtins.add(path);
      else if (outputs[path]) visit(path);
    }
  };
  visit(entry);
  return {
    modules: [...atInit].flatMap((file) => Object.keys(outputs[file]?.inputs ?? {})),
    builtins: [...builtins].sort(),
  };
}
