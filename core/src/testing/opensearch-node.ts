// A real OpenSearch node for tests, from the Maven Central artifacts that
// scripts/opensearch.sh installs: started on a free loopback port with a fresh data
// directory, and stopped (its directory removed) afterwards.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startProcess } from './loopback-server.ts';

const dir = process.env.MERIDIAN_OPENSEARCH_DIR || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'meridian', 'opensearch');
const launcher = join(dir, 'bin', 'opensearch-loopback');

/** Why no node can be started here, in one line; undefined when one can. */
export function openSearchMissing(): string | undefined {
  return existsSync(launcher) ? undefined : `OpenSearch is not installed in ${dir} (run bash scripts/opensearch.sh)`;
}

export interface OpenSearchNode {
  url: string;
  stop(): Promise<void>;
}

export async function startOpenSearch(): Promise<OpenSearchNode> {
  const port = await freePort();
  const data = await mkdtemp(join(tmpdir(), 'meridian-opensearch-'));
  const url = `http://127.0.0.1:${port}`;
  try {
    // stdin stays open while this process lives: the launcher exits when it closes.
    const node = await startProcess('OpenSearch', launcher, [String(port), data], {
      ready: { url: `${url}/_cluster/health` }, deadlineMs: 180_000, stdin: 'pipe',
    });
    return {
      url,
      async stop() {
        await node.stop();
        await rm(data, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(data, { recursive: true, force: true });
    throw error;
  }
}
