/**
 * The stream's dashboard: found by its title and the stream it shows, in whatever folder it is
 * (the one `--folder` names first), created in that folder when there is none, or replaced whole
 * where it is when it differs. One stream's setup never takes another stream's dashboard.
 */
import { ApiError, RefusedError } from '../../cli/errors';
import type { Change } from '../../cli/plan';
import { field, isObject, isObjectList, isString, type Json, type OpenObserveApi } from '../api';
import { buildDashboard, DASHBOARD_TITLE, dashboardStream, dashboardTitle } from '../dashboard';
import { DEFAULT_STREAM } from '../stream-settings';
import { folder, listFolders } from './folders';
import { type SetupPart, sameAsDesired, whoWrites } from './part';

interface Found {
  readonly id: string;
  readonly hash: string;
  readonly v8: Json;
  readonly folder: { readonly id: string; readonly name: string };
}

/**
 * The stream's dashboard: titled for the stream and showing it, or, for a stream other than the
 * default, the plain title a version before this one gave every stream's dashboard.
 */
async function findDashboard(
  api: OpenObserveApi,
  org: string,
  stream: string,
  firstFolderId: string,
): Promise<Found | undefined> {
  const titles = [dashboardTitle(stream)];
  if (stream !== DEFAULT_STREAM) titles.push(DASHBOARD_TITLE);
  const folders = await listFolders(api, org, 'dashboards');
  folders.sort((a, b) => Number(b.id === firstFolderId) - Number(a.id === firstFolderId));
  for (const title of titles) {
    for (const where of folders) {
      const listed = await api.request(
        'GET',
        `/api/${encodeURIComponent(org)}/dashboards?folder=${encodeURIComponent(where.id)}`,
      );
      const items = field(listed, 'dashboards', isObjectList, 'GET /api/{org}/dashboards');
      for (const item of items.filter((candidate) => candidate.title === title)) {
        const id = field(item, 'dashboard_id', isString, 'the dashboard list');
        const path = `/api/${encodeURIComponent(org)}/dashboards/${encodeURIComponent(id)}`;
        const current = await api.request('GET', path);
        const at = 'GET /api/{org}/dashboards/{id}';
        const v8 = field(current, 'v8', isObject, at);
        if (dashboardStream(v8) !== stream) continue;
        return { id, hash: field(current, 'hash', isString, at), v8, folder: where };
      }
    }
  }
  return undefined;
}

function replace(api: OpenObserveApi, org: string, found: Found, desired: Json) {
  return async () => {
    const query = `folder=${encodeURIComponent(found.folder.id)}&hash=${encodeURIComponent(found.hash)}`;
    try {
      await api.request(
        'PUT',
        `/api/${encodeURIComponent(org)}/dashboards/${encodeURIComponent(found.id)}?${query}`,
        { ...desired, dashboardId: found.id },
      );
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

/** What of the stream the dashboard's panels name that it does not have yet, said once. */
function panelsLacking(
  desired: ReturnType<typeof buildDashboard>,
  stream: string,
  lacks: (sql: string) => string[],
): string[] {
  const panels = desired.tabs.flatMap((tab) => tab.panels);
  const lacking = panels.map((panel) => lacks(panel.queries[0]?.query ?? ''));
  const failing = lacking.filter((fields) => fields.length).length;
  if (failing === 0) return [];
  const fields = [...new Set(lacking.flat())];
  return [
    `dashboard: ${failing} of ${panels.length} panels name fields "${stream}" does not have yet (${fields.join(', ')}): they show an error until events with them arrive (${whoWrites(fields)})`,
  ];
}

export async function dashboardPart(
  api: OpenObserveApi,
  options: { readonly org: string; readonly stream: string; readonly folder?: string },
  lacks: (sql: string) => string[] = () => [],
): Promise<SetupPart> {
  const { ref, change } = await folder(api, options.org, 'dashboards', options.folder);
  const built = buildDashboard(options.stream);
  const desired = built as Json;
  const title = `dashboard "${desired.title}"`;
  const found = await findDashboard(api, options.org, options.stream, ref.id);
  const changes: Change[] = [];
  const skipped: string[] = [];
  if (!found) {
    if (change) changes.push(change);
    changes.push({
      describe: `${title}: create`,
      apply: async () => {
        await api.request(
          'POST',
          `/api/${encodeURIComponent(options.org)}/dashboards?folder=${encodeURIComponent(ref.id)}`,
          desired,
        );
      },
    });
  } else {
    if (options.folder && found.folder.id !== ref.id) {
      skipped.push(
        `${title} is in folder "${found.folder.name || found.folder.id}", not "${options.folder}": it stays there (move it in OpenObserve's UI)`,
      );
    }
    if (!sameAsDesired(desired, found.v8)) {
      changes.push({
        describe: `${title}: update (its panels, queries or variables differ; edits made in the UI are replaced)`,
        apply: replace(api, options.org, found, desired),
      });
    }
  }
  skipped.push(...panelsLacking(built, options.stream, lacks));
  return {
    changes,
    skipped,
    readBack: async () => {
      const after = await findDashboard(api, options.org, options.stream, ref.id);
      return after && sameAsDesired(desired, after.v8)
        ? []
        : [`${title}: reads back other than sent`];
    },
  };
}
