// Listings of repositories, per account and across all of them, filtered by text
// and tags. A listing holds exactly what decide(caller, 'repository:list', …)
// allows, and its pages are cut by filteredPage, so following `next` from page to
// page yields every such repository once, whatever share of the store it hides.
import { decide, type Caller } from '../access/access-rule.ts';
import type { AccountsDeps } from '../accounts/accounts-context.ts';
import type { Repository } from '../accounts/accounts.types.ts';
import { filteredPage } from '../metadata-store/filtered-page.ts';
import { checkPageOptions } from '../metadata-store/page-options.ts';
import type { ListPage } from '../metadata-store/metadata-store.port.ts';
import { checkRepositoryFilters, matchesFilters } from './repository-fields.ts';
import { readVisibleAccount } from './repositories.service.ts';

export interface RepositoryListQuery {
  q?: unknown;
  tag?: unknown;
  limit?: unknown;
  cursor?: unknown;
}

/** Every repository the caller may list, optionally of one account; in path order. */
export async function listRepositories(
  deps: AccountsDeps, caller: Caller, query: RepositoryListQuery, accountId?: unknown,
): Promise<ListPage<Repository>> {
  const account = accountId === undefined ? undefined : await readVisibleAccount(deps, caller, accountId, 'account');
  const filters = checkRepositoryFilters(query);
  const page = checkPageOptions(query);
  const keep = (repository: Repository) => decide(caller, 'repository:list', repository).allowed && matchesFilters(repository, filters);
  return filteredPage((options) => deps.store.listRepositories({ ...options, accountId: account?.id }), keep, page);
}
