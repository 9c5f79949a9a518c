// The accounts module's permission questions. Each one delegates to the one
// access rule (core/src/access/access-rule.ts, DESIGN §4), which alone decides who
// may do what to which account; nothing here adds a rule of its own.
import { ANONYMOUS, assertAllowed, callerFor, decide, type Caller } from '../access/access-rule.ts';
import type { MetadataStore } from '../metadata-store/metadata-store.port.ts';
import type { Account, ApiKey } from './accounts.types.ts';

export { ANONYMOUS, type Caller };

/**
 * The access rule's caller for a signed-in account: the account with every
 * membership it holds, limited as `apiKey` says when an API key (already
 * verified) authenticated the request.
 */
export async function loadCaller(store: MetadataStore, account: Account, apiKey?: Pick<ApiKey, 'accountId' | 'repository'>): Promise<Caller> {
  if (account.disabled) return ANONYMOUS;
  const memberships = [];
  let cursor: string | undefined;
  do {
    const page = await store.listMembershipsFor(account.id, { limit: 1000, cursor });
    memberships.push(...page.items);
    cursor = page.next;
  } while (cursor);
  return callerFor(account, memberships, apiKey);
}

export const callerAccountId = (caller: Caller): string | undefined => (caller.kind === 'account' ? caller.accountId : undefined);

/** Public profile: everyone, except that disabled accounts exist only for their owners and admins. */
export const mayReadAccount = (caller: Caller, account: Account) => decide(caller, 'account:read', account).allowed;
/** Flags, state and last change (the email is shown to the account itself only; see account-views.ts). */
export const mayReadPrivate = (caller: Caller, account: Account) => decide(caller, 'account:read_private', account).allowed;

export const assertMayReadAccount = (caller: Caller, account: Account) => assertAllowed(decide(caller, 'account:read', account));
export const assertMayEditProfile = (caller: Caller, account: Account) => assertAllowed(decide(caller, 'account:update_profile', account));
export const assertMaySetFlags = (caller: Caller, account: Account) => assertAllowed(decide(caller, 'account:set_flags', account));
export const assertMayCreateOrganization = (caller: Caller) => assertAllowed(decide(caller, 'organization:create'));
