/** Folders for the dashboard and the alerts: found by name, created by a change when missing. */
import { ApiError, RefusedError } from '../../cli/errors';
import type { Change } from '../../cli/plan';
import { field, isObjectList, isString, type Json, type OpenObserveApi } from '../api';

export interface FolderRef {
  /** Set once the folder exists: at once for an existing one, after its change for a new one. */
  id: string;
}

/** A folder's id by name (OpenObserve's `default` without a name), and the change that makes it. */
export async function folder(
  api: OpenObserveApi,
  org: string,
  type: 'dashboards' | 'alerts',
  name: string | undefined,
): Promise<{ ref: FolderRef; change?: Change }> {
  const path = `/api/v2/${encodeURIComponent(org)}/folders/${type}`;
  let answer: Json;
  try {
    answer = await api.request('GET', path);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      throw new RefusedError(
        `OpenObserve has no organization "${org}" (HTTP 404 for its folders): pass the organization id shown in the OpenObserve UI with --org`,
        { cause: error },
      );
    }
    throw error;
  }
  const list = field(answer, 'list', isObjectList, `GET /api/v2/{org}/folders/${type}`);
  if (!name) return { ref: { id: 'default' } };
  const found = list.find((item) => item.name === name);
  if (found) return { ref: { id: field(found, 'folderId', isString, `the ${type} folder list`) } };
  const ref: FolderRef = { id: '' };
  const change: Change = {
    describe: `${type} folder "${name}": create`,
    async apply() {
      const created = await api.request('POST', path, {
        name,
        description: 'API Gateway health (apigw-firehose-openobserve)',
      });
      ref.id = field(created, 'folderId', isString, `POST /api/v2/{org}/folders/${type}`);
    },
  };
  return { ref, change };
}
