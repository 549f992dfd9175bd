/** backup: records that fail are kept in S3, in a bucket that exists. */
import { bucketRegion } from '../../aws/s3';
import { check, couldNot } from '../check';
import type { DoctorCheck } from '../facts';

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
  return check(
    'backup',
    'ok',
    `failed records are kept in ${bucket}`,
    `S3 backup mode ${stream.http?.S3BackupMode ?? 'FailedDataOnly'}`,
  );
};
