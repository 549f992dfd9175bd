/**
 * X-Ray's trace id in W3C/OpenTelemetry form, the `trace_id` OpenObserve links to its trace view
 * (docs/contracts.md §8): `1-5759e988-bd862e3fe1be46a994272793` → `5759e988bd862e3fe1be46a994272793`
 * (the 8 hex digits of the time, then the 24 of the random part). `Root=` before it and `;…`
 * after it (the tracing header's form) are taken off; anything else is not a trace id and is left
 * out, never guessed, and so is an id of all zeros (invalid in W3C Trace Context). Written by hand: a fixed-length check, no regular expression to backtrack.
 */
const isHex = (text: string, from: number, to: number) => {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) return false;
  }
  return true;
};

const INVALID = '0'.repeat(32);

export function traceIdOf(xrayTraceId: string): string | undefined {
  let id = xrayTraceId.startsWith('Root=') ? xrayTraceId.slice(5) : xrayTraceId;
  const semicolon = id.indexOf(';');
  if (semicolon >= 0) id = id.slice(0, semicolon);
  // 1-{8 hex}-{24 hex}: 35 characters.
  if (id.length !== 35 || !id.startsWith('1-') || id[10] !== '-') return undefined;
  if (!isHex(id, 2, 10) || !isHex(id, 11, 35)) return undefined;
  const w3c = `${id.slice(2, 10)}${id.slice(11)}`.toLowerCase();
  // All zeros is W3C Trace Context's invalid id: every event with it would share one trace.
  return w3c === INVALID ? undefined : w3c;
}
