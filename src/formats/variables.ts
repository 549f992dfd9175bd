/**
 * The `$context` variables API Gateway substitutes in a REST stage's access-log format: every name
 * of AWS's page "Variables for access logging for API Gateway" as of December 2026, response
 * streaming's three included (docs/contracts.md §2.2; case-sensitive). A format may name others:
 * they are read as strings and reported (unknownVariables), never refused.
 */
const VARIABLES = new Set([
  'accountId',
  'apiId',
  'authorize.error',
  'authorize.latency',
  'authorize.status',
  'authorizer.error',
  'authorizer.integrationLatency',
  'authorizer.integrationStatus',
  'authorizer.latency',
  'authorizer.principalId',
  'authorizer.requestId',
  'authorizer.status',
  'authenticate.error',
  'authenticate.latency',
  'authenticate.status',
  'awsEndpointRequestId',
  'cipherSuite',
  'customDomain.basePathMatched',
  'customDomain.routingRuleIdMatched',
  'deploymentId',
  'domainName',
  'domainPrefix',
  'endpointType',
  'error.message',
  'error.messageString',
  'error.responseType',
  'error.validationErrorString',
  'extendedRequestId',
  'httpMethod',
  'identity.accountId',
  'identity.apiKey',
  'identity.apiKeyId',
  'identity.caller',
  'identity.clientCert.clientCertPem',
  'identity.clientCert.issuerDN',
  'identity.clientCert.serialNumber',
  'identity.clientCert.subjectDN',
  'identity.clientCert.validity.notAfter',
  'identity.clientCert.validity.notBefore',
  'identity.cognitoAuthenticationProvider',
  'identity.cognitoAuthenticationType',
  'identity.cognitoIdentityId',
  'identity.cognitoIdentityPoolId',
  'identity.principalOrgId',
  'identity.sourceIp',
  'identity.user',
  'identity.userAgent',
  'identity.userArn',
  'identity.vpcId',
  'identity.vpceId',
  'integration.error',
  'integration.integrationStatus',
  'integration.latency',
  'integration.requestId',
  'integration.responseTransferMode',
  'integration.status',
  'integration.timeToAllHeaders',
  'integration.timeToFirstContent',
  // On the HTTP API page only; formats shared between both kinds of API name it.
  'integrationErrorMessage',
  'integrationLatency',
  'integrationStatus',
  'isCanaryRequest',
  'path',
  'protocol',
  'requestId',
  'requestTime',
  'requestTimeEpoch',
  'resourceId',
  'resourcePath',
  'responseLatency',
  'responseLength',
  'responseOverride.status',
  'stage',
  'status',
  'tlsVersion',
  'waf.error',
  'waf.latency',
  'waf.status',
  'wafResponseCode',
  'webaclArn',
  'xrayTraceId',
]);

/**
 * Variables of HTTP and WebSocket APIs that REST stages do not have: their access logs reach the
 * stream through a CloudWatch Logs subscription, read without a format, and a reading may give
 * these names (src/parse.ts).
 */
export const OTHER_API_VARIABLES: readonly string[] = [
  'routeKey',
  'connectionId',
  'connectedAt',
  'eventType',
  'messageId',
  'messageDirection',
  'dataProcessed',
  'awsEndpointRequestId2',
];

/** Variables that name a property of their own: `$context.authorizer.claims.sub`. */
const FAMILIES = [
  'authorizer.claims.',
  'authorizer.',
  'requestOverride.header.',
  'requestOverride.path.',
  'requestOverride.querystring.',
  'responseOverride.header.',
];

/**
 * `$context.identity.apiKey` is the caller's API key itself, never to be logged (docs/contracts.md
 * §8; `$context.identity.apiKeyId` is its id): the processor writes no value of it, and the
 * commands refuse or fail a format that names it.
 */
export const API_KEY_VARIABLE = 'identity.apiKey';

/** API Gateway refuses a longer access-log format (docs/contracts.md §8: 3 KB). */
export const MAX_FORMAT_BYTES = 3 * 1024;

/** Why a format must not name API_KEY_VARIABLE, and what to name instead. */
export const API_KEY_WHY =
  "$context.identity.apiKey is the caller's API key itself: API Gateway writes it into every line, so into the stream and its S3 backup; name $context.identity.apiKeyId (the key's id) instead";

/** Whether `path` (a variable without `$context.`) is one API Gateway's list names. */
export function isAccessLogVariable(path: string): boolean {
  return VARIABLES.has(path) || FAMILIES.some((family) => path.startsWith(family));
}

/** The variables the list names, for a message that suggests the closest one. */
export function knownVariables(): string[] {
  return [...VARIABLES];
}

/**
 * The variables of a format the list does not name, each once, in order. API Gateway adds
 * variables (REST response streaming added three in November 2025), so such a name is read as a
 * string and reported, never refused: a list kept by hand always lags AWS (docs/contracts.md §2.2).
 */
export function unknownVariables(variables: readonly string[]): string[] {
  return [...new Set(variables)].filter((variable) => !isAccessLogVariable(variable));
}
