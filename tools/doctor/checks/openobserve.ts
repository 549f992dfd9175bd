/**
 * openobserve (--probe): sends one marked event the way Firehose does, then looks for it in
 * OpenObserve (docs/contracts.md §5, §6).
 */
import { randomUUID } from 'node:crypto';
import { encodeEvent } from '../../../src/surface';
import {
  ApiError,
  DeliveryStoppedError,
  NotAcknowledgedError,
  RefusedError,
  RejectedError,
} from '../../cli/errors';
import { publicUrl } from '../../cli/url';
import { type Credentials, type Json, openObserveApi } from '../../openobserve/api';
import {
  DEFAULT_DELIVERY,
  deliverBatch,
  openObserveEndpoint,
} from '../../openobserve/firehose-endpoint';
import { searchEvents } from '../../openobserve/search';
import { keptStreamOn } from '../../openobserve/stream-settings';
import { type Check, check } from '../check';
import type { DoctorCheck, Facts } from '../facts';

/** Why the probe was not delivered, and what to do. */
function notDelivered(error: unknown, url: string): Check {
  const message = (error as Error).message;
  if (error instanceof DeliveryStoppedError && /HTTP 40[13]/.test(message)) {
    return check(
      'openobserve',
      'fail',
      'OpenObserve refused the access key',
      message,
      "use the Access Key from OpenObserve → Data Sources → AWS (base64 of user:token), as the stack's OpenObserveAccessKey and OPENOBSERVE_ACCESS_KEY",
    );
  }
  if (error instanceof NotAcknowledgedError) {
    return check(
      'openobserve',
      'fail',
      "the endpoint does not answer as OpenObserve's Firehose endpoint",
      message,
      "set the stream's endpoint to the URL OpenObserve answers at itself, https://<openobserve>/aws/<org>/<stream>/_kinesis_firehose (not one that redirects or serves a page)",
    );
  }
  if (
    (error instanceof RejectedError || error instanceof DeliveryStoppedError) &&
    /HTTP 404/.test(message)
  ) {
    return check(
      'openobserve',
      'fail',
      'OpenObserve does not know this URL or organization',
      `${url}: ${message}`,
      'check OpenObserveEndpoint and OpenObserveOrganization (the organization id, not its name)',
    );
  }
  return check(
    'openobserve',
    'fail',
    'the probe could not be delivered',
    `${url}: ${message}`,
    'check that OpenObserve is reachable from AWS at this URL',
  );
}

interface Probe {
  readonly url: string;
  readonly org: string;
  readonly sentTo: string;
  readonly requestId: string;
  readonly sentAt: number;
}

/** Searches for the probe a few times, then for the newest other event. */
async function findProbe(facts: Facts, probe: Probe, user: Credentials): Promise<Check> {
  const accepted = `probe ${probe.requestId} accepted by ${probe.url}`;
  // The API is at the endpoint's address without `/aws/{org}/{stream}/_kinesis_firehose`: its
  // origin, and the path OpenObserve is served under, if any (ZO_BASE_URI).
  const endpoint = new URL(probe.url);
  const base = endpoint.pathname.replace(/\/aws\/[^/]+\/[^/]+\/_kinesis_firehose$/, '/');
  const api = openObserveApi(new URL(base, endpoint.origin), user);
  // The probe in the minute around its sending; the newest other event over --since. A stream's
  // maximum query range cuts a longer search short (searchEvents refuses it): the probe's is short.
  const search = (sql: string, fromMs: number) =>
    searchEvents(
      api,
      probe.org,
      sql,
      { startUs: fromMs * 1000, endUs: (Date.now() + 60_000) * 1000 },
      10,
    );
  const sleep = facts.options.sleep ?? ((ms) => new Promise((wake) => setTimeout(wake, ms)));
  try {
    // The probe has made the stream if it was new: a server that keeps capitals has it so now.
    const stream = await keptStreamOn(api, probe.org, probe.sentTo);
    let found = false;
    for (let attempt = 0; attempt < 5 && !found; attempt++) {
      if (attempt) await sleep(3_000);
      const sql = `SELECT _timestamp FROM "${stream}" WHERE request_id = '${probe.requestId}'`;
      found = (await search(sql, probe.sentAt - 60_000)).length > 0;
    }
    const age = await newestAge(
      () =>
        search(
          `SELECT MAX(_timestamp) AS newest FROM "${stream}" WHERE log_format <> 'doctor_probe'`,
          probe.sentAt - facts.options.sinceMs,
        ),
      facts.since,
    );
    if (!found) {
      return check(
        'openobserve',
        'fail',
        'the probe was accepted but cannot be found in the stream',
        [accepted, age],
        'OpenObserve answered 200 yet kept nothing: check the stream name, and its ingest window (ZO_INGEST_ALLOWED_UPTO)',
      );
    }
    return check('openobserve', 'ok', `OpenObserve received the probe; ${age}`, [
      accepted,
      `found in ${stream}`,
      STREAM_KEY,
    ]);
  } catch (error) {
    // OpenObserve's API refuses credentials with 401 and permissions with 403 (a RefusedError
    // naming the status, tools/openobserve/api.ts).
    const refused =
      (error instanceof RefusedError && /\(HTTP 40[13]\)/.test(error.message)) ||
      (error instanceof ApiError && (error.status === 401 || error.status === 403));
    return check(
      'openobserve',
      'warn',
      'the probe was accepted, but searching OpenObserve failed',
      [accepted, (error as Error).message],
      refused
        ? 'check OPENOBSERVE_USER and OPENOBSERVE_PASSWORD'
        : `check that OpenObserve's API answers at ${publicUrl(api.base)} (the evidence says how it failed)`,
    );
  }
}

/** How old the newest event of the stream is, or why that is not known. */
async function newestAge(search: () => Promise<Json[]>, since: string): Promise<string> {
  let newest: Json | undefined;
  try {
    [newest] = await search();
  } catch (error) {
    // Only the probe's own minute was searched whole: say so, and go on.
    if (error instanceof RefusedError) return `the newest event: not read (${error.message})`;
    throw error;
  }
  const newestMs = Number(newest?.newest ?? 0) / 1000;
  return newestMs
    ? `the newest event is ${Math.round((Date.now() - newestMs) / 60_000)} min old`
    : `no other event in the last ${since}`;
}

/**
 * The probe goes with the key the user gives (OPENOBSERVE_ACCESS_KEY): AWS does not return the key
 * the stream holds, so a probe that passes does not clear a stale one there.
 */
const STREAM_KEY =
  "sent with OPENOBSERVE_ACCESS_KEY, not the stream's own key, which AWS does not show: if the Firehose error log group has 401s while this passes, the stream holds another key (update it)";

export const openObserveCheck: DoctorCheck = async (facts) => {
  const given = facts.options.probe;
  if (!given) return undefined;
  const url = await facts.endpoint();
  const target = openObserveEndpoint(url);
  if (!target) {
    return check(
      'openobserve',
      'warn',
      'could not probe OpenObserve: the stream has no OpenObserve endpoint',
      url,
    );
  }
  const probe: Probe = {
    url,
    ...target,
    requestId: `doctor-probe-${randomUUID()}`,
    sentAt: Date.now(),
  };
  const line = encodeEvent({
    _timestamp: probe.sentAt * 1000,
    request_id: probe.requestId,
    log_format: 'doctor_probe',
    message: 'npm run doctor: delivery probe',
  });
  try {
    await deliverBatch([line], {
      ...DEFAULT_DELIVERY,
      endpoint: url,
      accessKey: given.accessKey,
      maxAttempts: 2,
      timeoutMs: 15_000,
    });
  } catch (error) {
    return notDelivered(error, url);
  }
  if (!given.user) {
    return check(
      'openobserve',
      'ok',
      "OpenObserve accepted a probe event at the stream's endpoint, with the key given",
      [
        `probe ${probe.requestId} accepted by ${url}`,
        STREAM_KEY,
        'set OPENOBSERVE_USER and OPENOBSERVE_PASSWORD to also search for it',
      ],
    );
  }
  return findProbe(facts, probe, given.user);
};
