// Roles on organisations and repositories, as people read them.
export const ROLES = [
  { value: 'owners', label: 'Owner', hint: 'everything, members and deletion included' },
  { value: 'maintainers', label: 'Maintainer', hint: 'edits metadata and files' },
  { value: 'write_data', label: 'Writer', hint: 'uploads and changes files' },
  { value: 'read_data', label: 'Reader', hint: 'reads restricted data' },
] as const;

export const roleLabel = (role: string) => ROLES.find((r) => r.value === role)?.label ?? role;

export interface Membership {
  resource: string;
  memberId: string;
  role: string;
  state: 'invited' | 'member' | 'revoked';
  invitedBy: string;
  createdAt: string;
  updatedAt: string;
}
