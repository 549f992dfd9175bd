/** destination: the stream delivers to OpenObserve's Firehose endpoint. */

import { isLoopback } from '../../cli/url';
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
  const wrong = match ? unsent(new URL(url)) : undefined;
  if (wrong) {
    return check(
      'destination',
      'fail',
      `the endpoint names OpenObserve's Firehose endpoint, but ${wrong}`,
      url,
      'set the endpoint to https://<openobserve>/aws/<org>/<stream>/_kinesis_firehose (template parameters OpenObserveEndpoint, OpenObserveOrganization, OpenObserveStream)',
    );
  }
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

/**
 * Why Firehose's requests to a URL of the right form would still not arrive, or undefined: it
 * sends to port 443 only (docs/contracts.md §4; a loopback address is a test's or a tunnel's), and
 * OpenObserve answers a path with an empty part (`//aws/…`) with 401, as if the key were wrong.
 */
function unsent(url: URL): string | undefined {
  if (url.pathname.includes('//'))
    return 'its path has an empty part (//), which OpenObserve answers with 401';
  if (url.port && url.port !== '443' && !isLoopback(url.hostname)) {
    return `its port is ${url.port}: Firehose sends to port 443 only`;
  }
  return undefined;
}
