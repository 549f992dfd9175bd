/**
 * A stand-in for OpenObserve's management API on 127.0.0.1, for what a real OpenObserve
 * (test/support/openobserve-server.ts) cannot be made to do on cue: answer as an older release,
 * answer lists in a shape docs/contracts.md §6 does not describe, accept a stream setting with 200 and not keep it,
 * never answer, or write a request's headers back into its error.
 * Everything else is tested against the real server. Shapes as OpenObserve v0.90.0 answers them:
 * folders `{list: [...]}`, dashboards `{dashboards: [...]}` and `{v8, version, hash}`, stream
 * settings read back with `partition_keys` as a map.
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
  close(): Promise<void>;
}

const hashOf = (value: unknown) =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);

export async function startOpenObserve(): Promise<OpenObserveServer> {
  const dashboards = new Map<string, { v8: Json; hash: string }>();
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
    close: () => Promise.resolve(),
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
    if (route === 'GET /api/v2/default/folders/dashboards') {
      const list = [{ folderId: 'default', name: 'default', description: 'default' }];
      return send(response, 200, state.misfit ? { folders: list } : { list });
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
