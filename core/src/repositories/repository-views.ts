// What of a repository each caller may see. Everyone who may read it: its
// description, state and flags, and the STAC collection it is. Those who may
// update it (maintainers and up): also where its files live — the data
// connection and the prefix inside it.
import { decide, type Caller } from '../access/access-rule.ts';
import type { Repository } from '../accounts/accounts.types.ts';
import { collectionIdFor } from './repository-collection.ts';

export interface RepositoryView extends Omit<Repository, 'dataConnectionId' | 'prefix'> {
  /** `{account}/{repository}`. */
  id: string;
  /** Its collection in the STAC API. */
  collectionId: string;
  dataConnectionId?: string;
  prefix?: string;
}

export function repositoryView(repository: Repository, caller: Caller): RepositoryView {
  const { dataConnectionId, prefix, ...rest } = repository;
  const view: RepositoryView = { id: `${repository.accountId}/${repository.repositoryId}`, ...rest, collectionId: collectionIdFor(repository) };
  if (decide(caller, 'repository:update', repository).allowed) Object.assign(view, { dataConnectionId, prefix });
  return view;
}
