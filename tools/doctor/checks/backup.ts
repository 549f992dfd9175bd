/** backup: records that fail are kept in S3. */
import { check } from '../check';
import type { DoctorCheck } from '../facts';

export const backupCheck: DoctorCheck = async (facts) => {
  const stream = await facts.streamFacts();
  if (!stream) return undefined;
  const bucketArn = stream.http ? stream.bucketArn : undefined;
  return bucketArn
    ? check(
        'backup',
        'ok',
        `failed records are kept in ${bucketArn.slice(bucketArn.lastIndexOf(':') + 1)}`,
        `S3 backup mode ${stream.http?.S3BackupMode ?? 'FailedDataOnly'}`,
      )
    : check(
        'backup',
        'fail',
        'no S3 backup: records that fail are lost',
        '',
        'deploy the stream with this template, which backs up failed records to S3',
      );
};
