/**
 * The `$context` variables API Gateway substitutes in a REST stage's access-log format
 * (docs/contracts.md §2, §8: "Variables for access logging for API Gateway"; case-sensitive). A
 * format naming anything else is refused at init: API Gateway would not fill it in, and a near
 * miss such as `$context.requestIdentity` would otherwise pass for the request id.
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
  'customDomain.basePathMatched',
  'deploymentId',
  'domainName',
  'domainPrefix',
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
  'integration.status',
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
  'waf.error',
  'waf.latency',
  'waf.status',
  'wafResponseCode',
  'webaclArn',
  'xrayTraceId',
]);

/** Variables that name a property of their own: `$context.authorizer.claims.sub`. */
const FAMILIES = [
  'authorizer.claims.',
  'authorizer.',
  'requestOverride.header.',
  'requestOverride.path.',
  'requestOverride.querystring.',
  'responseOverride.header.',
];

/** Whether `path` (a variable without `$context.`) is one API Gateway fills in. */
export function isAccessLogVariable(path: string): boolean {
  return VARIABLES.has(path) || FAMILIES.some((family) => path.startsWith(family));
}

/** The known variable closest in spelling to `path`, for a message; undefined if none is near. */
export function nearestVariable(path: string): string | undefined {
  const lower = path.toLowerCase();
  let best: string | undefined;
  for (const name of VARIABLES) {
    const candidate = name.toLowerCase();
    if (lower.startsWith(candidate) || candidate.startsWith(lower)) {
      if (!best || Math.abs(name.length - path.length) < Math.abs(best.length - path.length)) {
        best = name;
      }
    }
  }
  return best;
}
