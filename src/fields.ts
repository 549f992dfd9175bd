/**
 * The vocabulary of an event: canonical field names, their types, and the aliases under which
 * other log formats name them.
 *
 * OpenObserve lowercases keys and turns every character outside [a-z0-9_] into `_`
 * (docs/contracts.md §5), so canonical names are already in that form: what we emit is what users query.
 */

/** A parsed access-log line: canonical field name → value. Never holds null (§5 drops nulls). */
export type Fields = Record<string, string | number>;

/**
 * Fields that are integers in every event. A column changes type, or drops records, when one value
 * does not fit (§5), so membership here is decided by name only, never by the value seen.
 */
const INTEGER_FIELDS = new Set([
  'status',
  'response_length',
  'request_time_epoch',
  'response_latency',
  'integration_latency',
  'integration_status',
  'authorizer_status',
  'authorize_status',
  'authenticate_status',
  'waf_status',
  'method_status',
  'authorizer_integration_status',
  'integration_integration_status',
  'response_override_status',
  // REST response streaming (docs/contracts.md §2.2): milliseconds.
  'integration_time_to_all_headers',
  'integration_time_to_first_content',
]);

export function isIntegerField(field: string): boolean {
  if (INTEGER_FIELDS.has(field) || field.endsWith('_latency')) return true;
  // A second variable of one name (compile.ts, distinctField): `integration_status_2`.
  const last = field.charCodeAt(field.length - 1);
  if (last < 48 || last > 57) return false;
  const numbered = /^(.+)_\d+$/.exec(field);
  return numbered !== null && isIntegerField(numbered[1] as string);
}

/**
 * snake_case in OpenObserve's normal form: `sourceIp` → `source_ip`, `subjectDN` → `subject_dn`,
 * `x-amzn-trace` → `x_amzn_trace`.
 */
export function snakeCase(name: string): string {
  // The last capital of a run before a lower-case letter starts a word (`subjectDNName` →
  // `subject_dn_name`): a look-ahead, so each place is looked at once. `([A-Z]+)([A-Z][a-z])`
  // backtracked over a run of capitals, quadratic in a client's key of them.
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])(?=[A-Z][a-z])/g, '$1_')
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_');
}

/**
 * Canonical name of a `$context.*` variable: the path without `$context.` and `identity.`, in
 * snake_case. `identity.sourceIp` → `source_ip`; `integration.latency` → `integration_latency`.
 */
export function canonicalName(variablePath: string): string {
  const path = variablePath.replace(/^\$context\./, '').replace(/^identity\./, '');
  return snakeCase(path.replace(/\./g, '_'));
}

/**
 * Names that JSON formats and `Label: value` formats use for the same facts. Keyed by the name
 * lowercased with everything but letters and digits removed, so `SourceIP`, `sourceIp` and
 * `source_ip` meet in one entry.
 */
const ALIASES = new Map<string, string>(
  Object.entries({
    ip: 'source_ip',
    sourceip: 'source_ip',
    clientip: 'source_ip',
    identitysourceip: 'source_ip',
    status: 'status',
    statuscode: 'status',
    httpstatus: 'status',
    method: 'http_method',
    httpmethod: 'http_method',
    requestid: 'request_id',
    extendedrequestid: 'extended_request_id',
    resourcepath: 'resource_path',
    // HTTP APIs' key for the route (their JSON access logs arrive through CloudWatch Logs).
    routekey: 'route_key',
    path: 'path',
    protocol: 'protocol',
    responselength: 'response_length',
    requesttime: 'request_time',
    requesttimeepoch: 'request_time_epoch',
    responselatency: 'response_latency',
    latency: 'response_latency',
    integrationlatency: 'integration_latency',
    integrationstatus: 'integration_status',
    useragent: 'user_agent',
    identityuseragent: 'user_agent',
    errormessage: 'error_message',
    error: 'error_message',
    apiid: 'api_id',
    stage: 'stage',
    domainname: 'domain_name',
    caller: 'caller',
    user: 'user',
  }),
); // a Map: a key such as `constructor` must not find Object.prototype's

/** The canonical names the alias table gives. */
export const ALIAS_FIELDS: readonly string[] = [...new Set(ALIASES.values())];

/**
 * Keys, lowercased, that name one of `fields`: each field's own name and every alias of it as the
 * table keys it (`requestid`, `request_id`, `statuscode`). For a check of every key of a record
 * that a lowercase and one lookup settle, where aliasName's rewriting would cost more.
 */
export function keysNaming(fields: ReadonlySet<string>): ReadonlySet<string> {
  const keys = new Set<string>(fields);
  for (const [key, field] of ALIASES) if (fields.has(field)) keys.add(key);
  return keys;
}

/** A key as the alias table keys it: lowercased, letters and digits only (`Source-IP` → `sourceip`). */
export const squashKey = (key: string): string => key.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * Canonical name for a key found in a JSON line or a `Label: value` line; `squashed` is
 * squashKey(key), for a caller that has it already.
 */
export function aliasName(key: string, squashed = squashKey(key)): string {
  return ALIASES.get(squashed) ?? snakeCase(key.replace(/\./g, '_'));
}

/** At most this many fields per event, whatever a line holds (§5: field count per batch is capped). */
export const MAX_EVENT_FIELDS = 64;

/**
 * A label text from a line may become a field name only if it looks like one: letters, digits,
 * `_ . -`, at most 64 characters (§5: attacker-controlled text must not create unbounded names).
 */
export function isLabel(key: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(key);
}

/**
 * Integer value of an access-log string, or undefined. Hand-written: it runs for every integer
 * field of every line, and rejects what `Number()` would accept (`1e3`, ` 12`, `0x1f`).
 */
export function toInteger(value: string): number | undefined {
  const length = value.length;
  if (length === 0 || length > 15) return undefined;
  let index = value.charCodeAt(0) === 45 /* - */ ? 1 : 0;
  if (index === length) return undefined;
  let result = 0;
  for (; index < length; index++) {
    const digit = value.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return undefined;
    result = result * 10 + digit;
  }
  return value.charCodeAt(0) === 45 ? -result : result;
}
