// Meridian as `npm start` runs it — node api/src/main.ts, the web app mounted, the
// indexer in the same process, a fresh embedded data directory — on a free
// loopback port, for the web app's end-to-end tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultConnectionRoot } from '@meridian/core/data-connections/default-connection';
import { freePort, startProcess, type LoopbackProcess } from '@meridian/core/testing/loopback-server';

const MAIN = fileURLToPath(new URL('../../api/src/main.ts', import.meta.url));

export interface MeridianProcess {
  url: string;
  /** The STAC API root. */
  stac: string;
  adminToken: string;
  dataDir: string;
  /** The `local` data connection's directory. */
  filesDir: string;
  process: LoopbackProcess;
  stop(): Promise<void>;
}

export async function startMeridian(env: Record<string, string> = {}): Promise<MeridianProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'meridian-web-e2e-'));
  const port = await freePort();
  const adminToken = 'web-test-admin-token-0123456789abcdef';
  const url = `http://127.0.0.1:${port}`;
  const child = await startProcess('meridian', process.execPath, [MAIN], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir, ADMIN_TOKEN: adminToken, LOG_LEVEL: 'warn', ...env },
    ready: { url: `${url}/stac/` },
  });
  return {
    url,
    stac: `${url}/stac`,
    adminToken,
    dataDir,
    filesDir: defaultConnectionRoot(dataDir),
    process: child,
    async stop() {
      await child.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
