// The indexer's side of the api, on the in-process test server: its service
// credential (reads every repository through the data proxy, drafts and
// restricted ones included, and nothing else; a wrong one is a 401), and the
// index status and reindex endpoints under the access rule.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { indexerToken } from '@meridian/core/access/indexer-credential';
import { ensureDefaultDataConnection } from '@meridian/core/data-connections/default-connection';
import { CRAWL_REPOSITORY } from '@meridian/core/index-state/crawl-request';
import { DynamoDbIndexStateStore } from '@meridian/core/index-state/dynamodb.index-state-store';
import { assertStatus, Browser } from './http-client.ts';
import { startTestServer, type TestServer } from './test-server.ts';

const SECRET_KEY = randomBytes(32);

describe('indexing through the api', () => {
  let server: TestServer;
  let owner: Browser;
  let reader: Browser;
  let outsider: Browser;
  let indexer: Browser;
  const crawls: unknown[] = [];

  before(async () => {
    server = await startTestServer({ SECRET_KEY: SECRET_KEY.toString('base64') });
    await ensureDefaultDataConnection({ store: server.metadata, clock: Date.now }, server.dataDir);
    // No indexer runs here: the crawl requests are recorded instead.
    server.jobs.handle(CRAWL_REPOSITORY, async (job) => void crawls.push(job.data));
    owner = await new Browser(server.url).as('olive');
    reader = await new Browser(server.url).as('rita');
    outsider = await new Browser(server.url).as('otto');
    indexer = new Browser(server.url, indexerToken(SECRET_KEY));
    assertStatus(await owner.post('/api/v1/accounts/olive/repositories', { id: 'secret', title: 'Secret', dataConnectionId: 'local', visibility: 'restricted', state: 'draft' }), 201);
    assertStatus(await owner.post('/api/v1/accounts/olive/repositories', { id: 'open', title: 'Open', dataConnectionId: 'local', visibility: 'public', state: 'published' }), 201);
    assertStatus(await owner.post('/api/v1/repositories/olive/open/members', { memberId: 'rita', role: 'read_data' }), 201);
    assertStatus(await reader.post('/api/v1/invitations/olive/open/accept', {}), 200);
    mkdirSync(join(server.dataDir, 'files', 'olive', 'secret'), { recursive: true });
    writeFileSync(join(server.dataDir, 'files', 'olive', 'secret', 'hidden.txt'), 'for the indexer only');
  });
  after(() => server?.close());

  test('the indexer credential reads a restricted draft\'s files and listing; it writes nothing and is no one signed in', async () => {
    assert.equal((await outsider.get('/data/olive/secret/hidden.txt')).status, 404);
    const file = await indexer.get('/data/olive/secret/hidden.txt');
    assert.equal(file.status, 200);
    assert.equal(file.text, 'for the indexer only');
    const listing = await indexer.get('/data/olive?list-type=2&prefix=secret/');
    assert.equal(listing.status, 200);
    assert.match(listing.text, /<Key>secret\/hidden.txt<\/Key>/);
    assert.equal((await indexer.request('PUT', '/data/olive/secret/planted.txt', { body: 'x' })).status, 403);
    assert.equal((await indexer.request('DELETE', '/data/olive/secret/hidden.txt')).status, 403);
    assertStatus(await indexer.get('/api/v1/session'), 401);
    assertStatus(await indexer.patch('/api/v1/repositories/olive/secret', { title: 'taken over' }), 403);
    assertStatus(await indexer.post('/api/v1/repositories/olive/secret/reindex', {}), 403);
    const forged = new Browser(server.url, `mrdn-indexer.${randomBytes(32).toString('base64url')}`);
    assertStatus(await forged.get('/api/v1/repositories/olive/open'), 401);
    assert.equal((await forged.get('/data/olive/secret/hidden.txt')).status, 401);
  });

  test('the index status: readers see state and counts, maintainers and up the report; hidden repositories are 404', async () => {
    await server.jobs.idle();
    const store = new DynamoDbIndexStateStore(server.metadata as unknown as ConstructorParameters<typeof DynamoDbIndexStateStore>[0]);
    await store.putStatus({
      accountId: 'olive', repositoryId: 'open', state: 'indexed', counts: { seen: 3, indexed: 1, invalid: 1, failed: 1 }, startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:00:01.000Z', problems: [{ path: 'bad.json', message: 'not JSON', kind: 'invalid' }, { path: 'x.tif', message: 'no header', kind: 'failed' }],
      problemCount: 2, updatedAt: '2026-01-01T00:00:01.000Z',
    });
    const anonymous = await new Browser(server.url).get('/api/v1/repositories/olive/open/index');
    assertStatus(anonymous, 200);
    assert.deepEqual(anonymous.body, {
      repository: 'olive/open', state: 'indexed', counts: { seen: 3, indexed: 1, invalid: 1, failed: 1 }, startedAt: '2026-01-01T00:00:00.000Z',
      lastCrawledAt: '2026-01-01T00:00:01.000Z', reindexRequested: false, problemCount: 2, updatedAt: '2026-01-01T00:00:01.000Z',
    });
    assert.equal((await reader.get('/api/v1/repositories/olive/open/index')).body.problems, undefined);
    assert.deepEqual((await owner.get('/api/v1/repositories/olive/open/index')).body.problems.map((p: { path: string }) => p.path), ['bad.json', 'x.tif']);
    assertStatus(await outsider.get('/api/v1/repositories/olive/secret/index'), 404);
    assertStatus(await outsider.get('/api/v1/repositories/olive/secret/index/events'), 404);
    const never = await owner.get('/api/v1/repositories/olive/secret/index');
    assert.equal(never.body.state, 'queued');
  });

  test('reindex: maintainers and up (202, a crawl queued, the next one full); readers 403, anonymous 401, CSRF for sessions', async () => {
    await server.jobs.idle();
    crawls.length = 0;
    assertStatus(await new Browser(server.url).post('/api/v1/repositories/olive/open/reindex', {}), 401);
    assertStatus(await reader.post('/api/v1/repositories/olive/open/reindex', {}), 403);
    assertStatus(await owner.post('/api/v1/repositories/olive/open/reindex', {}, false), 403);
    const asked = await owner.post('/api/v1/repositories/olive/open/reindex', {});
    assertStatus(asked, 202);
    assert.equal(asked.body.reindexRequested, true);
    await server.jobs.idle();
    assert.deepEqual(crawls, [{ accountId: 'olive', repositoryId: 'open' }]);
  });
});
