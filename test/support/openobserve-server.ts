/**
 * A real OpenObserve server on 127.0.0.1 for the tests whose subject is what OpenObserve does with
 * what the project sends it (docs/contracts.md §5, §6). One server per test file, started in its
 * `beforeAll` and stopped by process id in its `afterAll`, with a data folder of its own that is
 * removed afterwards.
 *
 * The binary: `OPENOBSERVE_BIN`, else `../shared/openobserve/` beside the repository (OpenObserve
 * v0.90.0 for Linux x86-64, gzipped), unpacked once into `node_modules/.openobserve/`; for the web
 * UI, the build that reads it from disk and the UI's files (`OPENOBSERVE_UI_BIN`,
 * `OPENOBSERVE_WEB_DIST`, or the same folder). Without one, the tests that need it are skipped and
 * say why.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { freePort } from '../../scripts/lambda-runtime';
import { type OpenObserveApi, openObserveApi } from '../../tools/openobserve/api';
import { DEFAULT_DELIVERY, deliverBatch } from '../../tools/openobserve/firehose-endpoint';

/** The version in ../shared/openobserve/, and where OpenObserve publishes its releases. */
export const OPENOBSERVE_VERSION = 'v0.90.0';
const SHARED = resolve('../shared/openobserve');
const CACHE = resolve('node_modules/.openobserve');

/** The builds ../shared/openobserve/ holds, with the sha256 its README gives for each. */
const SHARED_BUILDS = {
  api: {
    gzip: join(SHARED, 'openobserve-v0.90.0-linux-x86_64.gz'),
    sha256: 'd8f8e80ea7347d767d16916371a8271136a74776138c16266929d8885044f0c8',
  },
  // The same server reading its web UI from ./web/dist/ at run time, and that UI (`dist/`).
  ui: {
    gzip: join(SHARED, 'openobserve-v0.90.0-ui-linux-x86_64.gz'),
    sha256: 'b29d14a7f858c94f1543c2ddc070d5b9348de604426af6ed87d0363c1dcefa6c',
    web: join(SHARED, 'openobserve-web-v0.90.0.tar.gz'),
    webSha256: 'fd54682bbc185639852a76e93b8819021bbddc143a36ca6176c2d6f2628ea2c1',
  },
} as const;

type Binary =
  | {
      readonly path: string;
      readonly gzip?: string;
      readonly sha256?: string;
      /** The web UI's `dist/` folder, and the tarball it is unpacked from. */
      readonly web?: { readonly dist: string; readonly tarball?: string; readonly sha256?: string };
    }
  | { readonly missing: string };

/**
 * Where the binary is, or why there is none: OPENOBSERVE_BIN (OPENOBSERVE_UI_BIN and
 * OPENOBSERVE_WEB_DIST for the web UI), else ../shared/openobserve/. Decided once per test file.
 */
function findBinary(ui: boolean): Binary {
  const fromEnv = ui ? process.env.OPENOBSERVE_UI_BIN : process.env.OPENOBSERVE_BIN;
  const webFromEnv = process.env.OPENOBSERVE_WEB_DIST;
  if (fromEnv) {
    if (!existsSync(fromEnv)) return { missing: `${fromEnv} does not exist` };
    if (!ui) return { path: resolve(fromEnv) };
    return webFromEnv && existsSync(join(webFromEnv, 'index.html'))
      ? { path: resolve(fromEnv), web: { dist: resolve(webFromEnv) } }
      : { missing: "OPENOBSERVE_WEB_DIST must name the web UI's dist/ folder" };
  }
  const build = ui ? SHARED_BUILDS.ui : SHARED_BUILDS.api;
  if (!existsSync(build.gzip) || ('web' in build && !existsSync(build.web))) {
    return {
      missing: ui
        ? `no OpenObserve with its web UI: set OPENOBSERVE_UI_BIN and OPENOBSERVE_WEB_DIST (docs/development.md)`
        : `no OpenObserve binary: set OPENOBSERVE_BIN to OpenObserve ${OPENOBSERVE_VERSION} (docs/development.md)`,
    };
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return {
      missing: `${build.gzip} is for Linux x86-64; set ${ui ? 'OPENOBSERVE_UI_BIN' : 'OPENOBSERVE_BIN'}`,
    };
  }
  const name = (file: string, sha256: string) => join(CACHE, `${file}-${sha256.slice(0, 12)}`);
  return {
    path: name(`openobserve-${OPENOBSERVE_VERSION}${ui ? '-ui' : ''}`, build.sha256),
    gzip: build.gzip,
    sha256: build.sha256,
    web:
      'web' in build
        ? {
            dist: join(name(`web-${OPENOBSERVE_VERSION}`, build.webSha256), 'dist'),
            tarball: build.web,
            sha256: build.webSha256,
          }
        : undefined,
  };
}

/**
 * Unpacks `gzip` to `target` once, checking its sha256. Test files run in parallel workers: each
 * unpacks to a name of its own in the same folder and renames it into place, so no process ever
 * starts a half-written binary.
 */
export function unpackBinary(gzip: string, target: string, sha256: string): void {
  if (existsSync(target)) return;
  const bytes = gunzipSync(readFileSync(gzip));
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== sha256) throw new Error(`${gzip} unpacks to sha256 ${actual}, expected ${sha256}`);
  mkdirSync(resolve(target, '..'), { recursive: true });
  const partial = `${target}.${process.pid}-${randomUUID().slice(0, 8)}.partial`;
  writeFileSync(partial, bytes);
  chmodSync(partial, 0o755);
  renameSync(partial, target);
}

/**
 * Unpacks the web UI's tarball once, checking its sha256, into the folder that holds `dist`;
 * renamed into place as the binary is.
 */
function unpackWeb(tarball: string, dist: string, sha256: string): void {
  if (existsSync(dist)) return;
  const bytes = readFileSync(tarball);
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== sha256) throw new Error(`${tarball} has sha256 ${actual}, expected ${sha256}`);
  const folder = resolve(dist, '..');
  const partial = `${folder}.${process.pid}-${randomUUID().slice(0, 8)}.partial`;
  mkdirSync(partial, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', partial]);
  try {
    renameSync(partial, folder);
  } catch (error) {
    // Another worker put it in place first.
    rmSync(partial, { recursive: true, force: true });
    if (!existsSync(dist)) throw error;
  }
}

export interface RealOpenObserveOptions {
  /** ZO_INGEST_ALLOWED_UPTO: events older than this many hours are dropped (default 5, §5). */
  readonly ingestWindowHours?: number;
  /** The build that serves its web UI at /web/ (for the browser), not the API-only one. */
  readonly ui?: boolean;
  /** ZO_FORMAT_STREAM_NAME_TO_LOWERCASE=false: stream names keep their capitals (§6). */
  readonly keepsStreamCapitals?: boolean;
  /** ZO_BASE_URI: served under this path (`/openobserve`), as behind a proxy; `url` includes it. */
  readonly basePath?: string;
}

export interface RealOpenObserve {
  readonly url: string;
  readonly pid: number;
  readonly user: string;
  readonly password: string;
  /** The Firehose Access Key: base64 of user and ingestion token (§5). */
  readonly accessKey: string;
  firehoseUrl(stream: string, org?: string): string;
  /** The management and search API as the root user. */
  api(): OpenObserveApi;
  /** Sends event lines (one record each) the way Firehose sends them; resolves on HTTP 200. */
  send(stream: string, lines: readonly string[], org?: string): Promise<void>;
  /** Rows of a search over [startUs, endUs) (epoch microseconds); throws on an error answer. */
  search(
    sql: string,
    startUs: number,
    endUs: number,
    org?: string,
  ): Promise<Record<string, unknown>[]>;
  /** A new organization's id: a test's own, untouched by the file's other tests. */
  createOrganization(name: string): Promise<string>;
  stop(): Promise<void>;
}

const USER = 'root@example.com';
const PASSWORD = 'Complexpass#123';
const TOKEN = 'ingest-token-123';

async function start(
  path: string,
  options: RealOpenObserveOptions,
  webDist?: string,
): Promise<RealOpenObserve> {
  const [httpPort, grpcPort] = [await freePort(), await freePort()];
  const data = mkdtempSync(join(tmpdir(), 'openobserve-'));
  // The UI build reads its web UI from ./web/dist/ of the folder it starts in.
  if (webDist) {
    mkdirSync(join(data, 'web'));
    symlinkSync(webDist, join(data, 'web', 'dist'));
  }
  const output: string[] = [];
  const child: ChildProcess = spawn(path, [], {
    cwd: data,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      TMPDIR: data,
      ZO_ROOT_USER_EMAIL: USER,
      ZO_ROOT_USER_PASSWORD: PASSWORD,
      ZO_ROOT_USER_TOKEN: TOKEN,
      ZO_DATA_DIR: `${data}/`,
      ZO_HTTP_ADDR: '127.0.0.1',
      ZO_HTTP_PORT: String(httpPort),
      ZO_GRPC_ADDR: '127.0.0.1',
      ZO_GRPC_PORT: String(grpcPort),
      ZO_LOCAL_MODE: 'true',
      ZO_LOCAL_MODE_STORAGE: 'disk',
      ZO_TELEMETRY: 'false',
      ZO_MMDB_DISABLE_DOWNLOAD: 'true',
      ZO_USAGE_REPORTING_ENABLED: 'false',
      // An alert destination may then be a webhook on 127.0.0.1.
      ZO_SSRF_ALLOW_LOOPBACK: 'true',
      // Search reads the in-memory table, so events are searchable at once; these move them to
      // files within seconds too, so nothing depends on the default ten minutes.
      ZO_MEM_PERSIST_INTERVAL: '1',
      ZO_FILE_PUSH_INTERVAL: '2',
      ZO_MAX_FILE_RETENTION_TIME: '10',
      // Search caches results for time ranges it takes as settled; replayed events arrive into
      // such ranges, and a test searches the same range again after sending more.
      ZO_RESULT_CACHE_ENABLED: 'false',
      ZO_LOG_LEVEL: 'warn',
      ...(options.ingestWindowHours
        ? { ZO_INGEST_ALLOWED_UPTO: String(options.ingestWindowHours) }
        : {}),
      ...(options.keepsStreamCapitals ? { ZO_FORMAT_STREAM_NAME_TO_LOWERCASE: 'false' } : {}),
      ...(options.basePath ? { ZO_BASE_URI: options.basePath } : {}),
    },
  });
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString('utf8'));
    if (output.length > 50) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      process.kill(child.pid, 'SIGTERM');
      const killed = setTimeout(() => child.pid && process.kill(child.pid, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(killed);
    }
    rmSync(data, { recursive: true, force: true });
  };

  const url = `http://127.0.0.1:${httpPort}${options.basePath ?? ''}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      await stop();
      throw new Error(
        `OpenObserve (${path}) did not answer /healthz on ${url}:\n${output.join('')}`,
      );
    }
    await new Promise((wait) => setTimeout(wait, 100));
  }

  const accessKey = Buffer.from(`${USER}:${TOKEN}`).toString('base64');
  const api = () => openObserveApi(new URL(url), { user: USER, password: PASSWORD });
  const firehoseUrl = (stream: string, org = 'default') =>
    `${url}/aws/${org}/${stream}/_kinesis_firehose`;
  return {
    url,
    pid: child.pid as number,
    user: USER,
    password: PASSWORD,
    accessKey,
    firehoseUrl,
    api,
    async send(stream, lines, org) {
      await deliverBatch(lines, {
        ...DEFAULT_DELIVERY,
        endpoint: firehoseUrl(stream, org),
        accessKey,
        maxAttempts: 1,
      });
    },
    async search(sql, startUs, endUs, org = 'default') {
      const answer = await api().request('POST', `/api/${org}/_search?type=logs`, {
        query: { sql, start_time: startUs, end_time: endUs, from: 0, size: 10_000 },
      });
      return answer.hits as Record<string, unknown>[];
    },
    async createOrganization(name) {
      const answer = await api().request('POST', '/api/organizations', { name });
      return answer.identifier as string;
    },
    stop,
  };
}

const binaries = { api: findBinary(false), ui: findBinary(true) };

/** Why a real OpenObserve (with its web UI, for `ui`) cannot start here; undefined when it can. */
export function openObserveUnavailable(options: RealOpenObserveOptions = {}): string | undefined {
  const binary = binaries[options.ui ? 'ui' : 'api'];
  return 'missing' in binary ? binary.missing : undefined;
}

/** Unpacks what the server needs (once) and starts it; stop it with its `stop`. */
export async function startOpenObserve(
  options: RealOpenObserveOptions = {},
): Promise<RealOpenObserve> {
  const binary = binaries[options.ui ? 'ui' : 'api'];
  if ('missing' in binary) throw new Error(binary.missing);
  if (binary.gzip && binary.sha256) unpackBinary(binary.gzip, binary.path, binary.sha256);
  const web = binary.web;
  if (web?.tarball && web.sha256) unpackWeb(web.tarball, web.dist, web.sha256);
  return start(binary.path, options, web?.dist);
}

const skipReported = new Set<string>();

/**
 * `describe` for tests that need the real server (with its web UI, for `ui`); without it,
 * `describe.skip` with the reason in its title, and the reason printed once.
 */
export function describeWithOpenObserve(
  title: string,
  body: () => void,
  options: RealOpenObserveOptions = {},
): void {
  const missing = openObserveUnavailable(options);
  if (missing) {
    if (!skipReported.has(missing)) {
      skipReported.add(missing);
      process.stderr.write(
        `skipped (real OpenObserve${options.ui ? ' with its web UI' : ''}): ${missing}\n`,
      );
    }
    describe.skip(`${title} (skipped: ${missing})`, body);
  } else {
    describe(title, body);
  }
}

/**
 * Starts the server before the enclosing describe's tests and stops it after them, also when a
 * test failed. Returns the server, for use inside tests and hooks.
 */
export function useOpenObserve(options: RealOpenObserveOptions = {}): () => RealOpenObserve {
  let server: RealOpenObserve | undefined;
  beforeAll(async () => {
    server = await startOpenObserve(options);
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  }, 30_000);
  return () => {
    if (!server) throw new Error('OpenObserve did not start');
    return server;
  };
}
