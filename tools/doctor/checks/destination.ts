/** destination: the stream delivers to OpenObserve's Firehose endpoint. */
import { openObserveEndpoint } from '../../openobserve/firehose-endpoint';
import { check } from '../check';
import type { DoctorCheck } from '../facts';

export const destinationCheck: DoctorCheck = async (facts) => {
  const stream = await facts.streamFacts();
  if (!stream) return undefined;
  const url = await facts.endpoint();
  if (!stream.http) {
    return check(
      'destination',
      'fail',
      'the stream does not deliver to an HTTP endpoint',
      Object.keys(stream.destination ?? {}).join(', '),
      'create the stream with this template (sam deploy), which delivers to OpenObserve',
    );
  }
  const match = openObserveEndpoint(url);
  return match
    ? check(
        'destination',
        'ok',
        `delivers to OpenObserve organization ${match.org}, stream ${match.stream}`,
        url,
      )
    : check(
        'destination',
        'fail',
        "the HTTP endpoint is not OpenObserve's Firehose endpoint",
        url,
        'set the endpoint to https://<openobserve>/aws/<org>/<stream>/_kinesis_firehose (template parameters OpenObserveEndpoint, OpenObserveOrganization, OpenObserveStream)',
      );
};
