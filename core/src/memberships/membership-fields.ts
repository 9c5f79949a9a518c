// The rules for membership input: roles, invitation bodies, role changes and the
// `{account}` / `{account}/{repository}` resource names.
import { checkAccountId, checkObject } from '../accounts/account-fields.ts';
import type { Role } from '../accounts/accounts.types.ts';
import { ValidationError } from '../errors.ts';
import { checkRepositoryId } from '../repositories/repository-fields.ts';

export const ROLES: readonly Role[] = ['owners', 'maintainers', 'write_data', 'read_data'];

export function checkRole(value: unknown): Role {
  if (value === undefined) throw new ValidationError(`role is required: one of ${ROLES.join(', ')}`);
  if (typeof value !== 'string' || !(ROLES as readonly string[]).includes(value)) {
    throw new ValidationError(`role must be one of ${ROLES.join(', ')}${typeof value === 'string' ? `, not ${JSON.stringify(value.slice(0, 40))}` : ''}`);
  }
  return value as Role;
}

export function checkInvitation(body: unknown): { memberId: string; role: Role } {
  const fields = checkObject(body, ['memberId', 'role']);
  return { memberId: checkAccountId(fields.memberId, 'memberId'), role: checkRole(fields.role) };
}

export function checkRoleChange(body: unknown): Role {
  return checkRole(checkObject(body, ['role']).role);
}

export type ResourceRef = { kind: 'organization'; accountId: string } | { kind: 'repository'; accountId: string; repositoryId: string };

/** `{account}` (an organisation) or `{account}/{repository}`. */
export function parseResource(value: string): ResourceRef {
  const parts = value.split('/');
  if (parts.length === 1) return { kind: 'organization', accountId: checkAccountId(parts[0], 'resource') };
  if (parts.length === 2) return { kind: 'repository', accountId: checkAccountId(parts[0], 'resource'), repositoryId: checkRepositoryId(parts[1], 'resource') };
  throw new ValidationError(`resource ${JSON.stringify(value.slice(0, 100))} is not an organisation id or an {account}/{repository} path`);
}

export const resourceName = (ref: ResourceRef) => (ref.kind === 'organization' ? ref.accountId : `${ref.accountId}/${ref.repositoryId}`);
