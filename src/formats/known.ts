/**
 * Access-log formats the processor knows by name. Each is a valid API Gateway `Format` string;
 * adding a format means adding an entry here.
 */

/**
 * The recommended stage format: the OpenObserve guide's key-value format plus the fields that make
 * events useful (exact time, latencies, the API and stage), free-text fields last so that a comma
 * or colon inside them can never shift the fields after them.
 */
export const DEFAULT_FORMAT =
  'RequestId: $context.requestId, SourceIP: $context.identity.sourceIp, ' +
  'Method: $context.httpMethod, ResourcePath: $context.resourcePath, ' +
  'StatusCode: $context.status, ResponseLength: $context.responseLength, ' +
  'RequestTime: $context.requestTime, RequestTimeEpoch: $context.requestTimeEpoch, ' +
  'ResponseLatency: $context.responseLatency, IntegrationLatency: $context.integrationLatency, ' +
  'Protocol: $context.protocol, ApiId: $context.apiId, Stage: $context.stage, ' +
  'UserAgent: $context.identity.userAgent, ErrorMessage: $context.error.message';

/** Name → format string. docs/contracts.md §2 lists AWS's samples and the OpenObserve guide's format. */
export const KNOWN_FORMATS: Readonly<Record<string, string>> = {
  default: DEFAULT_FORMAT,
  openobserve_guide:
    'RequestId: $context.requestId, SourceIP: $context.identity.sourceIp, Method: $context.httpMethod, ResourcePath: $context.resourcePath, StatusCode: $context.status, ResponseLength: $context.responseLength, RequestTime: $context.requestTime',
  clf: '$context.identity.sourceIp $context.identity.caller $context.identity.user [$context.requestTime]"$context.httpMethod $context.resourcePath $context.protocol" $context.status $context.responseLength $context.requestId $context.extendedRequestId',
  json: '{ "requestId":"$context.requestId", "extendedRequestId":"$context.extendedRequestId","ip": "$context.identity.sourceIp", "caller":"$context.identity.caller", "user":"$context.identity.user", "requestTime":"$context.requestTime", "httpMethod":"$context.httpMethod", "resourcePath":"$context.resourcePath", "status":"$context.status", "protocol":"$context.protocol", "responseLength":"$context.responseLength" }',
  xml: '<request id="$context.requestId"> <extendedRequestId>$context.extendedRequestId</extendedRequestId> <ip>$context.identity.sourceIp</ip> <caller>$context.identity.caller</caller> <user>$context.identity.user</user> <requestTime>$context.requestTime</requestTime> <httpMethod>$context.httpMethod</httpMethod> <resourcePath>$context.resourcePath</resourcePath> <status>$context.status</status> <protocol>$context.protocol</protocol> <responseLength>$context.responseLength</responseLength> </request>',
  csv: '$context.identity.sourceIp,$context.identity.caller,$context.identity.user,$context.requestTime,$context.httpMethod,$context.resourcePath,$context.protocol,$context.status,$context.responseLength,$context.requestId,$context.extendedRequestId',
};

/** A format's name: a known format's own (`default`, `clf`, …), `custom` for any other, `none` without one. */
export function formatName(source: string | undefined): string {
  if (!source) return 'none';
  for (const [name, known] of Object.entries(KNOWN_FORMATS)) {
    if (known === source) return name;
  }
  return 'custom';
}
