// The cooperative's people, organisations, datasets and permissions (DESIGN §4).

/** 3–40 characters: lowercase letters, digits and single hyphens, not at either end. */
export const ACCOUNT_ID = /^(?=.{3,40}$)[a-z0-9]+(-[a-z0-9]+)*$/;
/** Repository ids follow the same rule, unique within their account. */
export const REPOSITORY_ID = ACCOUNT_ID;

export type AccountType = 'individual' | 'organization';

export interface AccountProfile {
  name: string;
  bio?: string;
  location?: string;
  website?: string;
  /** Key of the uploaded avatar image in the object store. */
  avatar?: string;
  /** People: https://orcid.org/0000-0000-0000-0000 form, checksum verified. */
  orcid?: string;
  /** Organisations: https://ror.org/0xxxxxxx form. */
  ror?: string;
}

export interface AccountFlags {
  admin: boolean;
  createRepositories: boolean;
  createOrganizations: boolean;
}

export interface Account {
  id: string;
  type: AccountType;
  profile: AccountProfile;
  flags: AccountFlags;
  /** Sign-in email of an individual; organisations have none. */
  email?: string;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export type Visibility = 'public' | 'unlisted' | 'restricted';
export type RepositoryState = 'draft' | 'published';

export interface Repository {
  accountId: string;
  repositoryId: string;
  title: string;
  description: string;
  tags: string[];
  license?: string;
  visibility: Visibility;
  state: RepositoryState;
  disabled: boolean;
  featured: boolean;
  dataConnectionId: string;
  /** Prefix of the repository's files inside its data connection. */
  prefix: string;
  createdAt: string;
  updatedAt: string;
}

export type Role = 'owners' | 'maintainers' | 'write_data' | 'read_data';
export type MembershipState = 'invited' | 'member' | 'revoked';

/** A member account's role on an organisation or on one repository. */
export interface Membership {
  /** `{account}` for an organisation, `{account}/{repository}` for a repository. */
  resource: string;
  memberId: string;
  role: Role;
  state: MembershipState;
  invitedBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface ApiKey {
  /** S3-style access key id, e.g. MRDN… (20 characters). */
  accessKeyId: string;
  accountId: string;
  /** When set, the key works only for this `{account}/{repository}`. */
  repository?: string;
  name: string;
  /** The secret, encrypted at rest (AES-256-GCM); SigV4 needs it back, so it is not hashed. */
  secretCiphertext: string;
  expiresAt?: string;
  revoked: boolean;
  createdAt: string;
}

export type DataConnectionDetails =
  | { kind: 'filesystem'; root: string }
  | { kind: 's3'; bucket: string; prefixTemplate: string; region: string; endpoint?: string; accessKeyId?: string; secretCiphertext?: string };

export interface DataConnection {
  id: string;
  name: string;
  ownerId: string;
  details: DataConnectionDetails;
  readOnly: boolean;
  allowedVisibilities: Visibility[];
  createdAt: string;
  updatedAt: string;
}
