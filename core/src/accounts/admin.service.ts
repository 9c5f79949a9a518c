// What only admins change: an account's flags (admin, may create repositories,
// may create organisations) and whether it is disabled. A disabled account can
// neither sign in nor use a session it already has, and disappears from public
// reads and listings.
import { ValidationError } from '../errors.ts';
import { assertMaySetFlags, callerAccountId, type Caller } from './account-access.ts';
import { checkObject } from './account-fields.ts';
import { updateAccountWith, type AccountsDeps } from './accounts-context.ts';
import type { Account, AccountFlags } from './accounts.types.ts';
import { readAccount } from './profile.service.ts';

const FLAG_NAMES = ['admin', 'createRepositories', 'createOrganizations'] as const;

export interface FlagsPatch {
  flags: Partial<AccountFlags>;
  disabled?: boolean;
}

export function checkFlagsPatch(body: unknown): FlagsPatch {
  const fields = checkObject(body, [...FLAG_NAMES, 'disabled']);
  const patch: FlagsPatch = { flags: {} };
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (typeof value !== 'boolean') throw new ValidationError(`${name} must be true or false`);
    if (name === 'disabled') patch.disabled = value;
    else patch.flags[name as keyof AccountFlags] = value;
  }
  if (Object.keys(patch.flags).length === 0 && patch.disabled === undefined) {
    throw new ValidationError(`nothing to change: expected some of ${[...FLAG_NAMES, 'disabled'].join(', ')}`);
  }
  return patch;
}

export async function setFlags(deps: AccountsDeps, caller: Caller, id: unknown, body: unknown): Promise<Account> {
  const account = await readAccount(deps, caller, id);
  assertMaySetFlags(caller, account);
  const patch = checkFlagsPatch(body);
  // An admin cannot lock themselves out, so there is always at least one admin.
  if (callerAccountId(caller) === account.id && (patch.flags.admin === false || patch.disabled === true)) {
    throw new ValidationError('admins cannot remove their own admin flag or disable their own account; ask another admin');
  }
  if (account.type === 'organization' && patch.flags.admin === true) {
    throw new ValidationError('organisations cannot be admins: they do not sign in');
  }
  return updateAccountWith(deps, account, (current) => ({
    ...current,
    flags: { ...current.flags, ...patch.flags },
    disabled: patch.disabled ?? current.disabled,
  }));
}
