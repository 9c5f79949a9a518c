// What of an account each caller may see. Everyone: the public profile. Those
// the access rule lets read it privately (the account itself, owners of an
// organisation, admins): also its flags, state and last change. The email only
// to the account itself — never another person's, not even to admins. Password
// hashes and sessions live in other tables and never reach a view.
import { callerAccountId, mayReadPrivate, type Caller } from './account-access.ts';
import type { Account, AccountFlags, AccountProfile, AccountType } from './accounts.types.ts';

export interface AccountView {
  id: string;
  type: AccountType;
  /** The profile without the avatar's storage key. */
  profile: Omit<AccountProfile, 'avatar'>;
  /** An avatar image has been uploaded. */
  hasAvatar: boolean;
  createdAt: string;
  email?: string;
  flags?: AccountFlags;
  disabled?: boolean;
  updatedAt?: string;
}

export function accountView(account: Account, caller: Caller): AccountView {
  const { avatar, ...profile } = account.profile;
  const view: AccountView = { id: account.id, type: account.type, profile, hasAvatar: avatar !== undefined, createdAt: account.createdAt };
  if (callerAccountId(caller) === account.id && account.email !== undefined) view.email = account.email;
  if (mayReadPrivate(caller, account)) {
    view.flags = { ...account.flags };
    view.disabled = account.disabled;
    view.updatedAt = account.updatedAt;
  }
  return view;
}
