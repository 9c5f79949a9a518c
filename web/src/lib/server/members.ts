// Members of an organisation or a repository: the listing, and the owner's
// actions (invite, change a role, revoke) as form actions, shared by both pages.
import { fail, type ActionFailure } from '@sveltejs/kit';
import { field, problemOf } from '#lib/form-data.ts';
import type { Membership } from '#lib/memberships.ts';
import type { ApiClient } from './api-client.ts';

export async function listMembers(api: ApiClient, membersPath: string): Promise<Membership[]> {
  const members: Membership[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.get<{ members: Membership[]; next?: string }>(membersPath, { limit: 100, cursor });
    members.push(...page.members);
    cursor = page.next;
  } while (cursor && members.length < 1000);
  return members.filter((m) => m.state !== 'revoked');
}

type Outcome = { done: string } | ActionFailure<{ error: string; memberId?: string }>;

export async function invite(api: ApiClient, membersPath: string, form: FormData): Promise<Outcome> {
  const memberId = field(form, 'memberId');
  const role = field(form, 'role');
  const response = await api.fetch('POST', membersPath, { json: { memberId, role } });
  if (response.status !== 201) return fail(response.status === 409 ? 409 : response.status === 404 ? 404 : 400, { error: await problemOf(response), memberId });
  return { done: `Invited ${memberId}. They will find the invitation in their inbox.` };
}

export async function changeRole(api: ApiClient, membersPath: string, form: FormData): Promise<Outcome> {
  const memberId = field(form, 'memberId');
  const response = await api.fetch('PATCH', `${membersPath}/${encodeURIComponent(memberId)}`, { json: { role: field(form, 'role') } });
  if (!response.ok) return fail(response.status === 409 ? 409 : 400, { error: await problemOf(response) });
  return { done: `Changed the role of ${memberId}.` };
}

export async function revoke(api: ApiClient, membersPath: string, form: FormData): Promise<Outcome> {
  const memberId = field(form, 'memberId');
  const response = await api.fetch('DELETE', `${membersPath}/${encodeURIComponent(memberId)}`);
  if (response.status !== 204) return fail(response.status === 409 ? 409 : 400, { error: await problemOf(response) });
  return { done: `Removed ${memberId}.` };
}
