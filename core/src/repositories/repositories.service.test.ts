// The repository services over the real embedded store (dynalite) and the real
// embedded catalog (SQLite): field rules, the catalog kept in step (including when
// a delete overtakes an update), and a create that leaves nothing when the
// catalog fails.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { callerFor, type Caller } from '../access/access-rule.ts';
import type { Account, Repository } from '../accounts/accounts.types.ts';
import type { CatalogIndex } from '../catalog-index/catalog-index.port.ts';
import { SqliteCatalogIndex } from '../catalog-index/sqlite/sqlite.catalog-index.ts';
import { ConflictError, ForbiddenError, NotFoundError, UnauthorizedError, ValidationError } from '../errors.ts';
import { CRAWL_REPOSITORY, requestCrawl } from '../index-state/crawl-request.ts';
import { InProcessJobQueue } from '../job-queue/in-process.job-queue.ts';
import { createLogger } from '../logging/logger.ts';
import { openMetadataStore, type OpenedMetadataStore } from '../metadata-store/open-metadata-store.ts';
import { ANONYMOUS } from '../accounts/account-access.ts';
import { createRepository, deleteRepository, readRepository, updateRepository, type RepositoriesDeps } from './repositories.service.ts';
import { collectionDocFor, collectionIdFor } from './repository-collection.ts';
import { checkLicense, checkPrefix, checkRepositoryFilters, checkRepositoryPatch, checkTags, matchesFilters } from './repository-fields.ts';
import { listRepositories } from './repository-listing.service.ts';

const root = await mkdtemp(join(tmpdir(), 'meridian-repositories-'));
let opened: OpenedMetadataStore;
let catalog: SqliteCatalogIndex;
let deps: RepositoriesDeps;
let now = Date.parse('2026-04-01T10:00:00.000Z');
const clock = () => now;
let ada: Account;
let adaCaller: Caller;

before(async () => {
  opened = await openMetadataStore({
    dataDir: join(root, 'data'),
    metadataStore: { endpoint: undefined, region: 'us-east-1', tablePrefix: 'meridian', credentials: 'local' },
  }, { now: clock });
  catalog = new SqliteCatalogIndex(join(root, 'catalog.sqlite'));
  deps = { store: opened.store, clock, catalog };
  const at = new Date(now).toISOString();
  ada = { id: 'ada', type: 'individual', profile: { name: 'Ada' }, flags: { admin: false, createRepositories: true, createOrganizations: true }, disabled: false, createdAt: at, updatedAt: at };
  await deps.store.createAccount(ada);
  adaCaller = callerFor(ada, []);
  await deps.store.createDataConnection({
    id: 'disk', name: 'Disk', ownerId: 'admin', details: { kind: 'filesystem', root: join(root, 'files') }, readOnly: false,
    allowedVisibilities: ['public', 'unlisted', 'restricted'], createdAt: at, updatedAt: at,
  });
});
after(async () => {
  await catalog?.close();
  await opened?.close();
  await rm(root, { recursive: true, force: true });
});

const body = (id: string, extra: Record<string, unknown> = {}) => ({ id, title: `Title ${id}`, dataConnectionId: 'disk', ...extra });

describe('repository fields', () => {
  test('prefixes, licences, tags, patches and filters', () => {
    assert.equal(checkPrefix('a/b/'), 'a/b/');
    for (const bad of ['a/b', '/a/', 'a//b/', './a/', 'a/../b/', 'a\\b/', '', 'x'.repeat(1024) + '/']) assert.throws(() => checkPrefix(bad), ValidationError, bad);
    for (const good of ['CC-BY-4.0', 'MIT', 'Apache-2.0', 'GPL-3.0+', 'LicenseRef-ocean', 'proprietary']) assert.equal(checkLicense(good), good);
    for (const bad of ['MIT OR Apache-2.0', '-MIT', 'a'.repeat(65), '', 'CC BY']) assert.throws(() => checkLicense(bad), ValidationError, bad);
    assert.deepEqual(checkTags(['b', 'a', 'b']), ['b', 'a'], 'repeats dropped, order kept');
    assert.throws(() => checkTags(['a_b']), /tags\[0\] "a_b" is not a valid tag/);
    assert.deepEqual(checkRepositoryPatch({ license: null }), { license: null });
    assert.throws(() => checkRepositoryPatch({ description: null }), /description cannot be removed/);
    assert.throws(() => checkRepositoryPatch({ updatedAt: '2026-01-01T00:00:00Z' }), /nothing to change/);
    const repository = { accountId: 'ada', repositoryId: 'sea', title: 'Sea Surface', description: 'Daily', tags: ['ocean', 'sst'] } as Repository;
    assert.equal(matchesFilters(repository, checkRepositoryFilters({ q: 'SEA daily', tag: ['ocean'] })), true);
    assert.equal(matchesFilters(repository, checkRepositoryFilters({ q: 'ada/sea' })), true);
    assert.equal(matchesFilters(repository, checkRepositoryFilters({ q: 'sea land' })), false);
    assert.equal(matchesFilters(repository, checkRepositoryFilters({ tag: ['ocean', 'land'] })), false);
  });

  test('the collection: {account}.{repository}, whole-world extent until indexed, indexer fields kept on update', () => {
    const repository = { accountId: 'ada', repositoryId: 'sea', title: 'Sea', description: 'D', tags: [], visibility: 'public', state: 'draft' } as unknown as Repository;
    assert.equal(collectionIdFor(repository), 'ada.sea');
    const fresh = collectionDocFor(repository);
    assert.deepEqual(fresh.extent, { spatial: { bbox: [[-180, -90, 180, 90]] }, temporal: { interval: [[null, null]] } });
    assert.equal(fresh.keywords, undefined);
    assert.equal(fresh.license, 'proprietary');
    const indexed = { ...fresh, extent: { spatial: { bbox: [[1, 2, 3, 4]] }, temporal: { interval: [['2020-01-01T00:00:00Z', null]] } }, summaries: { gsd: [10] } };
    const updated = collectionDocFor({ ...repository, title: 'New', tags: ['x'], license: 'MIT' }, indexed);
    assert.deepEqual(updated.extent, indexed.extent);
    assert.deepEqual(updated.summaries, { gsd: [10] });
    assert.equal(updated.title, 'New');
    assert.deepEqual(updated.keywords, ['x']);
    assert.equal(updated.license, 'MIT');
  });
});

describe('repository services', () => {
  test('create, read, update, delete, with the access rule deciding and the catalog following', async () => {
    await assert.rejects(createRepository(deps, ANONYMOUS, 'ada', body('anon')), UnauthorizedError);
    const bob = callerFor({ ...ada, id: 'bob' }, []);
    await assert.rejects(createRepository(deps, bob, 'ada', body('bobs')), ForbiddenError);
    await assert.rejects(createRepository(deps, callerFor({ ...ada, flags: { ...ada.flags, createRepositories: false } }, []), 'ada', body('flagless')), ForbiddenError);
    const created = await createRepository(deps, adaCaller, 'ada', body('sea', { visibility: 'restricted', tags: ['ocean'] }));
    assert.equal(created.prefix, 'ada/sea/');
    assert.deepEqual(await catalog.collectionRepository('ada.sea'), { accountId: 'ada', repositoryId: 'sea', visibility: 'restricted', state: 'draft', disabled: false });
    await assert.rejects(createRepository(deps, adaCaller, 'ada', body('sea')), (e: Error) => e instanceof ConflictError && /ada\/sea already exists/.test(e.message));
    await assert.rejects(readRepository(deps, bob, 'ada', 'sea'), NotFoundError);
    now += 1000;
    const updated = await updateRepository(deps, adaCaller, 'ada', 'sea', { state: 'published', title: 'Sea' });
    assert.equal(updated.updatedAt, new Date(now).toISOString());
    assert.equal((await catalog.collectionRepository('ada.sea'))?.state, 'published');
    assert.equal((await catalog.getCollection('ada.sea'))?.title, 'Sea');
    await assert.rejects(updateRepository(deps, adaCaller, 'ada', 'sea', { featured: true }), ForbiddenError);
    await deleteRepository(deps, adaCaller, 'ada', 'sea');
    assert.equal(await deps.store.getRepository('ada', 'sea'), undefined);
    assert.equal(await catalog.getCollection('ada.sea'), undefined);
  });

  test('the indexer is asked to crawl after a create, an update (publishing included) and a delete, and not after a refused change', async () => {
    const queue = new InProcessJobQueue({ logger: createLogger('silent') });
    const requested: unknown[] = [];
    queue.handle(CRAWL_REPOSITORY, async (job) => void requested.push(job.data));
    const indexed: RepositoriesDeps = { ...deps, indexing: { requestCrawl: (accountId, repositoryId) => requestCrawl(queue, accountId, repositoryId) } };
    try {
      await createRepository(indexed, adaCaller, 'ada', body('reef'));
      await queue.idle();
      assert.deepEqual(requested, [{ accountId: 'ada', repositoryId: 'reef' }]);
      await assert.rejects(updateRepository(indexed, callerFor({ ...ada, id: 'bob' }, []), 'ada', 'reef', { title: 'x' }));
      now += 1000;
      await updateRepository(indexed, adaCaller, 'ada', 'reef', { state: 'published' });
      await queue.idle();
      assert.equal(requested.length, 2);
      await deleteRepository(indexed, adaCaller, 'ada', 'reef');
      await queue.idle();
      assert.deepEqual(requested, Array(3).fill({ accountId: 'ada', repositoryId: 'reef' }));
    } finally {
      await queue.close();
    }
  });

  test('when the catalog refuses the collection, the create leaves nothing behind', async () => {
    const failing: CatalogIndex = new Proxy(catalog, {
      get(target, name) {
        if (name === 'upsertCollections') return async () => { throw new Error('catalog down'); };
        const value = Reflect.get(target, name, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    await assert.rejects(createRepository({ ...deps, catalog: failing }, adaCaller, 'ada', body('fragile')), /catalog down/);
    assert.equal(await deps.store.getRepository('ada', 'fragile'), undefined);
    assert.equal(await catalog.getCollection('ada.fragile'), undefined);
    await createRepository(deps, adaCaller, 'ada', body('fragile'));
  });

  test('an update whose catalog write lands after a delete finished still leaves no collection', async () => {
    await createRepository(deps, adaCaller, 'ada', body('overtaken', { visibility: 'public', state: 'published' }));
    let hold!: () => void;
    const held = new Promise<void>((resolve) => (hold = resolve));
    let reached!: () => void;
    const atUpsert = new Promise<void>((resolve) => (reached = resolve));
    let first = true;
    const slow: CatalogIndex = new Proxy(catalog, {
      get(target, name) {
        if (name === 'upsertCollections') {
          return async (...args: Parameters<CatalogIndex['upsertCollections']>) => {
            if (first) {
              first = false;
              reached();
              await held;
            }
            return target.upsertCollections(...args);
          };
        }
        const value = Reflect.get(target, name, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    now += 1000;
    const update = updateRepository({ ...deps, catalog: slow }, adaCaller, 'ada', 'overtaken', { title: 'Late' });
    await atUpsert; // the update has written the store and read it back, and is about to write the catalog
    await deleteRepository(deps, adaCaller, 'ada', 'overtaken');
    assert.equal(await catalog.getCollection('ada.overtaken'), undefined);
    hold();
    await update;
    assert.equal(await deps.store.getRepository('ada', 'overtaken'), undefined);
    assert.equal(await catalog.getCollection('ada.overtaken'), undefined, 'the late write was undone once the store was read again');
  });

  test('listings skip what the caller may not list, and pages stay whole', async () => {
    for (let i = 0; i < 12; i++) {
      await createRepository(deps, adaCaller, 'ada', body(`list-${String(i).padStart(2, '0')}`, { visibility: i % 3 === 0 ? 'public' : 'restricted', state: 'published' }));
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listRepositories(deps, ANONYMOUS, { limit: '2', cursor, q: 'list-' });
      if (page.next) assert.equal(page.items.length, 2);
      seen.push(...page.items.map((r) => r.repositoryId));
      cursor = page.next;
    } while (cursor);
    assert.deepEqual(seen, ['list-00', 'list-03', 'list-06', 'list-09']);
    const all = await listRepositories(deps, adaCaller, { limit: '100', q: 'list-' });
    assert.equal(all.items.length, 12);
  });
});
