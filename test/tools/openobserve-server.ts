/**
 * A stand-in for OpenObserve's management API on 127.0.0.1, answering the endpoints of
 * docs/contracts.md §6 with the shapes OpenObserve's source gives them (v0.93 line):
 * folders `{list: [{folderId, name, description}]}` (src/api/management/src/models/folders.rs),
 * dashboards `{dashboards: [...]}` and `{v8, version, hash}` with 409 on a stale hash
 * (src/api/management/src/models/dashboards.rs, src/core/src/dashboards/mod.rs), alerts v2
 * `{list: [{alert_id, name, ...}]}`, 404 for an unknown destination or a stream without data
 * (src/core/src/alerts/alert.rs), stream settings read back with `partition_keys` as a map
 * (src/config/src/meta/stream.rs).
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { DEFAULT_STREAM } from '../../tools/openobserve/health';
import { runSql } from '../openobserve/engine';
import { readBody } from './receiver';

// biome-ignore lint/suspicious/noExplicitAny: request and stored bodies are free-form JSON.
type Json = Record<string, any>;

export const USER = 'root@example.com';
export const PASSWORD = 'token-123';
/** The Firehose Access Key: base64 of user:password (§5). */
export const ACCESS_KEY = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');

export interface OpenObserveServer {
  readonly url: string;
  /** Requests as `METHOD path`, in order. */
  readonly requests: string[];
  readonly dashboards: Map<string, { folder: string; v8: Json; hash: string }>;
  readonly alerts: Map<string, { folder: string; alert: Json }>;
  readonly streams: Map<string, { fields: string[]; settings: Json }>;
  readonly destinations: Set<string>;
  /** Settings keys the server accepts with 200 and then does not keep. */
  readonly ignoredSettings: Set<string>;
  /** Someone saves the dashboard between setup's read and its update: the update gets 409. */
  changeDashboardBeforeNextUpdate(): void;
  /** Answers every list in a shape §6 does not describe. */
  misfit: boolean;
  /**
   * A fault on every management request: `hang` never answers; `echo` answers 400 with the
   * request's headers written back, as some proxies do.
   */
  fault?: 'hang' | 'echo';
  /** Events received on the Firehose endpoint, by stream: what the search endpoint searches. */
  readonly ingested: Map<string, Json[]>;
  /** The Firehose endpoint of a stream on this server. */
  firehoseUrl(stream?: string): string;
  close(): Promise<void>;
}

const hashOf = (value: unknown) =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);

export async function startOpenObserve(): Promise<OpenObserveServer> {
  const requests: string[] = [];
  const folders = new Map<string, Json[]>([
    ['dashboards', [{ folderId: 'default', name: 'default', description: '' }]],
    ['alerts', [{ folderId: 'default', name: 'default', description: '' }]],
  ]);
  const dashboards = new Map<string, { folder: string; v8: Json; hash: string }>();
  const alerts = new Map<string, { folder: string; alert: Json }>();
  const streams = new Map<string, { fields: string[]; settings: Json }>();
  const destinations = new Set<string>();
  const ignoredSettings = new Set<string>();
  const ingested = new Map<string, Json[]>();
  let staleNextUpdate = false;

  const send = (response: ServerResponse, status: number, value: unknown) =>
    response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(value));
  const message = (response: ServerResponse, status: number, text: string) =>
    send(response, status, { code: status, message: text });

  const state: OpenObserveServer = {
    url: '',
    requests,
    dashboards,
    alerts,
    streams,
    destinations,
    ignoredSettings,
    changeDashboardBeforeNextUpdate: () => {
      staleNextUpdate = true;
    },
    misfit: false,
    ingested,
    firehoseUrl: (stream = DEFAULT_STREAM) =>
      `${state.url}/aws/default/${stream}/_kinesis_firehose`,
    close: () => Promise.resolve(),
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const path = url.pathname;
    requests.push(`${request.method} ${path}`);
    const raw = await readBody(request);

    // The Firehose endpoint (§5): its own access key, gzip JSON with base64 records of event lines.
    const firehose = /^\/aws\/([^/]+)\/([^/]+)\/_kinesis_firehose$/.exec(path);
    if (firehose && request.method === 'POST') {
      if (request.headers['x-amz-firehose-access-key'] !== ACCESS_KEY) {
        response.writeHead(401, { 'Content-Type': 'text/plain' }).end('Unauthorized Access');
        return;
      }
      if (firehose[1] !== 'default') return message(response, 404, 'organization not found');
      const gzip = request.headers['content-encoding'] === 'gzip';
      const text = (gzip ? gunzipSync(raw) : raw).toString('utf8');
      const { requestId, records } = JSON.parse(text) as {
        requestId: string;
        records: { data: string }[];
      };
      const events = ingested.get(firehose[2] as string) ?? [];
      for (const { data } of records) {
        for (const line of Buffer.from(data, 'base64').toString('utf8').split('\n')) {
          if (line.trim()) events.push(JSON.parse(line));
        }
      }
      ingested.set(firehose[2] as string, events);
      return send(response, 200, { requestId, timestamp: Date.now() });
    }

    if (state.fault === 'hang') return;
    if (state.fault === 'echo') {
      return message(response, 400, `bad request: ${JSON.stringify(request.headers)}`);
    }
    const payload: Json | undefined = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
    const expected = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
    if (request.headers.authorization !== expected) {
      response.writeHead(401, { 'Content-Type': 'text/plain' }).end('Unauthorized Access');
      return;
    }
    const route = (pattern: string, method: string) => {
      if (request.method !== method) return undefined;
      const match = new RegExp(`^${pattern.replace(/\{\w+\}/g, '([^/]+)')}$`).exec(path);
      return match ? match.slice(1).map(decodeURIComponent) : undefined;
    };
    const orgOk = (org: string | undefined) => {
      if (org === 'default') return true;
      message(response, 404, 'organization not found');
      return false;
    };
    /** Why OpenObserve refuses an alert, as status and message; undefined when it takes it. */
    const alertRefusal = (alert: Json | undefined): [number, string] | undefined => {
      if (!alert?.name || /[^a-z0-9_]/.test(alert.name)) return [400, 'invalid alert name'];
      if (/select\s+\*/i.test(alert.query_condition?.sql ?? ''))
        return [400, 'SELECT * not allowed'];
      if (!alert.destinations?.length) return [400, 'Alert destinations is required'];
      const unknown = alert.destinations.find((name: string) => !destinations.has(name));
      if (unknown) return [404, `Alert destination ${unknown} not found`];
      if (!streams.get(alert.stream_name)?.fields.length) {
        return [404, `Stream ${alert.stream_name} not found`];
      }
      return undefined;
    };
    const routes: [string, string, (m: string[]) => void][] = [
      // Folders (src/api/management/src/request/folders.rs)
      [
        'GET',
        '/api/v2/{org}/folders/{type}',
        (m) => {
          if (!orgOk(m[0])) return;
          if (state.misfit) return send(response, 200, { folders: [] });
          return send(response, 200, { list: folders.get(m[1] as string) ?? [] });
        },
      ],
      [
        'POST',
        '/api/v2/{org}/folders/{type}',
        (m) => {
          const folder = {
            folderId: randomUUID().slice(0, 8),
            name: payload?.name,
            description: payload?.description ?? '',
          };
          folders.get(m[1] as string)?.push(folder);
          return send(response, 200, folder);
        },
      ],
      // Dashboards
      [
        'GET',
        '/api/{org}/dashboards',
        (m) => {
          if (!orgOk(m[0])) return;
          const folder = url.searchParams.get('folder') ?? 'default';
          const list = [...dashboards]
            .filter(([, d]) => d.folder === folder)
            .map(([id, d]) => ({
              dashboard_id: id,
              title: d.v8.title,
              hash: d.hash,
              folder_id: d.folder,
              version: 8,
            }));
          return send(response, 200, state.misfit ? { items: list } : { dashboards: list });
        },
      ],
      [
        'POST',
        '/api/{org}/dashboards',
        (_m) => {
          if (
            payload?.version !== 8 ||
            typeof payload.title !== 'string' ||
            !Array.isArray(payload.tabs)
          ) {
            return message(response, 400, 'invalid dashboard');
          }
          const id = randomUUID().slice(0, 12);
          const v8 = {
            ...payload,
            dashboardId: id,
            owner: USER,
            role: '',
            created: new Date().toISOString(),
          };
          const stored = {
            folder: url.searchParams.get('folder') ?? 'default',
            v8,
            hash: hashOf(v8),
          };
          dashboards.set(id, stored);
          // create_dashboard answers 200 with DashboardResponseBody (request/dashboards/mod.rs).
          return send(response, 200, { v8, version: 8, hash: stored.hash, updatedAt: Date.now() });
        },
      ],
      [
        'GET',
        '/api/{org}/dashboards/{id}',
        (m) => {
          const stored = dashboards.get(m[1] as string);
          if (!stored) return message(response, 404, 'Dashboard not found');
          return send(response, 200, {
            v1: null,
            v8: stored.v8,
            version: 8,
            hash: stored.hash,
            updatedAt: 0,
          });
        },
      ],
      [
        'PUT',
        '/api/{org}/dashboards/{id}',
        (m) => {
          const stored = dashboards.get(m[1] as string);
          if (!stored) return message(response, 404, 'Dashboard not found');
          if (staleNextUpdate) {
            staleNextUpdate = false;
            stored.v8 = { ...stored.v8, description: 'edited by someone else' };
            stored.hash = hashOf(stored.v8);
          }
          if (url.searchParams.get('hash') !== stored.hash) {
            return message(response, 409, 'tried to update dashboard using conflicting hash');
          }
          stored.v8 = { ...payload, owner: stored.v8.owner, role: '', created: stored.v8.created };
          stored.hash = hashOf(stored.v8);
          return send(response, 200, { v8: stored.v8, version: 8, hash: stored.hash });
        },
      ],
      // Streams (src/api/management/src/request/stream/mod.rs)
      [
        'GET',
        '/api/{org}/streams/{stream}/schema',
        (m) => {
          if (!orgOk(m[0])) return;
          const stream = streams.get(m[1] as string);
          if (!stream) return message(response, 404, 'stream not found');
          const { partition_keys: keys = [], ...rest } = stream.settings;
          const partitionKeys = Object.fromEntries(
            (keys as Json[]).map((key, i) => [`L${i}`, key]),
          );
          return send(response, 200, {
            name: m[1],
            stream_type: 'logs',
            schema: stream.fields.map((name) => ({ name, type: 'Utf8' })),
            settings: {
              partition_keys: partitionKeys,
              full_text_search_keys: [],
              index_fields: [],
              bloom_filter_fields: [],
              data_retention: 0,
              ...rest,
            },
          });
        },
      ],
      [
        'POST',
        '/api/{org}/streams/{stream}',
        (m) => {
          if (!Array.isArray(payload?.fields) || typeof payload?.settings !== 'object') {
            return message(response, 400, 'invalid stream');
          }
          const fields = (payload.fields as { name: string }[]).map((field) => field.name);
          streams.set(m[1] as string, { fields, settings: {} });
          return message(response, 200, 'stream created');
        },
      ],
      [
        'PUT',
        '/api/{org}/streams/{stream}/settings',
        (m) => {
          const stream = streams.get(m[1] as string);
          if (!stream) return message(response, 404, 'stream not found');
          for (const [key, change] of Object.entries(payload ?? {})) {
            if (ignoredSettings.has(key)) continue;
            if (key === 'data_retention') stream.settings[key] = change;
            else {
              const { add = [], remove = [] } = change as { add?: string[]; remove?: string[] };
              const current: string[] = stream.settings[key] ?? [];
              stream.settings[key] = [
                ...current.filter((v) => !remove.includes(v)),
                ...add.filter((v) => !current.includes(v)),
              ];
            }
          }
          return message(response, 200, '');
        },
      ],
      // Alert destinations and alerts (src/core/src/alerts/alert.rs, src/core/src/http.rs)
      // Search (§6): the SQL on DataFusion, OpenObserve's engine, over the events received,
      // within the query's time range (epoch microseconds).
      [
        'POST',
        '/api/{org}/_search',
        (m) => {
          if (!orgOk(m[0])) return;
          const { sql, start_time: start, end_time: end } = payload?.query ?? {};
          const stream = /FROM\s+"([^"]+)"/i.exec(String(sql))?.[1] ?? '';
          const received = ingested.get(stream) ?? [];
          const events = received.filter((e) => e._timestamp >= start && e._timestamp < end);
          const schema = [{ _timestamp: 0, request_id: '', log_format: '' }, ...received];
          const [answer] = runSql(stream, events, [sql], schema);
          if (answer?.error) return message(response, 400, answer.error);
          const hits = answer?.rows ?? [];
          return send(response, 200, { hits, total: hits.length, took: 1 });
        },
      ],
      [
        'GET',
        '/api/{org}/alerts/destinations/{name}',
        (m) => {
          if (!destinations.has(m[1] as string))
            return message(response, 404, 'Destination not found');
          return send(response, 200, {
            name: m[1],
            type: 'http',
            url: 'https://hooks.example.com/x',
          });
        },
      ],
      [
        'GET',
        '/api/v2/{org}/alerts',
        (m) => {
          if (!orgOk(m[0])) return;
          const list = [...alerts].map(([id, a]) => ({
            alert_id: id,
            folder_id: a.folder,
            name: a.alert.name,
            enabled: a.alert.enabled,
          }));
          return send(response, 200, { list });
        },
      ],
      [
        'POST',
        '/api/v2/{org}/alerts',
        (_m) => {
          const refusal = alertRefusal(payload);
          if (refusal) return message(response, ...refusal);
          if ([...alerts.values()].some((a) => a.alert.name === payload?.name)) {
            return message(response, 409, 'Alert already exists');
          }
          const id = randomUUID().replaceAll('-', '').slice(0, 27);
          alerts.set(id, {
            folder: url.searchParams.get('folder') ?? 'default',
            alert: { ...payload, id, owner: USER, tz_offset: 0 },
          });
          return send(response, 200, {
            code: 200,
            message: 'Alert saved',
            id,
            name: payload?.name,
          });
        },
      ],
      [
        'GET',
        '/api/v2/{org}/alerts/{id}',
        (m) => {
          const stored = alerts.get(m[1] as string);
          if (!stored) return message(response, 404, 'alert not found');
          return send(response, 200, stored.alert);
        },
      ],
      [
        'PUT',
        '/api/v2/{org}/alerts/{id}',
        (m) => {
          const stored = alerts.get(m[1] as string);
          if (!stored) return message(response, 404, 'alert not found');
          const refusal = alertRefusal(payload);
          if (refusal) return message(response, ...refusal);
          stored.alert = { ...payload, id: m[1], owner: USER, tz_offset: 0 };
          return message(response, 200, 'Alert Updated');
        },
      ],
    ];
    for (const [method, pattern, answer] of routes) {
      const m = route(pattern, method);
      if (m) return answer(m);
    }
    message(response, 404, `no route ${request.method} ${path}`);
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: Error) => message(response, 500, error.message));
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as { port: number };
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  });
}
