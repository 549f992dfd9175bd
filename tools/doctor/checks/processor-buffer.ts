/** processor-buffer: a buffer of at most 1 MB keeps the response far under Lambda's 6 MB. */
import { parameter } from '../../aws/stream';
import { check } from '../check';
import type { DoctorCheck } from '../facts';

export const processorBufferCheck: DoctorCheck = async (facts) => {
  const stream = await facts.streamFacts();
  if (!stream?.http || !stream.functionArn) return undefined;
  const size = Number(parameter(stream.lambda, 'BufferSizeInMBs') ?? '1');
  return size <= 1
    ? check(
        'processor-buffer',
        'ok',
        `processor buffer ${size} MB`,
        'events are 2–3 times the lines; up to 1 MB keeps the response far under 6 MB',
      )
    : check(
        'processor-buffer',
        'warn',
        `processor buffer ${size} MB can fill Lambda's 6 MB response`,
        'records past the bound go to S3 as ProcessingFailed',
        `npm run attach -- --stream ${facts.options.stream} --function ${stream.functionArn} --buffer-size 1`,
      );
};
