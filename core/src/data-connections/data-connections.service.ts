// Data connections: where repositories' bytes live — a directory on the server,
// or an S3 bucket (any S3-compatible store) with a prefix template, region,
// endpoint and credentials. Who does what is the access rule's:
// 'data_connection:create' (admins), 'data_connection:read' (anyone signed in,
// not through a repository-scoped key) and 'data_connection:manage' (the owner,
// an organisation owner's owners, admins).
//
// Credentials are sealed under the server's secret key before they are stored,
// and no read returns them, sealed or not (the view goes through the access
// rule's redactConnection); a view says only whether there are any.
//
// Changing where a connection points, or who owns it, is what creating one is:
// it needs 'data_connection:create' too. An owner who is not an admin changes the
// name, the read-only flag, the allowed visibilities and the credentials.
import { assertAllowed, decide, redactConnection, type Caller } from '../access/access-rule.ts';
import { checkAccountId, checkObject } from '../accounts/account-fields.ts';
import { isoTime, nextUpdatedAt, type AccountsDeps } from '../accounts/accounts-context.ts';
import type { DataConnection, DataConnectionDetails, Repository, Visibility } from '../accounts/accounts.types.ts';
import { seal } from '../crypto/secret-box.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import type { ListPage } from '../metadata-store/metadata-store.port.ts';
import { checkPageOptions } from '../metadata-store/page-options.ts';
import {
  checkConnectionId, checkConnectionName, checkDetailsPatch, checkNewDetails, checkReadOnly, checkVisibilities, VISIBILITIES, type DetailsInput,
} from './data-connection-fields.ts';

export interface DataConnectionsDeps extends AccountsDeps {
  /** The server's secret key (crypto/secret-key.ts): seals S3 credentials. */
  secretKey: Uint8Array;
}

/**
 * The owner of a connection that belongs to no account: only admins manage it.
 * Not an account id (those never start with a colon), so no account can ever be
 * created that owns it. Views show it as `ownerId: null`.
 */
export const ADMINS_ONLY = ':admins';

/** The associated data that binds a connection's sealed secret to its record. */
export const connectionSecretContext = (id: string) => `data-connection:${id}`;

type S3Details = Extract<DataConnectionDetails, { kind: 's3' }>;
export type DataConnectionDetailsView =
  | { kind: 'filesystem'; root: string }
  | (Omit<S3Details, 'accessKeyId' | 'secretCiphertext'> & { hasCredentials: boolean });

/** A connection as every read returns it: never with credentials. */
export interface DataConnectionView extends Omit<DataConnection, 'ownerId' | 'details'> {
  /** null: no owner but the admins. */
  ownerId: string | null;
  details: DataConnectionDetailsView;
}

export function dataConnectionView(connection: DataConnection): DataConnectionView {
  const redacted = redactConnection(connection);
  const details: DataConnectionDetailsView = redacted.details.kind === 's3'
    ? { ...redacted.details, hasCredentials: connection.details.kind === 's3' && connection.details.secretCiphertext !== undefined }
    : redacted.details;
  return { ...redacted, ownerId: connection.ownerId === ADMINS_ONLY ? null : connection.ownerId, details };
}

/** The stored details: credentials sealed for connection `id`. */
function storedDetails(deps: DataConnectionsDeps, id: string, input: DetailsInput): DataConnectionDetails {
  if (input.kind === 'filesystem') return input;
  const { credentials, ...rest } = input;
  return credentials
    ? { ...rest, accessKeyId: credentials.accessKeyId, secretCiphertext: seal(deps.secretKey, credentials.secretAccessKey, connectionSecretContext(id)) }
    : rest;
}

/** An owner: an existing account id, or null for admins only. */
async function checkOwner(deps: DataConnectionsDeps, value: unknown): Promise<string> {
  if (value === null) return ADMINS_ONLY;
  const id = checkAccountId(value, 'ownerId');
  if (!(await deps.store.getAccount(id))) throw new ValidationError(`ownerId: there is no account ${id}`);
  return id;
}

const FIELDS = ['id', 'name', 'ownerId', 'readOnly', 'allowedVisibilities', 'details'] as const;

/**
 * Creates a connection from `{ id, name, details, ownerId?, readOnly?,
 * allowedVisibilities? }`; the owner defaults to the caller, readOnly to false,
 * the visibilities to all three. Everything is checked before anything is written.
 */
export async function createDataConnection(deps: DataConnectionsDeps, caller: Caller, body: unknown): Promise<DataConnectionView> {
  assertAllowed(decide(caller, 'data_connection:create'));
  if (caller.kind !== 'account') throw new Error('unreachable: the access rule admits only signed-in callers');
  const fields = checkObject(body, FIELDS);
  const id = checkConnectionId(fields.id);
  const name = checkConnectionName(fields.name);
  const details = checkNewDetails(fields.details);
  const readOnly = fields.readOnly === undefined ? false : checkReadOnly(fields.readOnly);
  const allowedVisibilities = fields.allowedVisibilities === undefined ? [...VISIBILITIES] : checkVisibilities(fields.allowedVisibilities);
  const ownerId = fields.ownerId === undefined ? caller.accountId : await checkOwner(deps, fields.ownerId);
  const now = isoTime(deps.clock);
  const connection: DataConnection = {
    id, name, ownerId, details: storedDetails(deps, id, details), readOnly, allowedVisibilities, createdAt: now, updatedAt: now,
  };
  try {
    await deps.store.createDataConnection(connection);
  } catch (error) {
    if (error instanceof ConflictError) throw new ConflictError(`the data connection id ${id} is taken`);
    throw error;
  }
  return dataConnectionView(connection);
}

export async function listDataConnections(deps: DataConnectionsDeps, caller: Caller, options: { limit?: unknown; cursor?: unknown }): Promise<ListPage<DataConnectionView>> {
  assertAllowed(decide(caller, 'data_connection:read'));
  const page = await deps.store.listDataConnections(checkPageOptions(options));
  return { items: page.items.map(dataConnectionView), ...(page.next ? { next: page.next } : {}) };
}

async function readConnection(deps: DataConnectionsDeps, caller: Caller, id: unknown): Promise<DataConnection> {
  assertAllowed(decide(caller, 'data_connection:read'));
  const connectionId = checkConnectionId(id);
  const connection = await deps.store.getDataConnection(connectionId);
  if (!connection) throw new NotFoundError(`data connection ${connectionId} does not exist`);
  return connection;
}

export async function getDataConnection(deps: DataConnectionsDeps, caller: Caller, id: unknown): Promise<DataConnectionView> {
  return dataConnectionView(await readConnection(deps, caller, id));
}

/** Every repository stored on the connection. */
export async function repositoriesOn(deps: Pick<AccountsDeps, 'store'>, connectionId: string): Promise<Repository[]> {
  const found: Repository[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.store.listRepositories({ limit: 1000, cursor });
    found.push(...page.items.filter((r) => r.dataConnectionId === connectionId));
    cursor = page.next;
  } while (cursor);
  return found;
}

const PATCH_FIELDS = ['name', 'ownerId', 'readOnly', 'allowedVisibilities', 'details'] as const;

function assertMayRelocate(caller: Caller, what: string): void {
  if (!decide(caller, 'data_connection:create').allowed) throw new ForbiddenError(`only admins change ${what} of a data connection`);
}

/**
 * A merge patch: `name`, `readOnly`, `allowedVisibilities`, `ownerId` (admins;
 * null = admins only) and `details` (see checkDetailsPatch; all but the
 * credentials are for admins). Visibilities that repositories on the connection
 * have cannot be taken away (409).
 */
export async function updateDataConnection(deps: DataConnectionsDeps, caller: Caller, id: unknown, body: unknown): Promise<DataConnectionView> {
  const connection = await readConnection(deps, caller, id);
  assertAllowed(decide(caller, 'data_connection:manage', connection));
  const fields = checkObject(body, PATCH_FIELDS);
  const name = fields.name === undefined ? undefined : checkConnectionName(fields.name);
  const readOnly = fields.readOnly === undefined ? undefined : checkReadOnly(fields.readOnly);
  const allowedVisibilities = fields.allowedVisibilities === undefined ? undefined : checkVisibilities(fields.allowedVisibilities);
  const details = fields.details === undefined ? undefined : checkDetailsPatch(fields.details, connection.details);
  if (details && Object.keys(details.location).length > 0) assertMayRelocate(caller, 'where the bytes live (details other than the credentials)');
  let ownerId: string | undefined;
  if (fields.ownerId !== undefined) {
    assertMayRelocate(caller, 'the owner');
    ownerId = await checkOwner(deps, fields.ownerId);
  }
  if (name === undefined && readOnly === undefined && allowedVisibilities === undefined && details === undefined && ownerId === undefined) {
    throw new ValidationError(`nothing to change: expected some of ${PATCH_FIELDS.join(', ')}`);
  }

  const change = (current: DataConnection): DataConnection => {
    let nextDetails = current.details;
    if (details) {
      if (nextDetails.kind === 'filesystem') nextDetails = { ...nextDetails, ...(details.location.root !== undefined ? { root: details.location.root } : {}) };
      else {
        const { endpoint, ...location } = details.location;
        const s3 = { ...nextDetails, ...Object.fromEntries(Object.entries(location).filter(([, v]) => v !== undefined)) } as S3Details;
        if (endpoint === null) delete s3.endpoint;
        else if (endpoint !== undefined) s3.endpoint = endpoint;
        if (details.credentials === null) {
          delete s3.accessKeyId;
          delete s3.secretCiphertext;
        } else if (details.credentials) {
          s3.accessKeyId = details.credentials.accessKeyId;
          s3.secretCiphertext = seal(deps.secretKey, details.credentials.secretAccessKey, connectionSecretContext(current.id));
        }
        nextDetails = s3;
      }
    }
    return {
      ...current,
      name: name ?? current.name,
      readOnly: readOnly ?? current.readOnly,
      allowedVisibilities: allowedVisibilities ?? current.allowedVisibilities,
      ownerId: ownerId ?? current.ownerId,
      details: nextDetails,
      updatedAt: nextUpdatedAt(deps.clock, current.updatedAt),
    };
  };

  let current = connection;
  for (let attempt = 1; ; attempt++) {
    if (allowedVisibilities) await assertVisibilitiesInUse(deps, current, allowedVisibilities);
    const next = change(current);
    try {
      await deps.store.updateDataConnection(next, current.updatedAt);
      return dataConnectionView(next);
    } catch (error) {
      // Someone else wrote in between: apply the same patch to their version.
      if (!(error instanceof ConflictError) || attempt >= 3) throw error;
      const reread = await deps.store.getDataConnection(current.id);
      if (!reread) throw new NotFoundError(`data connection ${current.id} does not exist`);
      current = reread;
    }
  }
}

async function assertVisibilitiesInUse(deps: DataConnectionsDeps, connection: DataConnection, allowed: Visibility[]): Promise<void> {
  const removed = connection.allowedVisibilities.filter((v) => !allowed.includes(v));
  if (removed.length === 0) return;
  const blocking = (await repositoriesOn(deps, connection.id)).filter((r) => removed.includes(r.visibility));
  if (blocking.length > 0) {
    const names = blocking.slice(0, 5).map((r) => `${r.accountId}/${r.repositoryId} (${r.visibility})`).join(', ');
    throw new ConflictError(`repositories on data connection ${connection.id} are ${removed.join(' or ')}: ${names}${blocking.length > 5 ? ', …' : ''}; change them first`);
  }
}

/** Deletes a connection that no repository uses (409 otherwise). */
export async function deleteDataConnection(deps: DataConnectionsDeps, caller: Caller, id: unknown): Promise<void> {
  const connection = await readConnection(deps, caller, id);
  assertAllowed(decide(caller, 'data_connection:manage', connection));
  const users = await repositoriesOn(deps, connection.id);
  if (users.length > 0) {
    const names = users.slice(0, 5).map((r) => `${r.accountId}/${r.repositoryId}`).join(', ');
    throw new ConflictError(`data connection ${connection.id} is used by ${users.length} repositor${users.length === 1 ? 'y' : 'ies'} (${names}${users.length > 5 ? ', …' : ''}): move or delete them first`);
  }
  await deps.store.deleteDataConnection(connection.id);
}
