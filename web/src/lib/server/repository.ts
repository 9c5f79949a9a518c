// What every page of a repository needs: the repository as the caller may see it
// (a hidden one is a 404, like a missing one), and whether the caller may change it.
import type { RepositoryView } from '@meridian/core/repositories/repository-views';
import type { ApiClient } from './api-client.ts';

export const repositoryApiPath = (account: string, repository: string) => `/api/v1/repositories/${encodeURIComponent(account)}/${encodeURIComponent(repository)}`;

export async function loadRepository(api: ApiClient, account: string, repository: string) {
  const view = await api.get<RepositoryView>(repositoryApiPath(account, repository));
  // Where the files live is shown to maintainers and up only: the API's own signal that the caller may edit.
  return { repository: view, canEdit: view.dataConnectionId !== undefined };
}
