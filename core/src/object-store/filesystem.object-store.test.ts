import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FilesystemObjectStore } from './filesystem.object-store.ts';
import { objectStoreContract } from './object-store.contract.ts';

objectStoreContract('filesystem', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'meridian-objects-'));
  const options = (prefix: string) => ({ root: join(dataDir, 'files', prefix), stagingDir: join(dataDir, 'staging') });
  return {
    open: (prefix: string) => new FilesystemObjectStore(options(prefix)),
    close: () => rm(dataDir, { recursive: true, force: true }),
  };
});
