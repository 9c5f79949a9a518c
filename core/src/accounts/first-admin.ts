// The first admin, created from configuration (ADMIN_EMAIL with ADMIN_PASSWORD or
// ADMIN_PASSWORD_FILE) when the store holds no account at all. On a store that
// has accounts nothing happens, whatever the configuration says: the admins are
// then whoever the existing admins made.
import { ConflictError } from '../errors.ts';
import type { AccountsDeps } from './accounts-context.ts';
import { createPerson } from './sign-up.service.ts';

export interface FirstAdmin {
  id: string;
  email: string;
  password: string;
}

/**
 * `created`: the admin was created. `not-empty`: the store has accounts, nothing
 * was done. `none`: the store is empty and no admin is configured, so none exists
 * (the caller should say so).
 */
export type FirstAdminOutcome = 'created' | 'not-empty' | 'none';

export async function ensureFirstAdmin(deps: AccountsDeps, admin: FirstAdmin | undefined): Promise<FirstAdminOutcome> {
  if (await deps.store.hasAccounts()) return 'not-empty';
  if (!admin) return 'none';
  try {
    await createPerson(deps, {
      id: admin.id,
      email: admin.email,
      password: admin.password,
      name: 'Administrator',
      flags: { admin: true, createRepositories: true, createOrganizations: true },
    });
  } catch (error) {
    // Another process starting on the same store created it first.
    if (error instanceof ConflictError) return 'not-empty';
    throw error;
  }
  return 'created';
}
