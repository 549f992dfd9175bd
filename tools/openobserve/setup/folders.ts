/** Folders for the dashboard and the alerts: found by name, created by a change when missing. */
import { ApiError, RefusedError } from '../../cli/errors';
import type { Change } from '../../cli/plan';
import { field, isObjectList, isString, type Json, type OpenObserveApi } from '../api';

export interface FolderRef {
  /** Set once the folder exists: at once for an existing one, after its change for a new one. */
  id: string;
}

/** The folders of a type, `default` (OpenObserve's, without a name) among them. */
export async function listFolders(
  api: OpenObserveApi,
  org: string,
  type: 'dashboards' | 'alerts',
): Promise<{ readonly id: string; readonly name: string }[]> {
  let answer: Json;
  try {
    answer = await api.request('GET', `/api/v2/${encodeURIComponent(org)}/folders/${type}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      throw new RefusedError(
        `OpenObserve has no organization "${org}" (HTTP 404 for its folders): pass the organization id shown in the OpenObserve UI with --org`,
        { cause: error },
      );
    }
    throw error;
  }
  return field(answer, 'list', isObjectList, `GET /api/v2/{org}/folders/${type}`).map((item) => ({
    id: field(item, 'folderId', isString, `the ${type} folder list`),
    name: typeof item.name === 'string' ? item.name : '',
  }));
}

/** A folder's id by name (OpenObserve's `default` without a name), and the change that makes it. */
export async function folder(
  api: OpenObserveApi,
  org: string,
  type: 'dashboards' | 'alerts',
  name: string | undefined,
): Promise<{ ref: FolderRef; change?: Change }> {
  const list = await listFolders(api, org, type);
  if (!name) return { ref: { id: 'default' } };
  const found = list.find((item) => item.name === name);
  if (found) return { ref: { id: found.id } };
  const ref: FolderRef = { id: '' };
  const change: Change = {
    describe: `${type} folder "${name}": create`,
    async apply() {
      const path = `/api/v2/${encodeURIComponent(org)}/folders/${type}`;
      const created = await api.request('POST', path, {
        name,
        description: 'API Gateway health (apigw-firehose-openobserve)',
      });
      ref.id = field(created, 'folderId', isString, `POST /api/v2/{org}/folders/${type}`);
    },
  };
  return { ref, change };
}
