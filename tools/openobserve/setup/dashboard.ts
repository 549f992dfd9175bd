/** The dashboard: found by title in its folder, created, or replaced whole when it differs. */
import { ApiError, RefusedError } from '../../cli/errors';
import type { Change } from '../../cli/plan';
import { field, isObject, isObjectList, isString, type Json, type OpenObserveApi } from '../api';
import { buildDashboard, DASHBOARD_TITLE } from '../dashboard';
import { folder } from './folders';
import { type SetupPart, sameAsDesired } from './part';

interface Found {
  readonly id: string;
  readonly hash: string;
  readonly v8: Json;
}

async function findDashboard(
  api: OpenObserveApi,
  org: string,
  folderId: string,
): Promise<Found | undefined> {
  if (!folderId) return undefined;
  const listed = await api.request(
    'GET',
    `/api/${org}/dashboards?folder=${encodeURIComponent(folderId)}`,
  );
  const found = field(listed, 'dashboards', isObjectList, 'GET /api/{org}/dashboards').find(
    (item) => item.title === DASHBOARD_TITLE,
  );
  if (!found) return undefined;
  const id = field(found, 'dashboard_id', isString, 'the dashboard list');
  const current = await api.request('GET', `/api/${org}/dashboards/${encodeURIComponent(id)}`);
  const where = 'GET /api/{org}/dashboards/{id}';
  return {
    id,
    hash: field(current, 'hash', isString, where),
    v8: field(current, 'v8', isObject, where),
  };
}

function replace(api: OpenObserveApi, org: string, folderId: string, found: Found, desired: Json) {
  return async () => {
    const query = `folder=${encodeURIComponent(folderId)}&hash=${encodeURIComponent(found.hash)}`;
    try {
      await api.request('PUT', `/api/${org}/dashboards/${encodeURIComponent(found.id)}?${query}`, {
        ...desired,
        dashboardId: found.id,
      });
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) {
        throw new RefusedError(
          'the dashboard was changed in OpenObserve after setup read it (HTTP 409); nothing of it was overwritten. Rerun setup to replace it with the newer version read, or save your edits under another title first',
          { cause: error },
        );
      }
      throw error;
    }
  };
}

export async function dashboardPart(
  api: OpenObserveApi,
  options: { readonly org: string; readonly stream: string; readonly folder?: string },
): Promise<SetupPart> {
  const org = encodeURIComponent(options.org);
  const { ref, change } = await folder(api, options.org, 'dashboards', options.folder);
  const desired = buildDashboard(options.stream) as Json;
  const found = await findDashboard(api, org, ref.id);
  const changes: Change[] = change ? [change] : [];
  if (!found) {
    changes.push({
      describe: `dashboard "${DASHBOARD_TITLE}": create`,
      apply: async () => {
        await api.request(
          'POST',
          `/api/${org}/dashboards?folder=${encodeURIComponent(ref.id)}`,
          desired,
        );
      },
    });
  } else if (!sameAsDesired(desired, found.v8)) {
    changes.push({
      describe: `dashboard "${DASHBOARD_TITLE}": update (its panels, queries or variables differ; edits made in the UI are replaced)`,
      apply: replace(api, org, ref.id, found, desired),
    });
  }
  return {
    changes,
    skipped: [],
    readBack: async () => {
      const after = await findDashboard(api, org, ref.id);
      return after && sameAsDesired(desired, after.v8)
        ? []
        : [`dashboard "${DASHBOARD_TITLE}": reads back other than sent`];
    },
  };
}
