// What every page of a repository needs: the repository as the caller may see it
// (a hidden one is a 404, like a missing one), and what the caller may do with it.
import type { RepositoryView } from '@meridian/core/repositories/repository-views';
import type { Membership } from '#lib/memberships.ts';
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
