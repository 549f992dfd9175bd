/**
 * Who the alert pack notifies, on a real OpenObserve (test/support/openobserve-server.ts): its
 * scheduler runs the alerts and posts to a webhook destination on this machine. The alerts run
 * every minute here (5 as installed) so that a notification comes within the test.
 */
import { createServer } from 'node:http';
import { alertSpecs, buildAlert, DEFAULT_THRESHOLDS } from '../../../tools/openobserve/alerts';
import { describeWithOpenObserve, useOpenObserve } from '../../support/openobserve-server';
import { readBody } from '../../support/receiver';

describeWithOpenObserve('the alert pack on a real OpenObserve', () => {
  const server = useOpenObserve({ ingestWindowHours: 48 });

  /** A webhook on this machine that keeps what OpenObserve posts, as a destination of that name. */
  async function webhook(name: string, template: string) {
    const posts: string[] = [];
    const hook = createServer(async (request, response) => {
      posts.push((await readBody(request)).toString('utf8'));
      response.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
    await new Promise<void>((ready) => hook.listen(0, '127.0.0.1', ready));
    const { port } = hook.address() as { port: number };
    await server()
      .api()
      .request('POST', '/api/default/alerts/destinations', {
        name,
        url: `http://127.0.0.1:${port}/alerts`,
        method: 'post',
        skip_tls_verify: false,
        template,
        headers: {},
        type: 'http',
      });
    const close = async () => {
      hook.closeAllConnections();
      await new Promise((done) => hook.close(done));
    };
    return { posts, close };
  }

  it('notifies "no events" for a stream that received nothing in its period, not for one that did', async () => {
    const { posts, close } = await webhook('hook', 'prebuilt_discord');
    try {
      const api = server().api();
      const nowUs = Date.now() * 1000;
      const event = (timestampUs: number) =>
        JSON.stringify({ request_id: 'r', log_format: 'default', _timestamp: timestampUs });
      // Both streams exist; one had its last event an hour ago, the other has one now.
      await server().send('quiet', [event(nowUs - 3_600_000_000)]);
      await server().send('busy', [event(nowUs)]);

      const noEvents = (stream: string) =>
        alertSpecs(stream, DEFAULT_THRESHOLDS).find(
          (spec) => spec.name === 'api_gateway_no_events',
        );
      const install = async (name: string, stream: string, sql: string, operator = '>=') => {
        const spec = noEvents(stream);
        if (!spec) throw new Error('no "no events" alert in the pack');
        const alert = buildAlert({ ...spec, sql }, stream, ['hook']);
        await api.request('POST', '/api/v2/default/alerts?folder=default', {
          ...alert,
          name,
          trigger_condition: { ...alert.trigger_condition, operator, frequency: 1, silence: 0 },
        });
      };
      await install('no_events_quiet', 'quiet', noEvents('quiet')?.sql ?? '');
      await install('no_events_busy', 'busy', noEvents('busy')?.sql ?? '');
      // The condition the pack had: no row at all, "fewer than one row". Met, yet nobody is told.
      await install(
        'no_rows_quiet',
        'quiet',
        'SELECT log_format, COUNT(*) AS events FROM "quiet" GROUP BY log_format',
        '<',
      );

      const deadline = Date.now() + 150_000;
      while (!posts.some((post) => post.includes('no_events_quiet')) && Date.now() < deadline) {
        await new Promise((wake) => setTimeout(wake, 2_000));
      }
      // All three run on the same schedule: give the others the same round to post.
      await new Promise((wake) => setTimeout(wake, 10_000));
      const notified = (name: string) => posts.some((post) => post.includes(name));
      expect({
        quiet: notified('no_events_quiet'),
        busy: notified('no_events_busy'),
        noRows: notified('no_rows_quiet'),
      }).toEqual({ quiet: true, busy: false, noRows: false });
    } finally {
      await close();
    }
  }, 200_000);

  it("names each API and stage over its limit in a notification's rows", async () => {
    const api = server().api();
    // A destination's template shows the rows as `{rows}`: a line per row the SQL returned.
    await api.request('POST', '/api/default/alerts/templates', {
      name: 'with_rows',
      body: '{"alert": "{alert_name}", "rows": "{rows}"}',
      type: 'http',
    });
    const { posts, close } = await webhook('rowhook', 'with_rows');
    try {
      const now = Date.now();
      // Two APIs: one with 10 of 40 requests failing, one with none.
      const events = ['rrr', 'sss'].flatMap((apiId) =>
        Array.from({ length: 40 }, (_, i) =>
          JSON.stringify({
            request_id: `${apiId}-${i}`,
            aws_account_id: '333333333333',
            aws_region: 'eu-west-1',
            api_id: apiId,
            stage: 'live',
            status: apiId === 'rrr' && i < 10 ? 502 : 200,
            status_class: apiId === 'rrr' && i < 10 ? '5xx' : '2xx',
            response_latency: 30,
            sample_rate: 1,
            _timestamp: (now - 60_000 + i) * 1000,
          }),
        ),
      );
      await server().send('rows', events);
      const spec = alertSpecs('rows', DEFAULT_THRESHOLDS).find(
        (candidate) => candidate.name === 'api_gateway_5xx_rate',
      );
      if (!spec) throw new Error('no 5xx alert in the pack');
      const alert = buildAlert(spec, 'rows', ['rowhook']);
      await api.request('POST', '/api/v2/default/alerts?folder=default', {
        ...alert,
        trigger_condition: { ...alert.trigger_condition, frequency: 1, silence: 0 },
      });
      const deadline = Date.now() + 150_000;
      while (
        !posts.some((post) => post.includes('api_gateway_5xx_rate')) &&
        Date.now() < deadline
      ) {
        await new Promise((wake) => setTimeout(wake, 2_000));
      }
      const post = posts.find((candidate) => candidate.includes('api_gateway_5xx_rate')) ?? '';
      expect(post).toContain('account 333333333333 eu-west-1, API rrr stage live: 10 5xx of 40');
      expect(post).not.toContain('API sss');
    } finally {
      await close();
    }
  }, 200_000);
});
