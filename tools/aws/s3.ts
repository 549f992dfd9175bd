/**
 * Objects in S3: paged listing, an object's text (gzip inflated, as Firehose may write it), and
 * what `package` needs: a bucket's region, whether an object is there, an upload.
 */
import {
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { gunzippedText } from '../../src/surface';
import { RefusedError } from '../cli/errors';
import { errorName } from './clients';

export interface ObjectEntry {
  readonly key: string;
  readonly size: number;
  readonly lastModifiedMs: number;
  readonly etag: string;
}

/** Every object under a prefix, page by page; stops after `limit` objects. */
export async function* listObjects(
  s3: S3Client,
  bucket: string,
  prefix: string,
  limit = Number.POSITIVE_INFINITY,
): AsyncGenerator<ObjectEntry> {
  let token: string | undefined;
  let listed = 0;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) {
      if (!object.Key) continue;
      yield {
        key: object.Key,
        size: object.Size ?? 0,
        lastModifiedMs: object.LastModified?.getTime() ?? 0,
        etag: object.ETag ?? '',
      };
      if (++listed >= limit) return;
    }
    token = page.NextContinuationToken;
  } while (token);
}

/** An object's bytes as stored. */
export async function readObject(s3: S3Client, bucket: string, key: string): Promise<Buffer> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const body = object.Body as { transformToByteArray(): Promise<Uint8Array> };
  return Buffer.from(await body.transformToByteArray());
}

/** An object's text, inflated when it is gzip, at most `maxOutputLength` bytes of it. */
export async function readObjectText(
  s3: S3Client,
  bucket: string,
  key: string,
  maxOutputLength?: number,
): Promise<string> {
  const bytes = await readObject(s3, bucket, key);
  return gunzippedText(bytes, maxOutputLength);
}

const notFound = (error: unknown) =>
  ['NotFound', 'NoSuchKey', 'NoSuchBucket', '404'].includes(errorName(error)) ||
  (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404;

/**
 * The bucket's region ('' when S3 does not say), or undefined when there is no such bucket. S3
 * answers a HEAD for a bucket in another region with 301 and the region in a header, and one these
 * credentials may not see (another account's name) with 403, both without a body: the SDK then
 * throws an error named only `UnknownError`.
 */
export async function bucketRegion(s3: S3Client, bucket: string): Promise<string | undefined> {
  try {
    const answer = await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return answer.BucketRegion ?? '';
  } catch (error) {
    if (notFound(error)) return undefined;
    const answered = error as {
      $metadata?: { httpStatusCode?: number };
      $response?: { headers?: Record<string, string | undefined> };
    };
    const status = answered.$metadata?.httpStatusCode;
    const region = answered.$response?.headers?.['x-amz-bucket-region'];
    if (status === 301 && region) return region;
    if (status === 301 || status === 403) {
      throw new RefusedError(
        status === 301
          ? `bucket ${bucket} is in another region than ${await s3.config.region()} (S3 answered 301 without naming it)`
          : `bucket ${bucket}: S3 answered 403 Forbidden: another account owns a bucket of that name, or a policy keeps these credentials from it`,
        { cause: error },
      );
    }
    throw error;
  }
}

/**
 * An object's SHA-256 as S3 keeps it (base64; '' for an object put without one), or undefined when
 * there is none at the key. A 403 is refused with what it needs: S3 answers a HEAD without
 * s3:GetObject, and of a missing key without s3:ListBucket, so.
 */
export async function objectSha256(s3: S3Client, bucket: string, key: string) {
  try {
    const head = await s3.send(
      new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }),
    );
    return head.ChecksumSHA256 ?? '';
  } catch (error) {
    if (notFound(error)) return undefined;
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 403) {
      throw new RefusedError(
        `s3://${bucket}/${key}: S3 answered 403 Forbidden to a HEAD of it: these credentials need s3:GetObject on it and s3:ListBucket on the bucket (without which S3 answers 403 for a key that is not there), besides s3:PutObject`,
        { cause: error },
      );
    }
    throw error;
  }
}

/** Puts an object with its SHA-256, which S3 checks on arrival and keeps (objectSha256). */
export async function putObject(s3: S3Client, bucket: string, key: string, body: Uint8Array) {
  await s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ChecksumAlgorithm: 'SHA256' }),
  );
}
