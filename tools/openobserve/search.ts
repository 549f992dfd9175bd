/** OpenObserve's search API: SQL over a time range, rows back (docs/contracts.md §6). */
import { RefusedError, UnexpectedAnswerError } from '../cli/errors';
import { isObjectList, type Json, type OpenObserveApi } from './api';

export interface SearchRange {
  /** Epoch microseconds, the unit of `_timestamp`. */
  readonly startUs: number;
  readonly endUs: number;
}

/** The rows `sql` finds in the range, at most `size` of them. */
export async function searchEvents(
  api: OpenObserveApi,
  org: string,
  sql: string,
  range: SearchRange,
  size = 1000,
): Promise<Json[]> {
  const answer = await api.request('POST', `/api/${encodeURIComponent(org)}/_search?type=logs`, {
    query: { sql, start_time: range.startUs, end_time: range.endUs, from: 0, size },
  });
  if (answer.is_partial === true) {
    // Part of the range was not searched (a stream's max query range cuts it, say): no event
    // found would say nothing of the rest, and a command would take it for "not there".
    const why = Array.isArray(answer.function_error) ? answer.function_error.join('; ') : '';
    throw new RefusedError(
      `OpenObserve searched only part of the range${why ? ` (${why})` : ''}: give a shorter one (--since)`,
    );
  }
  const hits = answer.hits;
  if (!isObjectList(hits)) {
    throw new UnexpectedAnswerError(
      `OpenObserve's search answer has no list of rows in hits (got ${JSON.stringify(hits)?.slice(0, 80)})`,
    );
  }
  return hits;
}
