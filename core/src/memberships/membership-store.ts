// Memberships read and written in bulk, through the store's pages.
import { nextUpdatedAt, type AccountsDeps } from '../accounts/accounts-context.ts';
import type { Membership } from '../accounts/accounts.types.ts';
import { ConflictError } from '../errors.ts';

/** Every membership of a resource, in any state. */
export async function allMembershipsOf(deps: Pick<AccountsDeps, 'store'>, resource: string): Promise<Membership[]> {
  const all: Membership[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.store.listMembershipsOf(resource, { limit: 1000, cursor });
    all.push(...page.items);
    cursor = page.next;
  } while (cursor);
  return all;
}

/**
 * Revokes every membership of a resource that is not revoked yet (the resource is
 * going away). Each write is conditional; one that loses to a concurrent change
 * is read and revoked again.
 */
export async function revokeAllMembershipsOf(deps: AccountsDeps, resource: string): Promise<void> {
  for (const membership of await allMembershipsOf(deps, resource)) {
    let current: Membership | undefined = membership;
    for (let attempt = 1; current && current.state !== 'revoked'; attempt++) {
      try {
        await deps.store.updateMembership({ ...current, state: 'revoked', updatedAt: nextUpdatedAt(deps.clock, current.updatedAt) }, current.updatedAt);
        break;
      } catch (error) {
        if (!(error instanceof ConflictError) || attempt >= 5) throw error;
        current = await deps.store.getMembership(current.resource, current.memberId);
      }
    }
  }
}
