// The service description (OpenAPI 3.0) of the management API, served at
// GET /api/v1/openapi.json without authentication. Field rules follow the
// validators in core/src/{accounts,repositories,memberships,api-keys,data-connections}.
import { Router } from 'express';
import { baseUrl } from '../http/base-url.ts';
import type { AccountsApiDeps } from './accounts-api-deps.ts';

export const OPENAPI_JSON = 'application/vnd.oai.openapi+json;version=3.0';

type Schema = Record<string, unknown>;
const ref = (name: string) => ({ $ref: `#/components/${name}` });
const schema = (name: string) => ref(`schemas/${name}`);
const json = (s: object) => ({ content: { 'application/json': { schema: s } } });
const ok = (description: string, s: object) => ({ description, ...json(s) });
const body = (s: object, description?: string) => ({ required: true, ...(description ? { description } : {}), ...json(s) });
const noContent = { 204: { description: 'Done; no body.' } };
const error = (name: string) => ref(`responses/${name}`);
const pathParam = (name: string, description: string, s: Schema = { type: 'string' }) => ({ name, in: 'path', required: true, description, schema: s });
const query = (name: string, description: string, s: Schema = { type: 'string' }) => ({ name, in: 'query', required: false, description, schema: s });

const ID = { type: 'string', minLength: 3, maxLength: 40, pattern: '^[a-z0-9]+(-[a-z0-9]+)*$' };
const DATE_TIME = { type: 'string', format: 'date-time' };
const VISIBILITY = { type: 'string', enum: ['public', 'unlisted', 'restricted'] };
const STATE = { type: 'string', enum: ['draft', 'published'] };
const ROLE = { type: 'string', enum: ['owners', 'maintainers', 'write_data', 'read_data'] };
const TAGS = { type: 'array', maxItems: 20, items: { type: 'string', pattern: '^[a-z0-9-]{1,50}$' }, description: 'Up to 20 tags of 1–50 a–z 0–9 -; repeats are dropped.' };
const LICENSE = { type: 'string', maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9.+-]*$', description: 'An SPDX licence id (CC-BY-4.0, MIT) or proprietary.' };
const PREFIX = { type: 'string', minLength: 1, maxLength: 1024, description: "A relative key prefix ending in '/': no leading '/', no empty, '.' or '..' segments, no backslashes or control characters." };
const CONNECTION_ID = { type: 'string', minLength: 1, maxLength: 128, pattern: '^[^\\s/]+$', description: 'The id of a data connection.' };
const TEXT = (max: number, min = 0) => ({ type: 'string', ...(min ? { minLength: min } : {}), maxLength: max });
const nullable = (s: Schema) => ({ ...s, nullable: true });

const limit = query('limit', 'Page size, 1–100 (default 20).', { type: 'integer', minimum: 1, maximum: 100, default: 20 });
const cursor = query('cursor', "The previous page's `next`.");
const paging = [limit, cursor];

const accountId = pathParam('id', 'An account id (a person or an organisation).', ID);
const repoParams = [pathParam('account', 'The account the repository belongs to.', ID), pathParam('repository', 'The repository id.', ID)];
const memberId = pathParam('memberId', 'The member account id.', ID);
const accessKeyId = pathParam('accessKeyId', 'The access key id: MRDN and 16 characters A–Z 2–7.', { type: 'string', pattern: '^MRDN[A-Z2-7]{16}$' });
const connectionId = pathParam('id', 'A data connection id.', ID);
const resource = pathParam('resource', 'The organisation id, or the repository as `{account}/{repository}` (two path segments, the slash not encoded), e.g. `ocean-lab/sst`.');

const page = (key: string, item: object) => ({
  type: 'object', required: [key], properties: { [key]: { type: 'array', items: item }, next: { type: 'string', description: 'Cursor of the next page; absent on the last one.' } },
});

/** Who may call: anonymous, or signed in (session cookie, CSRF header on unsafe methods) or an API key. */
const anonymous: object[] = [];
const signedIn = [{ sessionCookie: [] }, { apiKey: [] }];
const unsafeSignedIn = [{ sessionCookie: [], csrfToken: [] }, { apiKey: [] }];

interface Op { summary: string; operationId: string; tags: string[]; description?: string; requestBody?: object; responses: Record<string, object>; parameters?: object[]; security?: object[] }

const read = (op: Op) => ({ security: signedIn, ...op, responses: { ...op.responses, 401: error('Unauthorized'), 404: error('NotFound') } });
const write = (op: Op) => ({
  security: unsafeSignedIn, ...op,
  responses: { ...op.responses, 400: error('InvalidParameterValue'), 401: error('Unauthorized'), 403: error('Forbidden'), 404: error('NotFound') },
});

const profileProperties = {
  name: TEXT(100, 1),
  bio: { ...TEXT(2000), description: 'Multi-line; empty means none.' },
  location: TEXT(100),
  website: { type: 'string', format: 'uri', maxLength: 2048, description: 'An http(s) URL without user name or password.' },
  orcid: { type: 'string', description: 'People only: an ORCID iD, bare or as https://orcid.org/… (check digit verified; stored as the URL).' },
  ror: { type: 'string', description: 'Organisations only: a ROR id, bare or as https://ror.org/… (check digits verified; stored as the URL).' },
};

const s3DetailsProperties = {
  kind: { type: 'string', enum: ['s3'] },
  bucket: { type: 'string', minLength: 3, maxLength: 63, pattern: '^[a-z0-9][a-z0-9.-]*[a-z0-9]$', description: "Amazon S3's bucket naming rules." },
  prefixTemplate: { type: 'string', maxLength: 1024, default: '{account}/{repository}/', description: 'Only the placeholders {account} and {repository}; no leading /.' },
  region: { type: 'string', maxLength: 40, pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', default: 'us-east-1' },
  endpoint: { type: 'string', format: 'uri', maxLength: 1024, description: 'http(s) URL of an S3-compatible store; no credentials, query or fragment.' },
};
const credentialProperties = {
  accessKeyId: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[\\x21-\\x7e]+$', description: 'Goes together with secretAccessKey.' },
  secretAccessKey: { type: 'string', minLength: 1, maxLength: 1024, pattern: '^[\\x21-\\x7e]+$', description: 'Goes together with accessKeyId; never returned.' },
};
const filesystemDetails = {
  type: 'object', additionalProperties: false, required: ['kind', 'root'],
  properties: { kind: { type: 'string', enum: ['filesystem'] }, root: { type: 'string', maxLength: 1024, description: 'An absolute, normalised server path other than /.' } },
};

const schemas = {
  Error: {
    type: 'object', required: ['code', 'description'],
    properties: { code: { type: 'string', example: 'InvalidParameterValue' }, description: { type: 'string' } },
  },
  Profile: { type: 'object', required: ['name'], properties: profileProperties },
  ProfilePatch: {
    type: 'object', additionalProperties: false, minProperties: 1, description: 'Fields set to null are removed (name cannot be).',
    properties: Object.fromEntries(Object.entries(profileProperties).map(([k, v]) => [k, nullable(v)])),
  },
  Account: {
    type: 'object', required: ['id', 'type', 'profile', 'createdAt'],
    properties: {
      id: ID, type: { type: 'string', enum: ['individual', 'organization'] }, profile: schema('Profile'), createdAt: DATE_TIME,
      avatarUrl: { type: 'string', format: 'uri' },
      email: { type: 'string', format: 'email', description: 'Only to the account itself.' },
      flags: schema('AccountFlags'),
      disabled: { type: 'boolean' }, updatedAt: DATE_TIME,
    },
  },
  AccountFlags: {
    type: 'object', properties: { admin: { type: 'boolean' }, createRepositories: { type: 'boolean' }, createOrganizations: { type: 'boolean' } },
  },
  SignUp: {
    type: 'object', additionalProperties: false, required: ['id', 'email', 'password', 'name'],
    properties: {
      id: ID, email: { type: 'string', format: 'email', maxLength: 254 },
      password: { type: 'string', minLength: 12, maxLength: 1024, description: 'Not the id or the email.' }, name: TEXT(100, 1),
    },
  },
  SignIn: {
    type: 'object', additionalProperties: false, required: ['email', 'password'],
    properties: { email: { type: 'string', maxLength: 254 }, password: { type: 'string', maxLength: 1024 } },
  },
  Session: {
    type: 'object', required: ['account'],
    properties: {
      account: schema('Account'),
      csrfToken: { type: 'string', description: 'Send as X-CSRF-Token on POST, PUT, PATCH and DELETE (session only).' },
      expiresAt: DATE_TIME,
      apiKey: { ...schema('ApiKey') },
    },
    description: 'With a session: account, csrfToken and expiresAt. With an API key: account and apiKey.',
  },
  NewOrganization: {
    type: 'object', additionalProperties: false, required: ['id', 'name'],
    properties: { id: ID, ...profileProperties },
  },
  FlagsPatch: {
    type: 'object', additionalProperties: false, minProperties: 1,
    properties: { admin: { type: 'boolean' }, createRepositories: { type: 'boolean' }, createOrganizations: { type: 'boolean' }, disabled: { type: 'boolean' } },
  },
  FilePage: {
    type: 'object', required: ['files', 'directories'],
    properties: {
      files: {
        type: 'array',
        items: {
          type: 'object', required: ['key', 'size', 'etag', 'lastModified', 'contentType', 'href'],
          properties: {
            key: { type: 'string', description: 'Relative to the repository.' }, size: { type: 'integer', minimum: 0 }, etag: { type: 'string', description: 'Quoted, as in HTTP.' },
            lastModified: DATE_TIME, contentType: { type: 'string' }, href: { type: 'string', format: 'uri', description: 'The download: /data/{account}/{repository}/{key}.' },
          },
        },
      },
      directories: { type: 'array', items: { type: 'string' }, description: 'Common prefixes, each ending with the delimiter.' },
      next: { type: 'string', description: 'Cursor of the next page; absent on the last one.' },
    },
  },
  IndexStatus: {
    type: 'object', required: ['repository', 'state', 'counts', 'reindexRequested', 'problemCount', 'updatedAt'],
    properties: {
      repository: { type: 'string', description: '{account}/{repository}' },
      state: { type: 'string', enum: ['queued', 'crawling', 'indexed', 'failed'], description: 'queued: never crawled yet (or a reindex asked for before the first crawl).' },
      counts: {
        type: 'object', required: ['seen', 'indexed', 'invalid', 'failed'],
        properties: {
          seen: { type: 'integer', minimum: 0, description: 'Objects in the repository at the last crawl.' },
          indexed: { type: 'integer', minimum: 0, description: 'Items and collections in the catalog from it.' },
          invalid: { type: 'integer', minimum: 0, description: 'STAC documents or items that failed validation, and links refused.' },
          failed: { type: 'integer', minimum: 0, description: 'Objects that could not be read, or whose header made no item.' },
        },
      },
      progress: {
        type: 'object', description: 'While crawling.', required: ['phase', 'listed', 'read', 'toRead'],
        properties: { phase: { type: 'string', enum: ['listing', 'stac', 'files', 'cleaning'] }, listed: { type: 'integer' }, read: { type: 'integer' }, toRead: { type: 'integer' } },
      },
      startedAt: DATE_TIME,
      lastCrawledAt: { ...DATE_TIME, description: 'When the last crawl finished.' },
      reindexRequested: { type: 'boolean', description: 'The next crawl reads every file again.' },
      problemCount: { type: 'integer', minimum: 0 },
      problems: {
        type: 'array', description: 'Maintainers and up: the validation report, at most 500 problems (of problemCount), by path.',
        items: {
          type: 'object', required: ['path', 'message', 'kind'],
          properties: { path: { type: 'string' }, message: { type: 'string' }, pointer: { type: 'string', description: 'A JSON pointer into the document.' }, kind: { type: 'string', enum: ['invalid', 'failed'] } },
        },
      },
      error: { type: 'string', description: 'Maintainers and up: why the last crawl failed (it is tried again).' },
      updatedAt: DATE_TIME,
    },
  },
  Repository: {
    type: 'object', required: ['id', 'accountId', 'repositoryId', 'title', 'description', 'tags', 'visibility', 'state', 'disabled', 'featured', 'collectionId', 'createdAt', 'updatedAt'],
    properties: {
      id: { type: 'string', description: '{account}/{repository}' }, accountId: ID, repositoryId: ID, title: TEXT(200, 1), description: TEXT(20000),
      tags: TAGS, license: LICENSE, visibility: VISIBILITY, state: STATE, disabled: { type: 'boolean' }, featured: { type: 'boolean' },
      collectionId: { type: 'string', description: 'Its STAC collection, {account}.{repository}.' },
      dataConnectionId: { ...CONNECTION_ID, description: 'Only to maintainers and up.' }, prefix: { ...PREFIX, description: 'Only to maintainers and up.' },
      createdAt: DATE_TIME, updatedAt: DATE_TIME,
    },
  },
  NewRepository: {
    type: 'object', additionalProperties: false, required: ['id', 'title', 'dataConnectionId'],
    properties: {
      id: ID, title: TEXT(200, 1), description: { ...TEXT(20000), default: '' }, tags: TAGS, license: nullable(LICENSE),
      visibility: { ...VISIBILITY, default: 'public' }, state: { ...STATE, default: 'draft' }, dataConnectionId: CONNECTION_ID,
      prefix: { ...PREFIX, description: `${PREFIX.description} Defaults to {account}/{repository}/; any other takes the right to manage the connection.` },
    },
  },
  RepositoryPatch: {
    type: 'object', additionalProperties: false, minProperties: 1,
    properties: {
      title: TEXT(200, 1), description: TEXT(20000), tags: TAGS, license: { ...nullable(LICENSE), description: 'null removes the licence.' },
      visibility: VISIBILITY, state: STATE, dataConnectionId: CONNECTION_ID, prefix: PREFIX,
      featured: { type: 'boolean', description: 'Admins only.' }, disabled: { type: 'boolean', description: 'Admins only.' },
      updatedAt: { ...DATE_TIME, description: 'The updatedAt of the version read: a change made since is 409.' },
    },
  },
  Membership: {
    type: 'object', required: ['resource', 'memberId', 'role', 'state', 'invitedBy', 'createdAt', 'updatedAt'],
    properties: {
      resource: { type: 'string', description: '{account} for an organisation, {account}/{repository} for a repository.' },
      memberId: ID, role: ROLE, state: { type: 'string', enum: ['invited', 'member', 'revoked'] }, invitedBy: ID, createdAt: DATE_TIME, updatedAt: DATE_TIME,
    },
  },
  Invitation: {
    type: 'object', additionalProperties: false, required: ['memberId', 'role'],
    properties: { memberId: { ...ID, description: 'A person (not an organisation).' }, role: ROLE },
  },
  RoleChange: { type: 'object', additionalProperties: false, required: ['role'], properties: { role: ROLE } },
  ApiKey: {
    type: 'object', required: ['accessKeyId', 'accountId', 'name', 'status', 'createdAt'],
    properties: {
      accessKeyId: { type: 'string', pattern: '^MRDN[A-Z2-7]{16}$' }, accountId: ID, name: TEXT(100, 1),
      repository: { type: 'string', description: 'The one repository, {account}/{repository}, the key is scoped to.' },
      expiresAt: DATE_TIME, status: { type: 'string', enum: ['active', 'expired', 'revoked'] }, createdAt: DATE_TIME,
    },
  },
  CreatedApiKey: {
    allOf: [schema('ApiKey'), {
      type: 'object', required: ['secretAccessKey', 'token'],
      properties: {
        secretAccessKey: { type: 'string', pattern: '^[A-Za-z0-9_-]{40}$', description: 'Shown this once.' },
        token: { type: 'string', description: '<accessKeyId>.<secret>, for Authorization: Bearer.' },
      },
    }],
  },
  NewApiKey: {
    type: 'object', additionalProperties: false, required: ['name'],
    properties: {
      name: TEXT(100, 1),
      repository: { type: 'string', nullable: true, description: '{account}/{repository}: an existing repository the caller may see.' },
      expiresAt: { ...DATE_TIME, nullable: true, description: 'RFC 3339, in the future, at most two years away; absent: until revoked.' },
    },
  },
  DataConnection: {
    type: 'object', required: ['id', 'name', 'ownerId', 'details', 'readOnly', 'allowedVisibilities', 'createdAt', 'updatedAt'],
    properties: {
      id: ID, name: TEXT(100, 1), ownerId: { ...ID, nullable: true, description: 'null: admins only.' },
      details: {
        oneOf: [
          { type: 'object', required: ['kind', 'root'], properties: filesystemDetails.properties },
          { type: 'object', required: ['kind', 'bucket', 'prefixTemplate', 'region', 'hasCredentials'], properties: { ...s3DetailsProperties, hasCredentials: { type: 'boolean' } } },
        ],
      },
      readOnly: { type: 'boolean' }, allowedVisibilities: { type: 'array', items: VISIBILITY }, createdAt: DATE_TIME, updatedAt: DATE_TIME,
    },
  },
  NewDataConnection: {
    type: 'object', additionalProperties: false, required: ['id', 'name', 'details'],
    properties: {
      id: ID, name: TEXT(100, 1),
      details: {
        oneOf: [filesystemDetails, { type: 'object', additionalProperties: false, required: ['kind', 'bucket'], properties: { ...s3DetailsProperties, ...credentialProperties } }],
      },
      ownerId: { ...ID, nullable: true, description: 'Defaults to the creating admin; null: admins only.' },
      readOnly: { type: 'boolean', default: false },
      allowedVisibilities: { type: 'array', minItems: 1, maxItems: 3, uniqueItems: true, items: VISIBILITY, description: 'Default: all three.' },
    },
  },
  DataConnectionPatch: {
    type: 'object', additionalProperties: false, minProperties: 1,
    properties: {
      name: TEXT(100, 1), ownerId: { ...ID, nullable: true, description: 'Admins only.' }, readOnly: { type: 'boolean' },
      allowedVisibilities: { type: 'array', minItems: 1, maxItems: 3, uniqueItems: true, items: VISIBILITY },
      details: {
        type: 'object', additionalProperties: false,
        description: 'Merged into the stored details; kind cannot change. Location fields are admins only; endpoint null removes it; the credentials go together (both null removes them).',
        properties: {
          kind: { type: 'string', enum: ['filesystem', 's3'] }, root: filesystemDetails.properties.root,
          bucket: s3DetailsProperties.bucket, prefixTemplate: s3DetailsProperties.prefixTemplate, region: s3DetailsProperties.region,
          endpoint: nullable(s3DetailsProperties.endpoint),
          accessKeyId: nullable(credentialProperties.accessKeyId), secretAccessKey: nullable(credentialProperties.secretAccessKey),
        },
      },
    },
  },
};

const errorResponse = (description: string) => ({ description, ...json(schema('Error')) });
const responses = {
  InvalidParameterValue: errorResponse('A field or parameter is malformed (code InvalidParameterValue); the description names it. Nothing is changed.'),
  Unauthorized: errorResponse('Not signed in, or the API key is not valid (code Unauthorized).'),
  Forbidden: errorResponse('Not allowed, or a session request without the right X-CSRF-Token (code Forbidden).'),
  NotFound: errorResponse('No such resource, or one the caller may not see (code NotFound).'),
  Conflict: errorResponse('The change conflicts with the current state (code Conflict).'),
  TooManyRequests: {
    ...errorResponse('Too many sign-in attempts (code TooManyRequests).'),
    headers: { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } } },
  },
};

const membersPaths = (base: string, params: object[], what: string, idPrefix: string) => ({
  [base]: {
    parameters: params,
    get: read({ tags: ['Members'], summary: `Members and pending invitations of ${what}`, operationId: `list${idPrefix}Members`, parameters: paging, responses: { 200: ok('A page of memberships.', page('members', schema('Membership'))), 400: error('InvalidParameterValue') } }),
    post: write({
      tags: ['Members'], summary: `Invite a person to ${what} (owners)`, operationId: `invite${idPrefix}Member`, requestBody: body(schema('Invitation')),
      responses: { 201: { ...ok('The invitation.', schema('Membership')), headers: { Location: { schema: { type: 'string' } } } }, 409: error('Conflict') },
    }),
  },
  [`${base}/{memberId}`]: {
    parameters: [...params, memberId],
    patch: write({ tags: ['Members'], summary: `Change a member's role on ${what} (owners)`, operationId: `change${idPrefix}MemberRole`, requestBody: body(schema('RoleChange')), responses: { 200: ok('The membership.', schema('Membership')), 409: error('Conflict') } }),
    delete: write({ tags: ['Members'], summary: `Revoke a membership of ${what} (owners)`, operationId: `revoke${idPrefix}Member`, responses: { ...noContent, 409: error('Conflict') } }),
  },
});

const invitationAnswer = (answer: 'accept' | 'decline') => ({
  parameters: [resource],
  post: write({
    tags: ['Members'], summary: `${answer === 'accept' ? 'Accept' : 'Decline'} an invitation (the invitee only)`, operationId: `${answer}Invitation`,
    responses: { 200: ok('The membership.', schema('Membership')), 409: error('Conflict') },
  }),
});

export function managementOpenApiDocument(serverUrl: string) {
  return {
    openapi: '3.0.3',
    info: {
      title: 'Meridian management API', version: '1.0.0', license: { name: 'Apache-2.0' },
      description: 'Accounts, sessions, organisations, repositories, members, API keys and data connections. JSON in and out; errors as {code, description}.',
    },
    servers: [{ url: serverUrl }],
    tags: [
      { name: 'Service' }, { name: 'Session' }, { name: 'Accounts' }, { name: 'Repositories' }, { name: 'Indexing' }, { name: 'Members' }, { name: 'API keys' }, { name: 'Data connections' },
    ],
    paths: {
      '/openapi.json': {
        get: { tags: ['Service'], summary: 'This document', operationId: 'getManagementOpenApi', security: anonymous, responses: { 200: { description: 'OpenAPI 3.0', content: { [OPENAPI_JSON]: { schema: { type: 'object' } } } } } },
      },
      '/session': {
        post: {
          tags: ['Session'], summary: 'Sign in', operationId: 'signIn', security: anonymous, requestBody: body(schema('SignIn')),
          responses: {
            201: { ...ok('Signed in: the session cookie is set.', schema('Session')), headers: { 'Set-Cookie': { description: 'meridian_session (HttpOnly, SameSite=Lax).', schema: { type: 'string' } } } },
            400: error('InvalidParameterValue'), 401: error('Unauthorized'), 429: error('TooManyRequests'),
          },
        },
        get: read({ tags: ['Session'], summary: 'The signed-in account (and its CSRF token, or the API key)', operationId: 'getSession', responses: { 200: ok('The session.', schema('Session')) } }),
        delete: { tags: ['Session'], summary: 'Sign out: the session is deleted and the cookie cleared', operationId: 'signOut', security: [...unsafeSignedIn, {}], responses: { ...noContent, 401: error('Unauthorized'), 403: error('Forbidden') } },
      },
      '/accounts': {
        post: {
          tags: ['Accounts'], summary: 'Sign up', operationId: 'signUp', security: anonymous, requestBody: body(schema('SignUp')),
          responses: { 201: { ...ok('The new account.', schema('Account')), headers: { Location: { schema: { type: 'string' } } } }, 400: error('InvalidParameterValue'), 409: error('Conflict') },
        },
        get: {
          tags: ['Accounts'], summary: 'Accounts (admins see all; others public profiles of enabled accounts)', operationId: 'listAccounts', security: [...signedIn, {}], parameters: paging,
          responses: { 200: ok('A page of accounts.', page('accounts', schema('Account'))), 400: error('InvalidParameterValue'), 401: error('Unauthorized') },
        },
      },
      '/accounts/{id}': {
        parameters: [accountId],
        get: { ...read({ tags: ['Accounts'], summary: 'One account', operationId: 'getAccount', responses: { 200: ok('The account.', schema('Account')) } }), security: [...signedIn, {}] },
        patch: write({ tags: ['Accounts'], summary: 'Change the profile', operationId: 'updateProfile', requestBody: body(schema('ProfilePatch')), responses: { 200: ok('The account.', schema('Account')) } }),
      },
      '/accounts/{id}/flags': {
        parameters: [accountId],
        patch: write({ tags: ['Accounts'], summary: 'Set flags or disable (admins only)', operationId: 'setAccountFlags', requestBody: body(schema('FlagsPatch')), responses: { 200: ok('The account.', schema('Account')) } }),
      },
      '/accounts/{id}/avatar': {
        parameters: [accountId],
        put: write({
          tags: ['Accounts'], summary: 'Upload the avatar', operationId: 'setAvatar',
          requestBody: {
            required: true, description: 'The image bytes: PNG, JPEG or WebP (recognised by its bytes), at most 1 MiB (1048576 bytes).',
            content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary', maxLength: 1048576 } }, 'image/*': { schema: { type: 'string', format: 'binary', maxLength: 1048576 } } },
          },
          responses: { 200: ok('The account.', schema('Account')) },
        }),
        get: {
          tags: ['Accounts'], summary: 'The avatar image', operationId: 'getAvatar', security: [...signedIn, {}],
          responses: {
            200: { description: 'The image.', content: { 'image/png': { schema: { type: 'string', format: 'binary' } }, 'image/jpeg': { schema: { type: 'string', format: 'binary' } }, 'image/webp': { schema: { type: 'string', format: 'binary' } } } },
            404: error('NotFound'),
          },
        },
      },
      '/organizations': {
        post: write({
          tags: ['Accounts'], summary: 'Create an organisation; the caller becomes a member of its owners', operationId: 'createOrganization', requestBody: body(schema('NewOrganization')),
          responses: { 201: { ...ok('The organisation.', schema('Account')), headers: { Location: { schema: { type: 'string' } } } }, 409: error('Conflict') },
        }),
      },
      '/accounts/{id}/repositories': {
        parameters: [accountId],
        post: write({
          tags: ['Repositories'], summary: 'Create a repository under the account', operationId: 'createRepository', requestBody: body(schema('NewRepository')),
          responses: { 201: { ...ok('The repository.', schema('Repository')), headers: { Location: { schema: { type: 'string' } } } }, 409: error('Conflict') },
        }),
        get: {
          ...read({
            tags: ['Repositories'], summary: "The account's repositories the caller may list", operationId: 'listAccountRepositories',
            parameters: [query('q', 'Words in path, title or description.', { type: 'string', maxLength: 200 }), query('tag', 'Repeatable; all must match.', { type: 'array', items: { type: 'string' } }), ...paging],
            responses: { 200: ok('A page of repositories.', page('repositories', schema('Repository'))), 400: error('InvalidParameterValue') },
          }),
          security: [...signedIn, {}],
        },
      },
      '/repositories': {
        get: {
          tags: ['Repositories'], summary: 'Repositories across all accounts the caller may list', operationId: 'listRepositories', security: [...signedIn, {}],
          parameters: [query('q', 'Words in path, title or description.', { type: 'string', maxLength: 200 }), query('tag', 'Repeatable; all must match.', { type: 'array', items: { type: 'string' } }), ...paging],
          responses: { 200: ok('A page of repositories.', page('repositories', schema('Repository'))), 400: error('InvalidParameterValue'), 401: error('Unauthorized') },
        },
      },
      '/repositories/{account}/{repository}': {
        parameters: repoParams,
        get: { ...read({ tags: ['Repositories'], summary: 'One repository', operationId: 'getRepository', responses: { 200: ok('The repository.', schema('Repository')) } }), security: [...signedIn, {}] },
        patch: write({ tags: ['Repositories'], summary: 'Change a repository (maintainers and up)', operationId: 'updateRepository', requestBody: body(schema('RepositoryPatch')), responses: { 200: ok('The repository.', schema('Repository')), 409: error('Conflict') } }),
        delete: write({ tags: ['Repositories'], summary: 'Delete a repository (owners and admins); its files stay', operationId: 'deleteRepository', responses: noContent }),
      },
      '/repositories/{account}/{repository}/files': {
        parameters: repoParams,
        get: {
          ...read({
            tags: ['Repositories'], summary: "The repository's files, in key order (anyone who may read it)", operationId: 'listRepositoryFiles',
            description: 'Each file links to its download under /data. With a delimiter, keys that continue past it after the prefix are folded into `directories`, which count towards `limit` like files.',
            parameters: [
              query('prefix', 'Only keys that start with it, e.g. `scenes/2024/`.', { type: 'string', maxLength: 1024 }),
              query('delimiter', 'Usually `/`: list one folder level.', { type: 'string' }), ...paging,
            ],
            responses: { 200: ok('A page of files and directories.', schema('FilePage')), 400: error('InvalidParameterValue') },
          }),
          security: [...signedIn, {}],
        },
      },
      '/repositories/{account}/{repository}/index': {
        parameters: repoParams,
        get: {
          ...read({
            tags: ['Indexing'], summary: 'Index status: state, counts, last crawl, progress; the validation report for maintainers and up', operationId: 'getIndexStatus',
            responses: { 200: ok('The index status.', schema('IndexStatus')) },
          }),
          security: [...signedIn, {}],
        },
      },
      '/repositories/{account}/{repository}/index/events': {
        parameters: repoParams,
        get: {
          ...read({
            tags: ['Indexing'], summary: 'The index status as server-sent events, live', operationId: 'streamIndexStatus',
            description: 'A `status` event (data: an IndexStatus as JSON) at once, then one each time it changes (checked every second) while the stream is open.',
            responses: { 200: { description: 'An event stream of `status` events.', content: { 'text/event-stream': { schema: { type: 'string' } } } } },
          }),
          security: [...signedIn, {}],
        },
      },
      '/repositories/{account}/{repository}/reindex': {
        parameters: repoParams,
        post: write({
          tags: ['Indexing'], summary: 'Crawl the repository again, reading every file whatever its ETag (maintainers and up)', operationId: 'reindexRepository',
          responses: { 202: ok('Queued; the status as it stands.', schema('IndexStatus')) },
        }),
      },
      ...membersPaths('/repositories/{account}/{repository}/members', repoParams, 'a repository', 'Repository'),
      ...membersPaths('/accounts/{id}/members', [accountId], 'an organisation', 'Organization'),
      '/invitations': {
        get: read({ tags: ['Members'], summary: "The caller's pending invitations", operationId: 'listInvitations', parameters: paging, responses: { 200: ok('A page of invitations.', page('invitations', schema('Membership'))), 400: error('InvalidParameterValue') } }),
      },
      '/invitations/{resource}/accept': invitationAnswer('accept'),
      '/invitations/{resource}/decline': invitationAnswer('decline'),
      '/accounts/{id}/api-keys': {
        parameters: [accountId],
        post: write({
          tags: ['API keys'], summary: 'Create an API key (the secret is in this answer only)', operationId: 'createApiKey', requestBody: body(schema('NewApiKey')),
          responses: { 201: { ...ok('The key, its secret and token.', schema('CreatedApiKey')), headers: { Location: { schema: { type: 'string' } } } } },
        }),
        get: read({ tags: ['API keys'], summary: "The account's keys; never a secret", operationId: 'listApiKeys', parameters: paging, responses: { 200: ok('A page of keys.', page('apiKeys', schema('ApiKey'))), 400: error('InvalidParameterValue'), 403: error('Forbidden') } }),
      },
      '/accounts/{id}/api-keys/{accessKeyId}': {
        parameters: [accountId, accessKeyId],
        get: read({ tags: ['API keys'], summary: 'One key', operationId: 'getApiKey', responses: { 200: ok('The key.', schema('ApiKey')), 403: error('Forbidden') } }),
        delete: write({ tags: ['API keys'], summary: 'Revoke a key', operationId: 'revokeApiKey', responses: noContent }),
      },
      '/data-connections': {
        post: write({
          tags: ['Data connections'], summary: 'Create a data connection (admins)', operationId: 'createDataConnection', requestBody: body(schema('NewDataConnection')),
          responses: { 201: { ...ok('The connection, without credentials.', schema('DataConnection')), headers: { Location: { schema: { type: 'string' } } } }, 409: error('Conflict') },
        }),
        get: read({ tags: ['Data connections'], summary: 'Data connections (anyone signed in)', operationId: 'listDataConnections', parameters: paging, responses: { 200: ok('A page of connections.', page('dataConnections', schema('DataConnection'))), 400: error('InvalidParameterValue') } }),
      },
      '/data-connections/{id}': {
        parameters: [connectionId],
        get: read({ tags: ['Data connections'], summary: 'One data connection', operationId: 'getDataConnection', responses: { 200: ok('The connection.', schema('DataConnection')) } }),
        patch: write({ tags: ['Data connections'], summary: 'Change a data connection (its owner or an admin)', operationId: 'updateDataConnection', requestBody: body(schema('DataConnectionPatch')), responses: { 200: ok('The connection.', schema('DataConnection')), 409: error('Conflict') } }),
        delete: write({ tags: ['Data connections'], summary: 'Delete a data connection (its owner or an admin)', operationId: 'deleteDataConnection', responses: { ...noContent, 409: error('Conflict') } }),
      },
    },
    components: {
      securitySchemes: {
        sessionCookie: { type: 'apiKey', in: 'cookie', name: 'meridian_session', description: 'Set by POST /session.' },
        csrfToken: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token', description: "The session's csrfToken: required with the session cookie on POST, PUT, PATCH and DELETE, else 403." },
        apiKey: { type: 'http', scheme: 'bearer', bearerFormat: '<accessKeyId>.<secret>', description: 'An API key: Authorization: Bearer <accessKeyId>.<secret>. No cookie, no CSRF token; an invalid key is 401.' },
      },
      schemas,
      responses,
    },
  };
}

/** GET /openapi.json: no authentication; mounted before it. */
export function managementOpenApiRoutes(deps: AccountsApiDeps): Router {
  const router = Router();
  router.get('/openapi.json', (req, res) => {
    res.type(OPENAPI_JSON).send(JSON.stringify(managementOpenApiDocument(`${baseUrl(req, deps.config.publicUrl)}/api/v1`)));
  });
  return router;
}
