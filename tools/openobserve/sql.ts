/** SQL pieces the dashboard and the alerts share (docs/contracts.md §6). */

/**
 * How many requests the events stand for: an event SAMPLE kept 1 in n of carries `sample_rate: n`
 * (events written before sampling existed have none, hence COALESCE), so counts stay true.
 */
export const WEIGHT = 'COALESCE(sample_rate, 1)';
export const COUNT = `SUM(${WEIGHT})`;
/** A percentile that weighs each event by the requests it stands for. */
export const percentile = (field: string, q: number) =>
  `approx_percentile_cont_with_weight(${field}, ${WEIGHT}, ${q})`;
