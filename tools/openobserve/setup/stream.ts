/**
 * The stream: created with the processor's fields when it is new; our index and bloom-filter
 * fields added to what is there; full-text search exactly on the free-text fields; retention.
 */
import { ApiError } from '../../cli/errors';
import type { Change } from '../../cli/plan';
import { field, isObject, type Json, type OpenObserveApi } from '../api';
import {
  DEFAULT_RETENTION_DAYS,
  NEW_STREAM,
  STREAM_FIELDS,
  STREAM_SETTINGS,
} from '../stream-settings';
import { type SetupPart, sameAsDesired, strings } from './part';

const listOr = (items: readonly string[]) => (items.length ? items.join(', ') : 'none');

export interface StreamOptions {
  readonly org: string;
  readonly stream: string;
  /**
   * The stream's retention: a stream setup creates gets it, or DEFAULT_RETENTION_DAYS; an
   * existing one is changed only when it is given (a shorter one deletes older events).
   */
  readonly retentionDays?: number;
}

async function readSchema(api: OpenObserveApi, path: string): Promise<Json | undefined> {
  try {
    return await api.request('GET', path);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}

const settingsOf = (schema: Json | undefined): Json =>
  schema ? field(schema, 'settings', isObject, 'GET /api/{org}/streams/{stream}/schema') : {};

/**
 * The settings update, the full-text keys asked for (only fields the stream has) and the retention
 * asked for: `given`, or for a stream setup creates the default; none for an existing stream when
 * not given.
 */
function settingsUpdate(schema: Json | undefined, given: number | undefined) {
  const retentionDays = schema ? given : (given ?? DEFAULT_RETENTION_DAYS);
  const current = settingsOf(schema);
  const update: Json = {};
  const said: string[] = [];
  for (const key of ['index_fields', 'bloom_filter_fields'] as const) {
    const add = STREAM_SETTINGS[key].filter((name) => !strings(current[key]).includes(name));
    if (add.length) {
      update[key] = { add, remove: [] };
      said.push(`${key} + ${add.join(', ')}`);
    }
  }
  // OpenObserve refuses a full-text key on a field the stream does not have yet (400 "field [x]
  // not found in schema"); a stream setup creates has them all.
  const fields = new Set(
    (schema && Array.isArray(schema.schema) ? schema.schema : []).map((item) => item?.name),
  );
  const fullText = STREAM_SETTINGS.full_text_search_keys.filter(
    (name) => !schema || fields.has(name),
  );
  const now = strings(current.full_text_search_keys);
  const add = fullText.filter((name) => !now.includes(name));
  const remove = now.filter((name) => !fullText.includes(name));
  if (add.length || remove.length) {
    update.full_text_search_keys = { add, remove };
    said.push(
      `full_text_search_keys ${[...add.map((k) => `+ ${k}`), ...remove.map((k) => `− ${k}`)].join(', ')}`,
    );
  }
  if (retentionDays !== undefined && current.data_retention !== retentionDays) {
    update.data_retention = retentionDays;
    said.push(`data_retention ${current.data_retention ?? 'default'} → ${retentionDays} days`);
  }
  return { update, said, fullText, retentionDays };
}

/** What the stream's settings read back other than asked. */
function mismatches(
  settings: Json,
  fullText: readonly string[],
  retentionDays: number | undefined,
): string[] {
  const found: string[] = [];
  for (const key of ['index_fields', 'bloom_filter_fields'] as const) {
    const missing = STREAM_SETTINGS[key].filter((name) => !strings(settings[key]).includes(name));
    if (missing.length) {
      found.push(
        `stream settings: asked for ${key} ${missing.join(', ')}; OpenObserve reports ${listOr(strings(settings[key]))}`,
      );
    }
  }
  const read = strings(settings.full_text_search_keys);
  if (!sameAsDesired([...fullText].sort(), [...read].sort())) {
    found.push(
      `stream settings: asked for full_text_search_keys ${listOr(fullText)}; OpenObserve reports ${listOr(read)}`,
    );
  }
  if (retentionDays !== undefined && settings.data_retention !== retentionDays) {
    found.push(
      `stream settings: asked for data_retention ${retentionDays} days; OpenObserve reports ${settings.data_retention ?? 'none'}`,
    );
  }
  return found;
}

/**
 * The processor's fields an existing stream does not have yet (OpenObserve adds a field when an
 * event first carries it, and a stream setup creates has them all): each only in some events
 * (`parse_error` in unread lines), or in none when the stage's format leaves it out.
 */
function missingFields(schema: Json | undefined): string[] {
  if (!schema || !Array.isArray(schema.schema) || schema.schema.length === 0) return [];
  const has = new Set(schema.schema.map((item) => item?.name));
  return STREAM_FIELDS.map((item) => item.name).filter((name) => !has.has(name));
}

/**
 * The stream part; whether the stream has fields (alerts need a stream with fields), and which of
 * the processor's fields a query names that the stream does not have (OpenObserve fails it).
 */
export async function streamPart(
  api: OpenObserveApi,
  options: StreamOptions,
): Promise<
  SetupPart & {
    readonly hasFields: boolean;
    /** Created by this run: no event has arrived yet. */
    readonly isNew: boolean;
    readonly lacks: (sql: string) => string[];
  }
> {
  const org = encodeURIComponent(options.org);
  const stream = encodeURIComponent(options.stream);
  const schemaPath = `/api/${org}/streams/${stream}/schema?type=logs`;
  const schema = await readSchema(api, schemaPath);
  const { update, said, fullText, retentionDays } = settingsUpdate(schema, options.retentionDays);
  const later = STREAM_SETTINGS.full_text_search_keys.filter((name) => !fullText.includes(name));
  const missing = missingFields(schema);
  const changes: Change[] = [];
  if (!schema) {
    changes.push({
      describe: `stream "${options.stream}": create, with the ${STREAM_FIELDS.length} fields the processor writes`,
      apply: async () => {
        await api.request('POST', `/api/${org}/streams/${stream}?type=logs`, NEW_STREAM);
      },
    });
  }
  if (said.length) {
    changes.push({
      describe: `stream "${options.stream}" settings: ${said.join('; ')}`,
      apply: async () => {
        await api.request('PUT', `/api/${org}/streams/${stream}/settings?type=logs`, update);
      },
    });
  }
  return {
    changes,
    skipped: later.length
      ? [
          `stream settings: full-text search on ${later.join(', ')} not set yet. OpenObserve takes a full-text key only on a field the stream has; rerun once events with these fields arrived`,
        ]
      : [],
    // A stream created above has the fields; an existing one has them once data arrived.
    hasFields: schema === undefined || (Array.isArray(schema.schema) && schema.schema.length > 0),
    isNew: schema === undefined,
    lacks: (sql) => missing.filter((name) => new RegExp(`\\b${name}\\b`).test(sql)),
    readBack: async () =>
      mismatches(settingsOf(await readSchema(api, schemaPath)), fullText, retentionDays),
  };
}
