// The rules for every repository field a person can send, each failing with a
// ValidationError that names the field and says what it expects. Values arrive
// as `unknown` (parsed JSON), so types are checked here too.
import { characters, checkAccountId, checkObject, checkText, CONTROL, requireString } from '../accounts/account-fields.ts';
import { REPOSITORY_ID, type Repository, type RepositoryState, type Visibility } from '../accounts/accounts.types.ts';
import { ValidationError } from '../errors.ts';

export const REPOSITORY_LIMITS = {
  title: 200,
  description: 20_000,
  tags: 20,
  tag: 50,
  license: 64,
  dataConnectionId: 128,
  prefix: 1024,
  query: 200,
} as const;

export const VISIBILITIES: readonly Visibility[] = ['public', 'unlisted', 'restricted'];
export const STATES: readonly RepositoryState[] = ['draft', 'published'];

const TAG = /^[a-z0-9-]{1,50}$/;
/** An SPDX licence identifier (`CC-BY-4.0`, `MIT`, `LicenseRef-x`), or STAC's `proprietary` / `various`. */
const LICENSE = /^[A-Za-z0-9][A-Za-z0-9.+-]*$/;

export function checkRepositoryId(value: unknown, field = 'id'): string {
  const id = requireString(field, value);
  if (!REPOSITORY_ID.test(id)) {
    throw new ValidationError(`${field} ${JSON.stringify(id.slice(0, 60))} is not a valid repository id: expected 3 to 40 lowercase letters, digits and single hyphens, not starting or ending with a hyphen`);
  }
  return id;
}

/** `{account}` and `{repository}` from a path, both checked. */
export function checkRepositoryPath(account: unknown, repository: unknown): { accountId: string; repositoryId: string } {
  return { accountId: checkAccountId(account, 'account'), repositoryId: checkRepositoryId(repository, 'repository') };
}

export const checkTitle = (value: unknown) => checkText('title', value, REPOSITORY_LIMITS.title);
export const checkDescription = (value: unknown) => checkText('description', value, REPOSITORY_LIMITS.description, { multiline: true, allowEmpty: true });

export function checkTag(value: unknown, field = 'tag'): string {
  const tag = requireString(field, value);
  if (!TAG.test(tag)) throw new ValidationError(`${field} ${JSON.stringify(tag.slice(0, 60))} is not a valid tag: expected 1 to ${REPOSITORY_LIMITS.tag} lowercase letters, digits and hyphens`);
  return tag;
}

/** Up to 20 tags; repeats are dropped, the order is kept. */
export function checkTags(value: unknown): string[] {
  if (!Array.isArray(value)) throw new ValidationError('tags must be a list of strings');
  if (value.length > REPOSITORY_LIMITS.tags) throw new ValidationError(`tags has ${value.length} entries: at most ${REPOSITORY_LIMITS.tags}`);
  return [...new Set(value.map((tag, i) => checkTag(tag, `tags[${i}]`)))];
}

export function checkLicense(value: unknown): string {
  const license = requireString('license', value).trim();
  if (license.length === 0 || license.length > REPOSITORY_LIMITS.license || !LICENSE.test(license)) {
    throw new ValidationError(`license ${JSON.stringify(license.slice(0, 80))} is not a licence identifier: expected an SPDX id such as CC-BY-4.0 or MIT (letters, digits, '.', '-', '+'; at most ${REPOSITORY_LIMITS.license} characters), or proprietary`);
  }
  return license;
}

function checkEnum<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ValidationError(`${field} must be one of ${allowed.join(', ')}${typeof value === 'string' ? `, not ${JSON.stringify(value.slice(0, 40))}` : ''}`);
  }
  return value as T;
}

export const checkVisibility = (value: unknown) => checkEnum('visibility', value, VISIBILITIES);
export const checkState = (value: unknown) => checkEnum('state', value, STATES);

export function checkDataConnectionId(value: unknown): string {
  const id = requireString('dataConnectionId', value);
  if (id.length === 0 || id.length > REPOSITORY_LIMITS.dataConnectionId || CONTROL.test(id) || /[\s/]/.test(id)) {
    throw new ValidationError(`dataConnectionId must be the id of a data connection: 1 to ${REPOSITORY_LIMITS.dataConnectionId} characters, no spaces or slashes`);
  }
  return id;
}

/** A relative key prefix ending in '/': no empty, '.' or '..' segments, no backslashes or control characters. */
export function checkPrefix(value: unknown): string {
  const prefix = requireString('prefix', value);
  const why = prefix.length === 0 || prefix.length > REPOSITORY_LIMITS.prefix ? `1 to ${REPOSITORY_LIMITS.prefix} characters`
    : !prefix.endsWith('/') ? "it must end with '/'"
    : prefix.startsWith('/') ? "it must not start with '/'"
    : /[\\\u0000-\u001f\u007f]/.test(prefix) ? 'no backslashes or control characters'
    : prefix.slice(0, -1).split('/').some((s) => s === '' || s === '.' || s === '..') ? "no empty, '.' or '..' segments"
    : undefined;
  if (why) throw new ValidationError(`prefix ${JSON.stringify(prefix.slice(0, 80))} is not a valid prefix: ${why} (for example ocean-lab/sst/)`);
  return prefix;
}

function checkBoolean(field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ValidationError(`${field} must be true or false`);
  return value;
}

export const defaultPrefix = (accountId: string, repositoryId: string) => `${accountId}/${repositoryId}/`;

/** What a create request sets; a prefix left out is the default `{account}/{repository}/`. */
export type NewRepository = Pick<Repository, 'repositoryId' | 'title' | 'description' | 'tags' | 'license' | 'visibility' | 'state' | 'dataConnectionId'>
  & { prefix?: string };

export const NEW_REPOSITORY_FIELDS = ['id', 'title', 'description', 'tags', 'license', 'visibility', 'state', 'dataConnectionId', 'prefix'] as const;

/** The body of a create: `id`, `title` and `dataConnectionId` are required; visibility defaults to public, state to draft. */
export function checkNewRepository(body: unknown): NewRepository {
  const fields = checkObject(body, NEW_REPOSITORY_FIELDS);
  const repository: NewRepository = {
    repositoryId: checkRepositoryId(fields.id),
    title: checkTitle(fields.title),
    description: fields.description === undefined ? '' : checkDescription(fields.description),
    tags: fields.tags === undefined ? [] : checkTags(fields.tags),
    visibility: fields.visibility === undefined ? 'public' : checkVisibility(fields.visibility),
    state: fields.state === undefined ? 'draft' : checkState(fields.state),
    dataConnectionId: checkDataConnectionId(fields.dataConnectionId),
  };
  if (fields.license !== undefined && fields.license !== null) repository.license = checkLicense(fields.license);
  if (fields.prefix !== undefined) repository.prefix = checkPrefix(fields.prefix);
  return repository;
}

/** What a PATCH may change. `license: null` removes the licence. */
export interface RepositoryPatch {
  title?: string;
  description?: string;
  tags?: string[];
  license?: string | null;
  visibility?: Visibility;
  state?: RepositoryState;
  dataConnectionId?: string;
  prefix?: string;
  featured?: boolean;
  disabled?: boolean;
  /** When given, the change applies only to this version (else 409). */
  updatedAt?: string;
}

export const PATCH_FIELDS = ['title', 'description', 'tags', 'license', 'visibility', 'state', 'dataConnectionId', 'prefix', 'featured', 'disabled', 'updatedAt'] as const;
/** Only moderators (admins) change these. */
export const MODERATION_FIELDS = ['featured', 'disabled'] as const;

export function checkRepositoryPatch(body: unknown): RepositoryPatch {
  const fields = checkObject(body, PATCH_FIELDS);
  const patch: RepositoryPatch = {};
  const set = <K extends keyof RepositoryPatch>(key: K, check: (value: unknown) => RepositoryPatch[K]) => {
    if (fields[key] === undefined) return;
    if (fields[key] === null && key !== 'license') throw new ValidationError(`${key} cannot be removed`);
    patch[key] = check(fields[key]);
  };
  set('title', checkTitle);
  set('description', checkDescription);
  set('tags', checkTags);
  set('license', (value) => (value === null ? null : checkLicense(value)));
  set('visibility', checkVisibility);
  set('state', checkState);
  set('dataConnectionId', checkDataConnectionId);
  set('prefix', checkPrefix);
  set('featured', (value) => checkBoolean('featured', value));
  set('disabled', (value) => checkBoolean('disabled', value));
  set('updatedAt', (value) => {
    const text = requireString('updatedAt', value);
    if (Number.isNaN(Date.parse(text))) throw new ValidationError('updatedAt must be the updatedAt of the version you read, an ISO 8601 date-time');
    return text;
  });
  const { updatedAt: _version, ...changes } = patch;
  if (Object.keys(changes).length === 0) throw new ValidationError(`nothing to change: expected some of ${PATCH_FIELDS.filter((f) => f !== 'updatedAt').join(', ')}`);
  return patch;
}

/** The repository with the patch applied (moderation and connection checks are the service's). */
export function applyRepositoryPatch(repository: Repository, patch: RepositoryPatch): Repository {
  const { updatedAt: _version, license, ...changes } = patch;
  const next: Repository = { ...repository, ...changes };
  if (license === null) delete next.license;
  else if (license !== undefined) next.license = license;
  return next;
}

export interface RepositoryFilters {
  /** Lowercased words; every one must occur in the path, title or description. */
  words: string[];
  /** Every one must be among the tags. */
  tags: string[];
}

/** `q` (free text) and `tag` (one or more, repeated) from a query string. */
export function checkRepositoryFilters(query: { q?: unknown; tag?: unknown }): RepositoryFilters {
  let words: string[] = [];
  if (query.q !== undefined) {
    if (typeof query.q !== 'string') throw new ValidationError('q must be given once, as text');
    if (characters(query.q) > REPOSITORY_LIMITS.query) throw new ValidationError(`q is too long: at most ${REPOSITORY_LIMITS.query} characters`);
    words = query.q.toLowerCase().split(/\s+/).filter((word) => word.length > 0);
  }
  const given = query.tag === undefined ? [] : Array.isArray(query.tag) ? query.tag : [query.tag];
  if (given.length > REPOSITORY_LIMITS.tags) throw new ValidationError(`at most ${REPOSITORY_LIMITS.tags} tag filters`);
  return { words, tags: given.map((tag) => checkTag(tag, 'tag')) };
}

export function matchesFilters(repository: Repository, filters: RepositoryFilters): boolean {
  if (!filters.tags.every((tag) => repository.tags.includes(tag))) return false;
  if (filters.words.length === 0) return true;
  const text = `${repository.accountId}/${repository.repositoryId}\n${repository.title}\n${repository.description}`.toLowerCase();
  return filters.words.every((word) => text.includes(word));
}
