// Sign-up of a person: id, email, password and name.
import { ConflictError } from '../errors.ts';
import { checkAccountId, checkEmail, checkName, checkObject, checkPassword } from './account-fields.ts';
import { isoTime, type AccountsDeps } from './accounts-context.ts';
import type { Account, AccountFlags } from './accounts.types.ts';
import { hashPassword } from './passwords.ts';

/** What a new person may do until an admin changes it. */
export const NEW_PERSON_FLAGS: AccountFlags = { admin: false, createRepositories: true, createOrganizations: true };

export interface NewPerson {
  id: string;
  email: string;
  password: string;
  name: string;
  flags?: AccountFlags;
}

export function checkSignUp(body: unknown): NewPerson {
  const fields = checkObject(body, ['id', 'email', 'password', 'name']);
  const id = checkAccountId(fields.id);
  const email = checkEmail(fields.email);
  return { id, email, name: checkName(fields.name), password: checkPassword(fields.password, { id, email }) };
}

/**
 * Creates the account, then stores its password hash. Not the other way round:
 * the hash is keyed by account id and written unconditionally, so writing it
 * before winning the id would let a losing concurrent sign-up replace the
 * winner's password. If storing the hash fails, the account is deleted again
 * (conditional on being unchanged) so the id and email are not left taken by an
 * account nobody can sign in to.
 */
export async function createPerson(deps: AccountsDeps, person: NewPerson): Promise<Account> {
  // Fail fast, before the deliberately slow hash; the conditional write below decides races.
  if (await deps.store.getAccount(person.id)) throw new ConflictError(`the account id ${person.id} is taken`);
  if (await deps.store.getAccountByEmail(person.email)) throw new ConflictError('an account with this email already exists');
  const hash = await hashPassword(person.password);
  const now = isoTime(deps.clock);
  const account: Account = {
    id: person.id,
    type: 'individual',
    profile: { name: person.name },
    flags: { ...(person.flags ?? NEW_PERSON_FLAGS) },
    email: person.email,
    disabled: false,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await deps.store.createAccount(account);
  } catch (error) {
    if (error instanceof ConflictError && !/email/.test(error.message)) throw new ConflictError(`the account id ${person.id} is taken`);
    throw error;
  }
  try {
    await deps.store.setPasswordHash(account.id, hash);
  } catch (error) {
    await deps.store.deleteAccount(account.id, account.updatedAt).catch(() => undefined);
    throw error;
  }
  return account;
}

export async function signUp(deps: AccountsDeps, body: unknown): Promise<Account> {
  return createPerson(deps, checkSignUp(body));
}
