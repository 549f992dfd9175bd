/**
 * `npm run request -- <request-id>`: the whole story of one request from OpenObserve: its access
 * event, its execution-log lines in order and a link to its trace. Credentials and https rules
 * as `openobserve setup`. Exits 1 when OpenObserve has nothing of the request in the range.
 */
import { defineCommand, EXIT } from '../cli/command';
import { parseDuration } from '../cli/duration';
import { COMMON_OPTIONS } from '../cli/options';
import { connect, OPENOBSERVE_OPTIONS, streamOption } from '../openobserve/connect';
import { formatRequestStory, readRequestStory } from '../openobserve/request-story';

export const command = defineCommand({
  spec: {
    name: 'request',
    summary:
      "One request's access event, its execution-log lines in order and a link to its trace, from OpenObserve. Signs in with OPENOBSERVE_USER and OPENOBSERVE_PASSWORD (asked for on a terminal).",
    positionals: { value: '<request-id>', min: 1, max: 1 },
    options: {
      ...OPENOBSERVE_OPTIONS,
      'traces-stream': {
        type: 'string',
        value: 'NAME',
        default: 'default',
        help: 'the traces stream the trace link opens',
      },
      since: {
        type: 'string',
        value: 'DURATION',
        default: '24h',
        help: 'how far back to look: 30m, 24h, 7d',
      },
      json: COMMON_OPTIONS.json,
    },
    check(values) {
      parseDuration(values.since);
    },
  },
  async run({ values, positionals }, io) {
    const api = await connect(values);
    const now = Date.now();
    const story = await readRequestStory(api, positionals[0] as string, {
      org: values.org,
      stream: await streamOption(api, values, io),
      tracesStream: values['traces-stream'],
      startUs: (now - parseDuration(values.since)) * 1000,
      endUs: (now + 60_000) * 1000,
    });
    if (values.json) io.json(story);
    else for (const line of formatRequestStory(story)) io.log(line);
    return story.access || story.execution.length ? EXIT.done : EXIT.wrong;
  },
});
