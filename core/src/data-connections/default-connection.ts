// The data connection a fresh embedded installation starts with, so that
// repositories can be created out of the box: `local`, the directory
// DATA_DIR/files, read-write, every visibility, managed by the admins (no owner).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isoTime, type AccountsDeps } from '../accounts/accounts-context.ts';
import type { DataConnection } from '../accounts/accounts.types.ts';
import { ConflictError } from '../errors.ts';
import { VISIBILITIES } from './data-connection-fields.ts';
import { ADMINS_ONLY } from './data-connections.service.ts';

export const DEFAULT_CONNECTION_ID = 'local';

export const defaultConnectionRoot = (dataDir: string) => join(dataDir, 'files');

/** Creates `local` unless it exists (then nothing changes); creates its directory. */
export async function ensureDefaultDataConnection(deps: AccountsDeps, dataDir: string): Promise<'created' | 'exists'> {
  const root = defaultConnectionRoot(dataDir);
  await mkdir(root, { recursive: true });
  const now = isoTime(deps.clock);
  const connection: DataConnection = {
    id: DEFAULT_CONNECTION_ID,
    name: 'Local files',
    ownerId: ADMINS_ONLY,
    details: { kind: 'filesystem', root },
    readOnly: false,
    allowedVisibilities: [...VISIBILITIES],
    createdAt: now,
    updatedAt: now,
  };
  try {
    await deps.store.createDataConnection(connection);
    return 'created';
  } catch (error) {
    if (error instanceof ConflictError) return 'exists';
    throw error;
  }
}
