// Reading accounts, listing them, and editing a profile.
import { NotFoundError } from '../errors.ts';
import { filteredPage } from '../metadata-store/filtered-page.ts';
import type { ListPage } from '../metadata-store/metadata-store.port.ts';
import { checkPageOptions } from '../metadata-store/page-options.ts';
import { assertMayEditProfile, assertMayReadAccount, mayReadAccount, type Caller } from './account-access.ts';
import { applyProfilePatch, checkAccountId, checkObject, PROFILE_FIELDS } from './account-fields.ts';
import { updateAccountWith, type AccountsDeps } from './accounts-context.ts';
import type { Account } from './accounts.types.ts';

/** The account with this id, if the caller may see it; a malformed id is a ValidationError. */
export async function readAccount(deps: AccountsDeps, caller: Caller, id: unknown): Promise<Account> {
  const accountId = checkAccountId(id);
  const account = await deps.store.getAccount(accountId);
  if (!account) throw new NotFoundError(`account ${accountId} does not exist`);
  assertMayReadAccount(caller, account);
  return account;
}

/**
 * One page of the accounts the caller may see (admins: all; others: those not
 * disabled), in no promised order; follow `next` until it is absent.
 */
export async function listAccounts(deps: AccountsDeps, caller: Caller, options: { limit?: unknown; cursor?: unknown }): Promise<ListPage<Account>> {
  return filteredPage((page) => deps.store.listAccounts(page), (account) => mayReadAccount(caller, account), checkPageOptions(options));
}

/**
 * Applies a profile patch: `name`, `bio`, `location`, `website`, `orcid` (people)
 * and `ror` (organisations); null removes a field. Everything is checked before
 * anything is written.
 */
export async function updateProfile(deps: AccountsDeps, caller: Caller, id: unknown, body: unknown): Promise<Account> {
  const account = await readAccount(deps, caller, id);
  assertMayEditProfile(caller, account);
  const patch = checkObject(body, PROFILE_FIELDS);
  applyProfilePatch(account.profile, patch, account.type); // refuse bad input before any write
  return updateAccountWith(deps, account, (current) => ({ ...current, profile: applyProfilePatch(current.profile, patch, current.type) }));
}
