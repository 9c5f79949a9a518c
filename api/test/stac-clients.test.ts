// Peer clients against the real API, over a synthetic catalog loaded through the
// transaction API: pystac-client, whose searches are compared with a brute-force
// evaluation of the same catalog, and stac-api-validator, run for every
// conformance class it can check that Meridian declares. Both are Python packages
// from api/test/python/requirements.txt (bash scripts/python-env.sh puts them in
// .venv/); they run offline, their schema fetches answered by api/test/python/offline.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { loadThroughApi, SEARCH_COLLECTIONS, syntheticCatalog, TRANSACTION_COLLECTION } from './synthetic-catalog.ts';
import { startTestServer } from './test-server.ts';

const root = new URL('../..', import.meta.url).pathname;
const pythonDir = new URL('./python/', import.meta.url).pathname;
const required = process.env.MERIDIAN_REQUIRE_SERVICES === '1';

/** MERIDIAN_PYTHON, else the repository's .venv; either must import both clients. */
async function findPython(): Promise<{ python?: string; reason: string }> {
  const python = process.env.MERIDIAN_PYTHON || join(root, '.venv/bin/python');
  try {
    await promisify(execFile)(python, ['-c', 'import pystac_client, stac_api_validator']);
    return { python, reason: '' };
  } catch {
    return { reason: `${python} cannot import pystac_client and stac_api_validator (run: bash scripts/python-env.sh)` };
  }
}

const { python, reason } = await findPython();

interface Run {
  code: number | null;
  output: string;
}

/** Runs Python asynchronously, so that the in-process server keeps answering it. */
function runPython(args: string[], timeoutMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(python as string, args, {
      env: {
        ...process.env,
        PYTHONPATH: join(pythonDir, 'offline'),
        STAC_SCHEMA_DIR: join(pythonDir, 'stac-schemas'),
        PYTHONDONTWRITEBYTECODE: '1',
        PYTHONUNBUFFERED: '1',
        NO_COLOR: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, output: signal ? `${output}\n(killed by ${signal})` : output }));
  });
}

// A footprint the validator's --geometry must intersect, with items of --collection in it.
const GEOMETRY = { type: 'Polygon', coordinates: [[[0, 0], [30, 0], [30, 30], [0, 30], [0, 0]]] };

test('peer STAC clients agree with the API', { skip: !python && !required && reason, timeout: 15 * 60_000 }, async (t) => {
  assert.ok(python, reason);
  const server = await startTestServer();
  t.after(() => server.close());
  const catalog = syntheticCatalog();
  await loadThroughApi(server.stac, server.adminToken, catalog);
  const dir = mkdtempSync(join(tmpdir(), 'meridian-clients-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const catalogFile = join(dir, 'catalog.json');
  writeFileSync(catalogFile, JSON.stringify(catalog));

  await t.test('pystac-client: searches match a brute-force evaluation of the catalog', async (st) => {
    const run = await runPython([join(pythonDir, 'pystac_client_check.py'), server.stac, catalogFile], 5 * 60_000);
    assert.equal(run.code, 0, `pystac-client checks failed:\n${run.output}`);
    st.diagnostic(run.output.trim().split('\n').at(-1) ?? '');
  });

  const [collection] = SEARCH_COLLECTIONS;
  const validator = (classes: string[], extra: string[] = []) => runPython([
    '-m', 'stac_api_validator',
    '--root-url', `${server.stac}/`,
    ...classes.flatMap((c) => ['--conformance', c]),
    '--collection', collection,
    '--auth-bearer-token', server.adminToken,
    ...extra,
  ], 10 * 60_000);

  await t.test('stac-api-validator: no errors in any conformance class', async () => {
    const run = await validator(
      ['core', 'collections', 'features', 'item-search', 'filter', 'item-search#fields', 'item-search#sort', 'item-search#query', 'transaction'],
      [
        '--transaction-collection', TRANSACTION_COLLECTION,
        '--validate-pagination',
        '--fields-nested-property', 'properties.eo:cloud_cover',
        '--geometry', JSON.stringify(GEOMETRY),
        // The query checks: item a-000 has eo:cloud_cover 10; instruments is an array.
        '--query-comparison-field', 'eo:cloud_cover',
        '--query-eq-value', '10', '--query-neq-value', '10',
        '--query-lt-value', '50', '--query-lte-value', '50', '--query-gt-value', '50', '--query-gte-value', '50',
        '--query-substring-field', 'platform',
        '--query-starts-with-value', 'sentinel', '--query-ends-with-value', '-8', '--query-contains-value', 'sat',
        '--query-in-field', 'instruments', '--query-in-values', 'oli,tirs',
      ],
    );
    // It prints "Failed." and may still exit 0 when it crashes: the closing line is what counts.
    assert.ok(run.output.includes('\nErrors: none\n'), `stac-api-validator reported errors:\n${run.output}`);
    assert.equal(run.code, 0, `stac-api-validator exited with ${run.code}:\n${run.output}`);
  });
});
