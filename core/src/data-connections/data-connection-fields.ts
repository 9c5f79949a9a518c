// The rules for every field of a data connection, each failing with a
// ValidationError that names the field and says what it expects.
import { checkObject, checkText, requireString } from '../accounts/account-fields.ts';
import { ACCOUNT_ID, type DataConnectionDetails, type Visibility } from '../accounts/accounts.types.ts';
import { ValidationError } from '../errors.ts';

export const VISIBILITIES: readonly Visibility[] = ['public', 'unlisted', 'restricted'];
export const DEFAULT_PREFIX_TEMPLATE = '{account}/{repository}/';
export const DEFAULT_S3_REGION = 'us-east-1';
export const CONNECTION_LIMITS = { name: 100, path: 1024, accessKeyId: 128, secretAccessKey: 1024 } as const;

/** Connection ids follow the account-id rule: 3–40 lowercase letters, digits and single hyphens. */
export const CONNECTION_ID = ACCOUNT_ID;

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** Printable ASCII without spaces: what S3-compatible stores use for credentials. */
const CREDENTIAL = /^[\x21-\x7e]+$/;

export function checkConnectionId(value: unknown, field = 'id'): string {
  const id = requireString(field, value);
  if (!CONNECTION_ID.test(id)) {
    throw new ValidationError(`${field} ${JSON.stringify(id.slice(0, 60))} is not a valid data connection id: expected 3 to 40 lowercase letters, digits and single hyphens, not starting or ending with a hyphen`);
  }
  return id;
}

export const checkConnectionName = (value: unknown) => checkText('name', value, CONNECTION_LIMITS.name);

export function checkReadOnly(value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ValidationError('readOnly must be true or false');
  return value;
}

/** A non-empty set of visibilities, returned in the order public, unlisted, restricted. */
export function checkVisibilities(value: unknown): Visibility[] {
  const expected = `a non-empty array of ${VISIBILITIES.join(', ')}`;
  if (!Array.isArray(value) || value.length === 0) throw new ValidationError(`allowedVisibilities must be ${expected}`);
  for (const v of value) {
    if (!VISIBILITIES.includes(v)) throw new ValidationError(`allowedVisibilities: ${JSON.stringify(String(v).slice(0, 30))} is not a visibility; expected ${VISIBILITIES.join(', ')}`);
  }
  if (new Set(value).size !== value.length) throw new ValidationError('allowedVisibilities names a visibility twice');
  return VISIBILITIES.filter((v) => value.includes(v));
}

/** An absolute, normalised server path; not `/` itself. A trailing slash is dropped. */
export function checkRoot(value: unknown): string {
  const raw = requireString('root', value);
  const root = raw.length > 1 ? raw.replace(/\/+$/, '') : raw;
  if (!root.startsWith('/')) throw new ValidationError('root must be an absolute path, starting with /');
  if (root.length > CONNECTION_LIMITS.path) throw new ValidationError(`root is too long: at most ${CONNECTION_LIMITS.path} characters`);
  if (CONTROL.test(root)) throw new ValidationError('root contains control characters');
  if (root === '/') throw new ValidationError('root must not be / (the whole filesystem): name a directory');
  if (root.split('/').slice(1).some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw new ValidationError('root must be a normalised path: no empty, "." or ".." segments');
  }
  return root;
}

const IP_ADDRESS = /^\d{1,3}(\.\d{1,3}){3}$/;
const RESERVED_BUCKET_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_BUCKET_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

/** Amazon S3's naming rules for general purpose buckets, which S3-compatible stores accept too. */
export function checkBucket(value: unknown): string {
  const bucket = requireString('bucket', value);
  const shown = JSON.stringify(bucket.slice(0, 70));
  const problem =
    bucket.length < 3 || bucket.length > 63 ? 'must be 3 to 63 characters long'
    : !/^[a-z0-9.-]+$/.test(bucket) ? 'may contain only lowercase letters, digits, dots and hyphens'
    : !/^[a-z0-9].*[a-z0-9]$/.test(bucket) ? 'must begin and end with a letter or digit'
    : /\.\.|\.-|-\./.test(bucket) ? 'must not have a dot next to another dot or a hyphen'
    : IP_ADDRESS.test(bucket) ? 'must not look like an IP address'
    : RESERVED_BUCKET_PREFIXES.some((p) => bucket.startsWith(p)) ? `must not begin with ${RESERVED_BUCKET_PREFIXES.join(', ')}`
    : RESERVED_BUCKET_SUFFIXES.some((s) => bucket.endsWith(s)) ? `must not end with ${RESERVED_BUCKET_SUFFIXES.join(', ')}`
    : undefined;
  if (problem) throw new ValidationError(`bucket ${shown} is not a valid bucket name: it ${problem}`);
  return bucket;
}

/**
 * Where a repository's files go inside the bucket: text with the placeholders
 * `{account}` and `{repository}` and no others; no leading slash, no empty, "." or
 * ".." segments. Empty means the bucket's root.
 */
export function checkPrefixTemplate(value: unknown): string {
  const template = requireString('prefixTemplate', value);
  if (template.length > CONNECTION_LIMITS.path) throw new ValidationError(`prefixTemplate is too long: at most ${CONNECTION_LIMITS.path} characters`);
  if (CONTROL.test(template) || template.includes('\\')) throw new ValidationError('prefixTemplate contains control characters or backslashes');
  const stray = template.replace(/\{account\}|\{repository\}/g, '').match(/[{}]/);
  if (stray) throw new ValidationError('prefixTemplate may use only the placeholders {account} and {repository}');
  if (template.startsWith('/')) throw new ValidationError('prefixTemplate must not start with /');
  const segments = template.split('/');
  if (segments.slice(0, -1).some((s) => s === '' || s === '.' || s === '..') || segments.at(-1) === '.' || segments.at(-1) === '..') {
    throw new ValidationError('prefixTemplate must not have empty, "." or ".." segments');
  }
  return template;
}

/** A repository's prefix under a connection's template. */
export const expandPrefix = (template: string, accountId: string, repositoryId: string): string =>
  template.replaceAll('{account}', accountId).replaceAll('{repository}', repositoryId);

export function checkRegion(value: unknown): string {
  const region = requireString('region', value);
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(region) || region.length > 40) {
    throw new ValidationError(`region ${JSON.stringify(region.slice(0, 50))} is not a region name: expected lowercase letters, digits and single hyphens, e.g. eu-west-1`);
  }
  return region;
}

/** An http(s) URL without user name, password, query or fragment; kept without a trailing slash. */
export function checkEndpoint(value: unknown): string {
  const raw = requireString('endpoint', value);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ValidationError('endpoint is not a valid URL: expected an absolute http or https URL such as https://s3.example.org');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ValidationError(`endpoint must be an http or https URL, not ${url.protocol.replace(/:$/, '')}`);
  if (url.username || url.password) throw new ValidationError('endpoint must not contain a user name or password: use accessKeyId and secretAccessKey');
  if (url.search || url.hash) throw new ValidationError('endpoint must not have a query or fragment');
  if (raw.length > CONNECTION_LIMITS.path) throw new ValidationError(`endpoint is too long: at most ${CONNECTION_LIMITS.path} characters`);
  return `${url.origin}${url.pathname === '/' ? '' : url.pathname.replace(/\/+$/, '')}`;
}

function checkCredential(field: 'accessKeyId' | 'secretAccessKey', value: unknown): string {
  if (typeof value !== 'string') throw new ValidationError(`${field} must be a string`);
  const max = CONNECTION_LIMITS[field];
  if (value.length === 0 || value.length > max || !CREDENTIAL.test(value)) {
    throw new ValidationError(`${field} must be 1 to ${max} printable ASCII characters without spaces`);
  }
  return value;
}

/** Details as a client sends them: S3 credentials in the clear, not yet sealed. */
export type DetailsInput =
  | { kind: 'filesystem'; root: string }
  | { kind: 's3'; bucket: string; prefixTemplate: string; region: string; endpoint?: string; credentials?: { accessKeyId: string; secretAccessKey: string } };

const FILESYSTEM_FIELDS = ['kind', 'root'] as const;
const S3_FIELDS = ['kind', 'bucket', 'prefixTemplate', 'region', 'endpoint', 'accessKeyId', 'secretAccessKey'] as const;

function checkKind(value: unknown): 'filesystem' | 's3' {
  if (value === 'filesystem' || value === 's3') return value;
  if (value === undefined) throw new ValidationError('details.kind is required: filesystem or s3');
  throw new ValidationError('details.kind must be filesystem or s3');
}

/** Both credentials or neither. */
function checkCredentials(accessKeyId: unknown, secretAccessKey: unknown): { accessKeyId: string; secretAccessKey: string } | undefined {
  const absent = (v: unknown) => v === undefined || v === null;
  if (absent(accessKeyId) && absent(secretAccessKey)) return undefined;
  if (absent(accessKeyId) || absent(secretAccessKey)) throw new ValidationError('accessKeyId and secretAccessKey go together: give both, or neither for a public bucket');
  return { accessKeyId: checkCredential('accessKeyId', accessKeyId), secretAccessKey: checkCredential('secretAccessKey', secretAccessKey) };
}

/** The details of a new connection. */
export function checkNewDetails(value: unknown): DetailsInput {
  if (value === undefined || value === null) throw new ValidationError('details is required: {"kind": "filesystem", "root"} or {"kind": "s3", "bucket", …}');
  if (typeof value !== 'object' || Array.isArray(value)) throw new ValidationError('details must be a JSON object');
  const kind = checkKind((value as Record<string, unknown>).kind);
  if (kind === 'filesystem') {
    const fields = checkObject(value, FILESYSTEM_FIELDS, 'details');
    return { kind, root: checkRoot(fields.root) };
  }
  const fields = checkObject(value, S3_FIELDS, 'details');
  const present = (v: unknown) => v !== undefined && v !== null;
  return {
    kind,
    bucket: checkBucket(fields.bucket),
    prefixTemplate: present(fields.prefixTemplate) ? checkPrefixTemplate(fields.prefixTemplate) : DEFAULT_PREFIX_TEMPLATE,
    region: present(fields.region) ? checkRegion(fields.region) : DEFAULT_S3_REGION,
    ...(present(fields.endpoint) ? { endpoint: checkEndpoint(fields.endpoint) } : {}),
    ...(present(fields.accessKeyId) || present(fields.secretAccessKey) ? { credentials: checkCredentials(fields.accessKeyId, fields.secretAccessKey) } : {}),
  };
}

/** What a details patch changes: new location fields, and credentials replaced (object) or removed (null). */
export interface DetailsPatch {
  location: Partial<{ root: string; bucket: string; prefixTemplate: string; region: string; endpoint: string | null }>;
  credentials?: { accessKeyId: string; secretAccessKey: string } | null;
}

/**
 * A merge patch of `current`'s details: the fields given replace the stored
 * ones; `endpoint: null` removes the endpoint, and the credentials are replaced
 * (both given) or removed (both null) together. The kind cannot change.
 */
export function checkDetailsPatch(value: unknown, current: DataConnectionDetails): DetailsPatch {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ValidationError('details must be a JSON object');
  const kindGiven = (value as Record<string, unknown>).kind;
  if (kindGiven !== undefined && kindGiven !== current.kind) {
    throw new ValidationError(`details.kind cannot change from ${current.kind}: create a new data connection instead`);
  }
  const patch: DetailsPatch = { location: {} };
  if (current.kind === 'filesystem') {
    const fields = checkObject(value, FILESYSTEM_FIELDS, 'details');
    if (fields.root !== undefined) patch.location.root = checkRoot(fields.root);
    return patch;
  }
  const fields = checkObject(value, S3_FIELDS, 'details');
  if (fields.bucket !== undefined) patch.location.bucket = checkBucket(fields.bucket);
  if (fields.prefixTemplate !== undefined) patch.location.prefixTemplate = checkPrefixTemplate(fields.prefixTemplate);
  if (fields.region !== undefined) patch.location.region = checkRegion(fields.region);
  if (fields.endpoint !== undefined) patch.location.endpoint = fields.endpoint === null ? null : checkEndpoint(fields.endpoint);
  if (fields.accessKeyId !== undefined || fields.secretAccessKey !== undefined) {
    if (fields.accessKeyId === null && fields.secretAccessKey === null) patch.credentials = null;
    else if (fields.accessKeyId === undefined || fields.secretAccessKey === undefined || fields.accessKeyId === null || fields.secretAccessKey === null) {
      throw new ValidationError('accessKeyId and secretAccessKey go together: give both to replace the credentials, or both as null to remove them');
    } else patch.credentials = checkCredentials(fields.accessKeyId, fields.secretAccessKey);
  }
  return patch;
}
