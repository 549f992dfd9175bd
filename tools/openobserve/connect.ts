/**
 * What every command that talks to OpenObserve's API takes and does first: `--url`, `--org` and
 * `--stream` (one option table for all of them), then a client for the URL (https, or http to a
 * loopback address) with the user's credentials from the environment or a prompt.
 */

import { UsageError } from '../cli/errors';
import type { Io } from '../cli/io';
import { openObserveCredentials } from '../cli/io';
import { secureUrl } from '../cli/url';
import { type OpenObserveApi, openObserveApi } from './api';
import { openObserveEndpoint } from './firehose-endpoint';
import { DEFAULT_STREAM, keptStreams } from './stream-settings';

export const OPENOBSERVE_OPTIONS = {
  url: {
    type: 'string',
    value: 'URL',
    required: true,
    help: "OpenObserve's address (https; http only to a loopback address)",
  },
  org: { type: 'string', value: 'ORG', default: 'default', help: 'the organization id' },
  stream: { type: 'string', value: 'NAME', default: DEFAULT_STREAM, help: 'the events stream' },
} as const;

/** `--stream` as this OpenObserve keeps it (keptStreamOn), said when that is another name than given. */
export async function streamOption(
  api: OpenObserveApi,
  values: { readonly stream: string; readonly org: string },
  io: Io,
): Promise<string> {
  const { kept, leftOver } = await keptStreams(api, values.org, values.stream);
  if (kept !== values.stream) {
    io.log(`--stream ${values.stream}: OpenObserve keeps its events in "${kept}"`);
  }
  if (leftOver) {
    io.log(
      `warning: stream "${leftOver}" is there too: on this server, which keeps capitals, a setup run before the first event made it. What it installed for "${leftOver}" (a dashboard, alerts, SLOs) watches a stream that gets no events, and its no-events alert fires: delete those in OpenObserve`,
    );
  }
  return kept;
}

/** The API client for `--url`, with the credentials of the environment or a no-echo prompt. */
export async function connect(values: { readonly url: string }): Promise<OpenObserveApi> {
  const url = secureUrl(values.url, '--url');
  const endpoint = openObserveEndpoint(url.href);
  if (endpoint) {
    // The Firehose endpoint a user has at hand: its API is at the same address's root.
    throw new UsageError(
      `--url is OpenObserve's address, not its Firehose endpoint: give ${url.origin} (and --org ${endpoint.org} --stream ${endpoint.sentTo})`,
    );
  }
  return openObserveApi(url, await openObserveCredentials());
}
