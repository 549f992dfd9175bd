/** failed-records: objects Firehose wrote to the backup bucket over --since, and their error codes. */
import { errorName } from '../../aws/clients';
import { listObjects, readObjectText } from '../../aws/s3';
import { check, couldNot } from '../check';
import type { DoctorCheck, Facts } from '../facts';

/**
 * Where Firehose writes failed records: its default prefixes, or the backup's ErrorOutputPrefix up
 * to its first expression (`!{firehose:error-output-type}`, the time), under which every object is
 * one (docs/contracts.md §3).
 */
function failedPrefixes(errorOutputPrefix: string | undefined): string[] {
  if (!errorOutputPrefix) return ['processing-failed/', 'http-endpoint-failed/'];
  const expression = errorOutputPrefix.indexOf('!{');
  if (expression < 0) return [errorOutputPrefix];
  const literal = errorOutputPrefix.slice(0, expression);
  // `…!{firehose:error-output-type}…`: the types failed records are written under, not the whole
  // bucket (an AllData backup's delivered records there too, which a replay would send twice).
  if (errorOutputPrefix.startsWith('!{firehose:error-output-type}', expression)) {
    return ['processing-failed', 'http-endpoint-failed'].map((type) => `${literal}${type}`);
  }
  return [literal];
}
/** Objects counted per prefix at most; a sample of this many is read for error codes. */
const LIST_LIMIT = 10_000;
const SAMPLE = 5;

async function failedObjects(facts: Facts, bucket: string, prefixes: readonly string[]) {
  const startMs = facts.options.now - facts.options.sinceMs;
  const found: { prefix: string; keys: string[] }[] = [];
  for (const prefix of prefixes) {
    const keys: string[] = [];
    for await (const object of listObjects(facts.clients.s3, bucket, prefix)) {
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
  // Writes to the bucket failing (the backup check says so): an empty bucket proves nothing.
  const writes = await facts.backupWrites();
  if (writes.ok && writes.value !== undefined && writes.value < 1) return undefined;
  const bucket = bucketArn.slice(bucketArn.lastIndexOf(':') + 1);
  const prefixes = failedPrefixes(stream?.errorOutputPrefix);
  try {
    const found = await failedObjects(facts, bucket, prefixes);
    const total = found.reduce((sum, entry) => sum + entry.keys.length, 0);
    if (total === 0) {
      return check(
        'failed-records',
        'ok',
        `no failed records in s3://${bucket} in the last ${facts.since}`,
        `${prefixes.join(' and ') || 'the bucket'} ${prefixes.length > 1 ? 'are' : 'is'} empty for the window`,
      );
    }
    const codes = await errorCodes(
      facts,
      bucket,
      found.flatMap((entry) => entry.keys),
    );
    const processor = (await facts.processorFunction())?.FunctionName;
    const where = found
      .filter((entry) => entry.keys.length)
      .map((entry) => `s3://${bucket}/${entry.prefix}`);
    return check(
      'failed-records',
      'fail',
      `${total} object(s) of failed records in s3://${bucket} in the last ${facts.since}`,
      [
        ...found.map((entry) => `${entry.prefix}: ${entry.keys.length} object(s)`),
        `errorCode in a sample: ${Object.entries(codes)
          .map(([code, n]) => `${code} ${n}`)
          .join(', ')}`,
      ],
      // With the function's own settings, so that a replay redacts and drops what it would.
      `once the cause is fixed: npm run replay -- ${where.join(' ')} --endpoint ${(await facts.endpoint()) || '<endpoint>'}${processor ? ` --function ${processor}` : ''}`,
    );
  } catch (error) {
    // The backup check says the bucket is missing: nothing to list.
    if (errorName(error) === 'NoSuchBucket') return undefined;
    return couldNot('failed-records', `list s3://${bucket}`, error);
  }
};
