/**
 * A stand-in for OpenObserve's management API on 127.0.0.1, for what a real OpenObserve
 * (test/support/openobserve-server.ts) cannot be made to do on cue: answer as an older release,
 * answer lists in a shape docs/contracts.md §6 does not describe, accept a stream setting with 200 and not keep it,
 * never answer, or write a request's headers back into its error.
 * Everything else is tested against the real server. Shapes as OpenObserve v0.90.0 answers them:
 * folders `{list: [...]}`, dashboards `{dashboards: [...]}` and `{v8, version, hash}`, stream
 * settings read back with `partition_keys` as a map, alerts `{list: [{alert_id, name}]}`.
 *
 * It also answers the SLO API, which the real server of the tests (v0.90.0) does not have, as
 * OpenObserve's source at fbab9b8 (v0.92) defines it (docs/contracts.md §6.1): `GET|POST
 * /api/{org}/slos` (`{list}`; `{code, message, id, name}`), `GET|PUT /api/{org}/slos/{id}` (PUT
 * replaces the SLO), `GET /api/{org}/slos/{id}/groups` (`{list}` of status views), with the
 * checks of `src/core/src/slo/service.rs` a setup could trip: target, window, slice, a duplicate
 * name. `slo: 'disabled'` answers as v0.92.0–v0.92.2 do with ZO_SLO_ENABLED=false (HTTP 200 with
 * `{code: 501}` in the body); `slo: 'none'` as a release without the API (404, empty body).
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readBody } from './receiver';

// biome-ignore lint/suspicious/noExplicitAny: request and stored bodies are free-form JSON.
type Json = Record<string, any>;

export const USER = 'root@example.com';
export const PASSWORD = 'token-123';

export interface OpenObserveServer {
  readonly url: string;
  /** Requests as `METHOD path`, in order. */
  readonly requests: string[];
  /** What `GET /config` answers as `version`. */
  version: string;
  /** Settings keys the server accepts with 200 and then does not keep. */
  readonly ignoredSettings: Set<string>;
  /** Answers every list in a shape §6 does not describe. */
  misfit: boolean;
  /**
   * A fault on every management request: `hang` never answers; `echo` answers 400 with the
   * request's headers written back, as some proxies do.
   */
  fault?: 'hang' | 'echo';
  /** The SLO API: answered, turned off, or not there (the default, as v0.90.0). */
  slo: 'on' | 'disabled' | 'none';
  /** Alert destinations that exist. */
  readonly destinations: Set<string>;
  /** SLOs by id, as stored. */
  readonly slos: Map<string, Json>;
  /** Alerts by id, as stored. */
  readonly alerts: Map<string, Json>;
  /** What `GET /slos/{id}/groups` and the list's `status` answer, by SLO name. */
  readonly sloStatus: Map<string, { overall: Json | null; groups: Json[] }>;
  close(): Promise<void>;
}

/** What OpenObserve's SLO service refuses of a body a setup could send (service.rs). */
function sloProblem(slo: Json): string | undefined {
  if (!(slo.target > 0 && slo.target < 100))
    return 'target must be greater than 0 and strictly below 100';
  if ((String(slo.target).split('.')[1] ?? '').length > 3) {
    return 'target has more than 3 decimal places';
  }
  if (![604_800, 2_592_000, 7_776_000].includes(slo.window_secs)) {
    return 'window_secs must be one of the supported rolling windows (7, 30 or 90 days)';
  }
  if (![60, 300].includes(slo.slice_interval_secs)) return 'slice_interval_secs must be 60 or 300';
  if (slo.group_by?.length && slo.slice_interval_secs !== 300) {
    return 'grouped SLOs are pinned to 300s slices';
  }
  return undefined;
}

const hashOf = (value: unknown) =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);

export async function startOpenObserve(): Promise<OpenObserveServer> {
  const dashboards = new Map<string, { v8: Json; hash: string }>();
  /** Folders made by POST, by id (both types share them here). */
  const folders = new Map<string, string>();
  const streams = new Map<string, { fields: Json[]; settings: Json }>();
  const send = (response: ServerResponse, status: number, value: unknown) =>
    response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(value));
  const message = (response: ServerResponse, status: number, text: string) =>
    send(response, status, { code: status, message: text });

  const state: OpenObserveServer = {
    url: '',
    requests: [],
    version: 'v0.90.0',
    ignoredSettings: new Set(),
    misfit: false,
    slo: 'none',
    destinations: new Set(),
    slos: new Map(),
    alerts: new Map(),
    sloStatus: new Map(),
    close: () => Promise.resolve(),
  };

  /** The SLO routes, as `src/api/management/src/request/slos/mod.rs` answers them. */
  const sloRoute = (response: ServerResponse, route: string, payload: Json | undefined) => {
    if (state.slo === 'none') return response.writeHead(404).end();
    if (state.slo === 'disabled') {
      return send(response, 200, {
        code: 501,
        message: 'SLOs are disabled. Set ZO_SLO_ENABLED=true to enable them.',
      });
    }
    const withStatus = (slo: Json) => ({
      ...slo,
      status: state.sloStatus.get(slo.name)?.overall ?? null,
    });
    if (route === 'GET /api/default/slos') {
      return send(response, 200, { list: [...state.slos.values()].map(withStatus) });
    }
    const invalid = payload && sloProblem(payload);
    if (invalid) return message(response, 400, invalid);
    if (route === 'POST /api/default/slos') {
      if ([...state.slos.values()].some((slo) => slo.name === payload?.name)) {
        return message(response, 409, `SLO ${payload?.name} already exists in this folder`);
      }
      const id = randomUUID().replaceAll('-', '').slice(0, 27);
      state.slos.set(id, { ...payload, id, org: 'default', owner: USER, definition_generation: 1 });
      return send(response, 200, { code: 200, message: 'SLO saved', id, name: payload?.name });
    }
    const [, method, id = '', groups] =
      /^(\w+) \/api\/default\/slos\/([^/]+)(\/groups)?$/.exec(route) ?? [];
    const slo = state.slos.get(id);
    if (method === 'GET' && groups) {
      return send(response, 200, {
        list: slo ? (state.sloStatus.get(slo.name)?.groups ?? []) : [],
      });
    }
    if (!slo) return message(response, 404, 'SLO not found');
    if (method === 'GET') return send(response, 200, withStatus(slo));
    if (method === 'PUT') {
      state.slos.set(id, { ...payload, id, org: 'default', owner: slo.owner });
      return send(response, 200, { code: 200, message: 'SLO updated', id, name: payload?.name });
    }
    return message(response, 405, 'method not allowed');
  };

  /** Alerts (v2) and their destinations, as far as setup uses them. */
  const alertRoute = (response: ServerResponse, route: string, payload: Json | undefined) => {
    const destination = /^GET \/api\/default\/alerts\/destinations\/([^/]+)$/.exec(route);
    if (destination) {
      return state.destinations.has(decodeURIComponent(destination[1] as string))
        ? send(response, 200, { name: destination[1] })
        : message(response, 404, 'Alert destination not found');
    }
    if (route === 'GET /api/v2/default/alerts') {
      const list = [...state.alerts.values()].map((alert) => ({
        alert_id: alert.id,
        name: alert.name,
      }));
      return send(response, 200, { list });
    }
    if (route === 'POST /api/v2/default/alerts') {
      const id = randomUUID().slice(0, 12);
      state.alerts.set(id, { ...payload, id });
      return send(response, 200, { code: 200, message: 'Alert saved', id, name: payload?.name });
    }
    const [, method, id = ''] = /^(\w+) \/api\/v2\/default\/alerts\/([^/]+)$/.exec(route) ?? [];
    const alert = state.alerts.get(id);
    if (!alert) return message(response, 404, 'Alert not found');
    if (method === 'GET') return send(response, 200, alert);
    state.alerts.set(id, { ...payload, id });
    return message(response, 200, 'Alert updated');
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const path = url.pathname;
    state.requests.push(`${request.method} ${path}`);
    const raw = await readBody(request);
    if (state.fault === 'hang') return;
    if (state.fault === 'echo') {
      return message(response, 400, `bad request: ${JSON.stringify(request.headers)}`);
    }
    const payload: Json | undefined = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
    const route = `${request.method} ${path}`;
    if (route === 'GET /config') return send(response, 200, { version: state.version });
    if (path.startsWith('/api/default/slos')) return sloRoute(response, route, payload);
    if (path.startsWith('/api/v2/default/alerts') || path.startsWith('/api/default/alerts/')) {
      return alertRoute(response, route, payload);
    }
    if (
      route === 'GET /api/v2/default/folders/dashboards' ||
      route === 'GET /api/v2/default/folders/alerts'
    ) {
      const list = [
        { folderId: 'default', name: 'default', description: 'default' },
        ...[...folders].map(([folderId, name]) => ({ folderId, name, description: '' })),
      ];
      return send(response, 200, state.misfit ? { folders: list } : { list });
    }
    if (
      route === 'POST /api/v2/default/folders/dashboards' ||
      route === 'POST /api/v2/default/folders/alerts'
    ) {
      const folderId = `folder-${folders.size + 1}`;
      folders.set(folderId, String(payload?.name));
      return send(response, 200, { folderId, name: payload?.name });
    }
    if (route === 'GET /api/default/dashboards') {
      const list = [...dashboards].map(([id, d]) => ({
        dashboard_id: id,
        title: d.v8.title,
        hash: d.hash,
        folder_id: 'default',
      }));
      return send(response, 200, { dashboards: list });
    }
    if (route === 'POST /api/default/dashboards') {
      const id = randomUUID().slice(0, 12);
      const v8 = { ...payload, dashboardId: id, owner: USER, role: '' };
      dashboards.set(id, { v8, hash: hashOf(v8) });
      return send(response, 200, { v8, version: 8, hash: hashOf(v8) });
    }
    const dashboard = /^GET \/api\/default\/dashboards\/([^/]+)$/.exec(route);
    const stored = dashboard && dashboards.get(dashboard[1] as string);
    if (stored) return send(response, 200, { v8: stored.v8, version: 8, hash: stored.hash });

    const stream = /^(\w+) \/api\/default\/streams\/([^/]+)(\/schema|\/settings)?$/.exec(route);
    const [, method, name = '', part] = stream ?? [];
    if (method === 'POST' && !part) {
      streams.set(name, { fields: payload?.fields ?? [], settings: {} });
      return message(response, 200, 'stream created');
    }
    const current = streams.get(name);
    if (method === 'GET' && part === '/schema') {
      if (!current) return message(response, 404, 'stream not found');
      return send(response, 200, {
        name,
        schema: current.fields,
        settings: { partition_keys: {}, full_text_search_keys: [], ...current.settings },
      });
    }
    if (method === 'PUT' && part === '/settings' && current) {
      for (const [key, change] of Object.entries(payload ?? {})) {
        if (state.ignoredSettings.has(key)) continue;
        current.settings[key] = key === 'data_retention' ? change : (change as Json).add;
      }
      return message(response, 200, '');
    }
    message(response, 404, `no route ${route}`);
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
