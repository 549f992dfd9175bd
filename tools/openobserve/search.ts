/** OpenObserve's search API: SQL over a time range, rows back (docs/contracts.md §6). */
import { UnexpectedAnswerError } from '../cli/errors';
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
  const hits = answer.hits;
  if (!isObjectList(hits)) {
    throw new UnexpectedAnswerError(
      `OpenObserve's search answer has no list of rows in hits (got ${JSON.stringify(hits)?.slice(0, 80)})`,
    );
  }
  return hits;
}
