/** backup: records that fail are kept in S3, in a bucket that exists. */
import { bucketRegion } from '../../aws/s3';
import { check, couldNot } from '../check';
import { type DoctorCheck, show } from '../facts';

export const backupCheck: DoctorCheck = async (facts) => {
  const stream = await facts.streamFacts();
  if (!stream) return undefined;
  const bucketArn = stream.http ? stream.bucketArn : undefined;
  if (!bucketArn) {
    return check(
      'backup',
      'fail',
      'no S3 backup: records that fail are lost',
      '',
      'deploy the stream with this template, which backs up failed records to S3',
    );
  }
  const bucket = bucketArn.slice(bucketArn.lastIndexOf(':') + 1);
  try {
    if ((await bucketRegion(facts.clients.s3, bucket)) === undefined) {
      return check(
        'backup',
        'fail',
        `the backup bucket ${bucket} does not exist: records that fail are lost`,
        `the stream names ${bucketArn}`,
        `create the bucket ${bucket}, or deploy the stream again with this template`,
      );
    }
  } catch (error) {
    return couldNot('backup', `look up s3://${bucket}`, error);
  }
  // The bucket being there says nothing of writes to it: a policy or a key may refuse them.
  const writes = await facts.backupWrites();
  if (!writes.ok) return couldNot('backup', "read the stream's DeliveryToS3.Success", writes.error);
  const written = writes.value;
  // Firehose retries a write to the backup for up to 24 hours: some failing is a warning, all of
  // them a failure.
  if (written !== undefined && written < 1) {
    return check(
      'backup',
      written === 0 ? 'fail' : 'warn',
      written === 0
        ? `every write to the backup bucket ${bucket} failed: failed records are not kept while this lasts`
        : `some writes to the backup bucket ${bucket} failed (Firehose retries them for up to 24 hours)`,
      `DeliveryToS3.Success ${show(written)} (last ${facts.since})`,
      `see the Firehose error log group /aws/kinesisfirehose/${facts.options.stream}: the bucket's policy, or its KMS key, must let the stream's role write`,
    );
  }
  return check(
    'backup',
    'ok',
    `failed records are kept in ${bucket}`,
    `S3 backup mode ${stream.http?.S3BackupMode ?? 'FailedDataOnly'}`,
  );
};
