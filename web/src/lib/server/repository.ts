// What every page of a repository needs: the repository as the caller may see it
// (a hidden one is a 404, like a missing one), and what the caller may do with it.
import type { RepositoryView } from '@meridian/core/repositories/repository-views';
import type { Membership } from '#lib/memberships.ts';
import type { IndexStatusView } from '#lib/repositories/index-status.ts';
import { ApiError, type ApiClient } from './api-client.ts';

export const repositoryApiPath = (account: string, repository: string) => `/api/v1/repositories/${encodeURIComponent(account)}/${encodeURIComponent(repository)}`;

export async function loadRepository(api: ApiClient, account: string, repository: string) {
  const view = await api.get<RepositoryView>(repositoryApiPath(account, repository));
  // Where the files live is shown to maintainers and up only: the API's own signal that the caller may edit.
  return { repository: view, canEdit: view.dataConnectionId !== undefined };
}

/**
 * Whether the signed-in person may upload: maintainers and up (they may edit), or a
 * `write_data` member — the members list, readable to members, says which. The
 * data proxy decides each write anyway; this only decides what the page offers.
 */
export async function mayWriteData(api: ApiClient, me: string | undefined, account: string, repository: string, canEdit: boolean): Promise<boolean> {
  if (canEdit) return true;
  if (!me) return false;
  try {
    const { members } = await api.get<{ members: Membership[] }>(`${repositoryApiPath(account, repository)}/members`, { limit: 100 });
    return members.some((m) => m.memberId === me && m.state === 'member' && m.role === 'write_data');
  } catch (error) {
    if (error instanceof ApiError && (error.status === 403 || error.status === 404)) return false;
    throw error;
  }
}

const REPOSITORY_COLLECTION = /^([a-z0-9]+(?:-[a-z0-9]+)*)\.([a-z0-9]+(?:-[a-z0-9]+)*)(?:\.|$)/;

export interface CollectionRepository {
  id: string;
  title: string;
  /** The index status with its validation report, for the repository's maintainers and up. */
  report: IndexStatusView | undefined;
}

/**
 * The repository a STAC collection belongs to, by its id (`{account}.{repository}`
 * or a collection found inside it), when the caller may see it; with the
 * validation report when the caller may read it.
 */
export async function repositoryOfCollection(api: ApiClient, collectionId: string): Promise<CollectionRepository | undefined> {
  const match = REPOSITORY_COLLECTION.exec(collectionId);
  if (!match) return undefined;
  try {
    const { repository, canEdit } = await loadRepository(api, match[1], match[2]);
    const report = canEdit ? await api.get<IndexStatusView>(`${repositoryApiPath(match[1], match[2])}/index`) : undefined;
    return { id: repository.id, title: repository.title, report };
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}
