import { type CompiledFormat, compileFormat } from './compile';

/**
 * Access-log formats the processor knows by name. Each is a valid API Gateway `Format` string;
 * adding a format means adding an entry here.
 */

/**
 * The recommended stage format: the OpenObserve guide's key-value format plus what makes events
 * useful (exact time, latencies, the API and stage), what answers "why did it fail, and for whom"
 * (API Gateway's error type, the integration's status and error, the authorizer's and WAF's
 * outcome, the API key's id, never the key, and the X-Ray trace) and how a streamed response went
 * (the transfer mode, the times to its headers and first bytes), every variable one of
 * docs/contracts.md §2.1's; free-text fields last so that a comma or colon inside them can never
 * shift the fields after them. Under API Gateway's 3 KB limit for a format (a test measures it).
 */
export const DEFAULT_FORMAT =
  'RequestId: $context.requestId, SourceIP: $context.identity.sourceIp, ' +
  'Method: $context.httpMethod, ResourcePath: $context.resourcePath, ' +
  'StatusCode: $context.status, ResponseLength: $context.responseLength, ' +
  'RequestTime: $context.requestTime, RequestTimeEpoch: $context.requestTimeEpoch, ' +
  'ResponseLatency: $context.responseLatency, IntegrationLatency: $context.integrationLatency, ' +
  'IntegrationStatus: $context.integration.status, ' +
  'TransferMode: $context.integration.responseTransferMode, ' +
  'TimeToFirstContent: $context.integration.timeToFirstContent, ' +
  'TimeToAllHeaders: $context.integration.timeToAllHeaders, ErrorType: $context.error.responseType, ' +
  'AuthorizerStatus: $context.authorizer.status, AuthorizerLatency: $context.authorizer.latency, ' +
  'WafStatus: $context.waf.status, WafResponse: $context.wafResponseCode, ' +
  'ApiKeyId: $context.identity.apiKeyId, Protocol: $context.protocol, ' +
  'ApiId: $context.apiId, Stage: $context.stage, DomainName: $context.domainName, ' +
  'XrayTraceId: $context.xrayTraceId, Path: $context.path, ' +
  'UserAgent: $context.identity.userAgent, ErrorMessage: $context.error.message, ' +
  'IntegrationError: $context.integration.error, AuthorizerError: $context.authorizer.error';

/**
 * The formats recommended before, newest first: a stage that still writes one keeps working (the
 * processor knows it by name), and `npm run doctor` says to move it.
 */
export const PREVIOUS_DEFAULT_FORMATS = {
  default_v2:
    'RequestId: $context.requestId, SourceIP: $context.identity.sourceIp, ' +
    'Method: $context.httpMethod, ResourcePath: $context.resourcePath, ' +
    'StatusCode: $context.status, ResponseLength: $context.responseLength, ' +
    'RequestTime: $context.requestTime, RequestTimeEpoch: $context.requestTimeEpoch, ' +
    'ResponseLatency: $context.responseLatency, IntegrationLatency: $context.integrationLatency, ' +
    'IntegrationStatus: $context.integration.status, ErrorType: $context.error.responseType, ' +
    'AuthorizerStatus: $context.authorizer.status, AuthorizerLatency: $context.authorizer.latency, ' +
    'WafStatus: $context.waf.status, WafResponse: $context.wafResponseCode, ' +
    'ApiKeyId: $context.identity.apiKeyId, Protocol: $context.protocol, ' +
    'ApiId: $context.apiId, Stage: $context.stage, DomainName: $context.domainName, ' +
    'XrayTraceId: $context.xrayTraceId, Path: $context.path, ' +
    'UserAgent: $context.identity.userAgent, ErrorMessage: $context.error.message, ' +
    'IntegrationError: $context.integration.error, AuthorizerError: $context.authorizer.error',
  default_v1:
    'RequestId: $context.requestId, SourceIP: $context.identity.sourceIp, ' +
    'Method: $context.httpMethod, ResourcePath: $context.resourcePath, ' +
    'StatusCode: $context.status, ResponseLength: $context.responseLength, ' +
    'RequestTime: $context.requestTime, RequestTimeEpoch: $context.requestTimeEpoch, ' +
    'ResponseLatency: $context.responseLatency, IntegrationLatency: $context.integrationLatency, ' +
    'Protocol: $context.protocol, ApiId: $context.apiId, Stage: $context.stage, ' +
    'UserAgent: $context.identity.userAgent, ErrorMessage: $context.error.message',
} as const;

/** Name → format string. docs/contracts.md §2 lists AWS's samples and the OpenObserve guide's format. */
export const KNOWN_FORMATS: Readonly<Record<string, string>> = {
  default: DEFAULT_FORMAT,
  ...PREVIOUS_DEFAULT_FORMATS,
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

/** LOG_FORMAT compiled, under its name (formatName). */
export function compileConfigured(logFormat: string): CompiledFormat {
  return compileFormat(formatName(logFormat), logFormat);
}
