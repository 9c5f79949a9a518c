// Memberships of organisations (resource `{account}`) and of repositories
// (`{account}/{repository}`): owners invite people by account id, the invitee
// accepts or declines, owners change roles and revoke. Who may do each is the
// access rule's decision; this module asks it.
import { assertAllowed, decide, type Caller } from '../access/access-rule.ts';
import { checkAccountId } from '../accounts/account-fields.ts';
import { isoTime, type AccountsDeps } from '../accounts/accounts-context.ts';
import type { Account, Membership } from '../accounts/accounts.types.ts';
import { ConflictError, NotFoundError, UnauthorizedError, ValidationError } from '../errors.ts';
import { filteredPage } from '../metadata-store/filtered-page.ts';
import { checkPageOptions } from '../metadata-store/page-options.ts';
import type { ListPage } from '../metadata-store/metadata-store.port.ts';
import { readRepository, readVisibleAccount } from '../repositories/repositories.service.ts';
import { checkInvitation, checkRoleChange, parseResource, resourceName, type ResourceRef } from './membership-fields.ts';
import { changeMembership } from './membership-writes.ts';

/** A resource that has members, found and checked for `action`. */
export interface MembershipResource {
  ref: ResourceRef;
  /** `{account}` or `{account}/{repository}`. */
  name: string;
}

type Purpose = 'read' | 'manage';

/** An organisation, for reading (account:read_members) or managing (account:manage_members) its members. */
export async function organizationResource(deps: AccountsDeps, caller: Caller, id: unknown, purpose: Purpose): Promise<MembershipResource> {
  const account = await readVisibleAccount(deps, caller, id);
  if (account.type !== 'organization') throw new NotFoundError(`${account.id} is a person, not an organisation: only organisations and repositories have members`);
  assertAllowed(decide(caller, purpose === 'read' ? 'account:read_members' : 'account:manage_members', account));
  return { ref: { kind: 'organization', accountId: account.id }, name: account.id };
}

/** A repository, for reading (repository:read_members) or managing (repository:manage_members) its members. */
export async function repositoryResource(
  deps: AccountsDeps, caller: Caller, account: unknown, repository: unknown, purpose: Purpose,
): Promise<MembershipResource> {
  const found = await readRepository(deps, caller, account, repository, purpose === 'read' ? 'repository:read_members' : 'repository:manage_members');
  const ref: ResourceRef = { kind: 'repository', accountId: found.accountId, repositoryId: found.repositoryId };
  return { ref, name: resourceName(ref) };
}

/** The memberships of the resource that are not revoked: members and pending invitations. */
export async function listMembers(
  deps: AccountsDeps, resource: MembershipResource, query: { limit?: unknown; cursor?: unknown },
): Promise<ListPage<Membership>> {
  return filteredPage((options) => deps.store.listMembershipsOf(resource.name, options), (m) => m.state !== 'revoked', checkPageOptions(query));
}

/**
 * Invites a person (never an organisation) to the resource with a role. The
 * invitee must exist and be visible to the caller; a 409 when they already hold
 * a membership of it that is not revoked (the store's conditional write decides
 * between concurrent invitations).
 */
export async function invite(deps: AccountsDeps, caller: Caller, resource: MembershipResource, body: unknown): Promise<Membership> {
  if (caller.kind !== 'account') throw new Error('unreachable: managing members needs a signed-in caller');
  const { memberId, role } = checkInvitation(body);
  const invitee = await deps.store.getAccount(memberId);
  if (!invitee || !decide(caller, 'account:read', invitee).allowed) throw new NotFoundError(`memberId: account ${memberId} does not exist`);
  if (invitee.type === 'organization') throw new ValidationError(`memberId: ${memberId} is an organisation; only people can be members`);
  if (resource.ref.kind === 'repository' && resource.ref.accountId === memberId) {
    throw new ValidationError(`memberId: ${memberId} owns ${resource.name} already`);
  }
  const now = isoTime(deps.clock);
  const membership: Membership = {
    resource: resource.name, memberId, role, state: 'invited', invitedBy: caller.accountId, createdAt: now, updatedAt: now,
  };
  try {
    await deps.store.createMembership(membership);
  } catch (error) {
    if (error instanceof ConflictError) throw new ConflictError(`${memberId} is already invited to or a member of ${resource.name}`);
    throw error;
  }
  return membership;
}

const live = (memberId: string, resource: string) => (current: Membership): Membership => {
  if (current.state === 'revoked') throw new NotFoundError(`${memberId} has no membership of ${resource}`);
  return current;
};

/** A new role for a member or a pending invitation. Demoting an organisation's last owner is a 409. */
export async function changeRole(deps: AccountsDeps, resource: MembershipResource, memberId: unknown, body: unknown): Promise<Membership> {
  const id = checkAccountId(memberId, 'memberId');
  const role = checkRoleChange(body);
  return changeMembership(deps, resource.name, id, (current) => ({ ...live(id, resource.name)(current), role }));
}

/** Revokes a membership or withdraws an invitation. Revoking an organisation's last owner is a 409. */
export async function revoke(deps: AccountsDeps, resource: MembershipResource, memberId: unknown): Promise<Membership> {
  const id = checkAccountId(memberId, 'memberId');
  return changeMembership(deps, resource.name, id, (current) => ({ ...live(id, resource.name)(current), state: 'revoked' }));
}

async function signedInAccount(deps: AccountsDeps, caller: Caller): Promise<Account> {
  if (caller.kind !== 'account') throw new UnauthorizedError('sign in first: invitations are answered by the person invited');
  const account = await deps.store.getAccount(caller.accountId);
  if (!account) throw new UnauthorizedError('sign in first');
  return account;
}

/** The caller's pending invitations (the account's own business: account:read_private). */
export async function listInvitations(deps: AccountsDeps, caller: Caller, query: { limit?: unknown; cursor?: unknown }): Promise<ListPage<Membership>> {
  const account = await signedInAccount(deps, caller);
  assertAllowed(decide(caller, 'account:read_private', account));
  const keep = (m: Membership) => m.state === 'invited' && decide(caller, 'invitation:respond', m).allowed;
  return filteredPage((options) => deps.store.listMembershipsFor(account.id, options), keep, checkPageOptions(query));
}

/**
 * Accepts or declines the caller's invitation to `resource` (`{account}` or
 * `{account}/{repository}`). Only the invitee answers (invitation:respond), so
 * the membership answered is always the caller's own: someone else's invitation
 * cannot even be named. Declining revokes the invitation.
 */
export async function respondToInvitation(deps: AccountsDeps, caller: Caller, resource: string, answer: 'accept' | 'decline'): Promise<Membership> {
  const ref = parseResource(resource);
  const account = await signedInAccount(deps, caller);
  const name = resourceName(ref);
  const pending = (current: Membership): Membership => {
    if (current.state === 'member') throw new ConflictError(`${account.id} is already a member of ${name}`);
    if (current.state !== 'invited') throw new NotFoundError(`${account.id} has no pending invitation to ${name}`);
    assertAllowed(decide(caller, 'invitation:respond', current));
    return current;
  };
  const invitation = await deps.store.getMembership(name, account.id);
  if (!invitation) throw new NotFoundError(`${account.id} has no pending invitation to ${name}`);
  pending(invitation);
  if (answer === 'accept') {
    const exists = ref.kind === 'organization' ? await deps.store.getAccount(ref.accountId) : await deps.store.getRepository(ref.accountId, ref.repositoryId);
    if (!exists) throw new NotFoundError(`${name} no longer exists`);
  }
  return changeMembership(deps, name, account.id, (current) => ({ ...pending(current), state: answer === 'accept' ? 'member' : 'revoked' }));
}
