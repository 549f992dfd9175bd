/** failed-records: objects Firehose wrote to the backup bucket over --since, and their error codes. */
import { errorName } from '../../aws/clients';
import { listObjects, readObjectText } from '../../aws/s3';
import { check, couldNot } from '../check';
import type { DoctorCheck, Facts } from '../facts';

/**
 * The error output types Firehose writes an HTTP endpoint stream's failed records under (its
 * `!{firehose:error-output-type}`; docs/contracts.md §3): the processor's, the endpoint's, and
 * its own decompression's.
 */
const ERROR_TYPES = ['processing-failed', 'http-endpoint-failed', 'decompression-failed'];

const TYPE_EXPRESSION = '!{firehose:error-output-type}';

/**
 * How a key's part holds the error-output type where the prefix's part around the expression has
 * text of its own (`type=!{firehose:error-output-type}` → `type=processing-failed`).
 */
interface TypePart {
  readonly before: string;
  readonly after: string;
}

/**
 * Where Firehose writes failed records: its default prefixes, or the backup's ErrorOutputPrefix up
 * to its first expression, under which every object is one (docs/contracts.md §3); with the
 * error-output-type there, only under each type. When another expression comes first (a time), the
 * text before it is listed and only keys with a type among their parts are taken (`typed`, the
 * text around the type in its part): an AllData backup's delivered records may be there too,
 * which a replay would send twice.
 */
function failedPlaces(errorOutputPrefix: string | undefined): {
  prefixes: string[];
  typed?: TypePart;
} {
  if (!errorOutputPrefix) return { prefixes: ERROR_TYPES.map((type) => `${type}/`) };
  const expression = errorOutputPrefix.indexOf('!{');
  if (expression < 0) return { prefixes: [errorOutputPrefix] };
  const literal = errorOutputPrefix.slice(0, expression);
  const type = errorOutputPrefix.indexOf(TYPE_EXPRESSION);
  if (type === expression) {
    return { prefixes: ERROR_TYPES.map((name) => `${literal}${name}`) };
  }
  if (type < 0) return { prefixes: [literal] };
  const start = errorOutputPrefix.lastIndexOf('/', type) + 1;
  const end = errorOutputPrefix.indexOf('/', type);
  const part = errorOutputPrefix.slice(start, end < 0 ? undefined : end);
  const at = part.indexOf(TYPE_EXPRESSION);
  return {
    prefixes: [literal],
    typed: { before: part.slice(0, at), after: part.slice(at + TYPE_EXPRESSION.length) },
  };
}

/**
 * A key's prefix up to and with its error-output type (`2026/processing-failed/`,
 * `year=2026/type=processing-failed/`), if it has one.
 */
function typedPrefix(key: string, { before, after }: TypePart): string | undefined {
  const parts = key.split('/');
  const names = ERROR_TYPES.map((type) => `${before}${type}${after}`);
  const at = parts.findIndex((part) => names.includes(part));
  return at < 0 ? undefined : `${parts.slice(0, at + 1).join('/')}/`;
}

/** Objects counted per prefix at most; a sample of this many is read for error codes. */
const LIST_LIMIT = 10_000;
const SAMPLE = 5;

async function failedObjects(
  facts: Facts,
  bucket: string,
  { prefixes, typed }: ReturnType<typeof failedPlaces>,
) {
  const startMs = facts.options.now - facts.options.sinceMs;
  const found: { prefix: string; keys: string[] }[] = [];
  for (const prefix of prefixes) {
    const keys: string[] = [];
    for await (const object of listObjects(facts.clients.s3, bucket, prefix)) {
      if (typed && !typedPrefix(object.key, typed)) continue;
      if (object.lastModifiedMs >= startMs) keys.push(object.key);
      if (keys.length >= LIST_LIMIT) break;
    }
    found.push({ prefix, keys });
  }
  return found;
}

/** Firehose's errorCode of each line of a few failed objects, counted. */
async function errorCodes(facts: Facts, bucket: string, keys: readonly string[]) {
  const codes: Record<string, number> = {};
  for (const key of keys.slice(0, SAMPLE)) {
    const text = await readObjectText(facts.clients.s3, bucket, key);
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      let code: string;
      try {
        code = String((JSON.parse(line) as { errorCode?: string }).errorCode ?? 'none');
      } catch {
        code = 'not a Firehose error record';
      }
      codes[code] = (codes[code] ?? 0) + 1;
    }
  }
  return codes;
}

export const failedRecordsCheck: DoctorCheck = async (facts) => {
  const stream = await facts.streamFacts();
  const bucketArn = stream?.http ? stream.bucketArn : undefined;
  if (!bucketArn) return undefined;
  // Writes to the bucket failing (the backup check says so): what is not there may be on its way.
  const writes = await facts.backupWrites();
  const unwritten =
    writes.ok && writes.value !== undefined && writes.value < 1
      ? [
          'writes to the bucket failed in the window (backup check): records Firehose still retries are not listed',
        ]
      : [];
  const bucket = bucketArn.slice(bucketArn.lastIndexOf(':') + 1);
  const places = failedPlaces(stream?.errorOutputPrefix);
  const { prefixes } = places;
  try {
    const found = await failedObjects(facts, bucket, places);
    const total = found.reduce((sum, entry) => sum + entry.keys.length, 0);
    if (total === 0) {
      return check(
        'failed-records',
        'ok',
        `no failed records in s3://${bucket} in the last ${facts.since}`,
        [
          `${prefixes.join(' and ') || 'the bucket'} ${prefixes.length > 1 ? 'are' : 'is'} empty for the window`,
          ...unwritten,
        ],
      );
    }
    // Reading a sample is only evidence: objects listed are failed records whether or not this
    // machine may read them (no s3:GetObject, or no kms:Decrypt for the bucket's key).
    const sample = await errorCodes(
      facts,
      bucket,
      found.flatMap((entry) => entry.keys),
    ).then(
      (codes) =>
        `errorCode in a sample: ${Object.entries(codes)
          .map(([code, n]) => `${code} ${n}`)
          .join(', ')}`,
      (error: unknown) =>
        `errorCode not read: ${errorName(error)} on GetObject (${(error as Error).message})`,
    );
    const processor = (await facts.processorFunction())?.FunctionName;
    // Under a time before the type, each prefix that holds some (at most ten named).
    const { typed } = places;
    const held = typed
      ? [
          ...new Set(
            found.flatMap((entry) => entry.keys.map((key) => typedPrefix(key, typed) ?? '')),
          ),
        ]
      : found.filter((entry) => entry.keys.length).map((entry) => entry.prefix);
    const where = held.slice(0, 10).map((prefix) => `s3://${bucket}/${prefix}`);
    return check(
      'failed-records',
      'fail',
      `${total} object(s) of failed records in s3://${bucket} in the last ${facts.since}`,
      [...found.map((entry) => `${entry.prefix}: ${entry.keys.length} object(s)`), sample],
      // With the function's own settings, so that a replay redacts and drops what it would.
      `once the cause is fixed: npm run replay -- ${where.join(' ')} --endpoint ${(await facts.endpoint()) || '<endpoint>'}${processor ? ` --function ${processor}` : ''}`,
    );
  } catch (error) {
    // The backup check says the bucket is missing: nothing to list.
    if (errorName(error) === 'NoSuchBucket') return undefined;
    return couldNot('failed-records', `list s3://${bucket}`, error);
  }
};
