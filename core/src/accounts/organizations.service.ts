// Organisations, created by a signed-in person who becomes their first owner.
import { ConflictError, ValidationError } from '../errors.ts';
import { assertMayCreateOrganization, type Caller } from './account-access.ts';
import { applyProfilePatch, checkAccountId, checkObject, PROFILE_FIELDS } from './account-fields.ts';
import { isoTime, type AccountsDeps } from './accounts-context.ts';
import type { Account, Membership } from './accounts.types.ts';

export const NEW_ORGANIZATION_FLAGS = { admin: false, createRepositories: true, createOrganizations: false } as const;

export interface NewOrganization {
  id: string;
  profile: Account['profile'];
}

export function checkNewOrganization(body: unknown): NewOrganization {
  const fields = checkObject(body, ['id', ...PROFILE_FIELDS]);
  const id = checkAccountId(fields.id);
  if (fields.name === undefined || fields.name === null) throw new ValidationError('name is required');
  const { id: _id, ...patch } = fields;
  return { id, profile: applyProfilePatch({ name: '' }, patch, 'organization') };
}

/**
 * Two writes, and dynalite (the embedded store) has no transactions, so they are
 * ordered and the second one's failure compensated:
 *   1. the organisation's account, conditional on the id being free — of
 *      concurrent creators of one id exactly one gets past this;
 *   2. the creator's 'owners' membership of it, state 'member';
 *   3. if 2 fails, the account from 1 is deleted again (conditional on unchanged).
 * Not the membership first: a membership left behind by a crash would make its
 * holder an owner of whichever account later took that id. This order can leave,
 * after a crash between 1 and 2, an organisation without owners, which gives
 * nobody any right; an admin can then delete it or make someone its owner.
 */
export async function createOrganization(deps: AccountsDeps, caller: Caller, body: unknown): Promise<{ organization: Account; membership: Membership }> {
  assertMayCreateOrganization(caller);
  if (caller.kind !== 'account') throw new Error('unreachable: the access rule admits only signed-in callers');
  const { id, profile } = checkNewOrganization(body);
  if (await deps.store.getAccount(id)) throw new ConflictError(`the account id ${id} is taken`);
  const now = isoTime(deps.clock);
  const organization: Account = {
    id, type: 'organization', profile, flags: { ...NEW_ORGANIZATION_FLAGS }, disabled: false, createdAt: now, updatedAt: now,
  };
  try {
    await deps.store.createAccount(organization);
  } catch (error) {
    if (error instanceof ConflictError) throw new ConflictError(`the account id ${id} is taken`);
    throw error;
  }
  const membership: Membership = {
    resource: id, memberId: caller.accountId, role: 'owners', state: 'member', invitedBy: caller.accountId, createdAt: now, updatedAt: now,
  };
  try {
    await deps.store.createMembership(membership);
  } catch (error) {
    await deps.store.deleteAccount(id, organization.updatedAt).catch(() => undefined);
    throw error;
  }
  return { organization, membership };
}
