// The one contract of the indexer's state store (index-state.port.ts), run on
// every DynamoDB API the metadata store runs on.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CrawledObject, IndexStateStore, IndexStatus } from './index-state.port.ts';

type Open = () => Promise<{ state: IndexStateStore; close(): Promise<void> }>;

const T = '2026-01-01T00:00:00.000Z';

const status = (repositoryId: string, patch: Partial<IndexStatus> = {}): IndexStatus => ({
  accountId: 'ada', repositoryId, state: 'indexed', counts: { seen: 3, indexed: 2, invalid: 1, failed: 0 },
  startedAt: T, finishedAt: T, problems: [{ path: 'bad.json', message: 'not JSON', kind: 'invalid' }], problemCount: 1, updatedAt: T, ...patch,
});

const object = (key: string, patch: Partial<CrawledObject> = {}): CrawledObject => ({
  key, etag: `"${key.length}"`, size: 10, lastModified: T, type: 'application/json', outputs: [{ kind: 'item', id: 'x', collection: 'ada.sst', hash: 'h' }], ...patch,
});

async function all<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const value of iterable) out.push(value);
  return out;
}

async function withState(open: Open, run: (state: IndexStateStore) => Promise<void>): Promise<void> {
  const opened = await open();
  try {
    await run(opened.state);
  } finally {
    await opened.close();
  }
}

export function indexStateContract(adapter: string, open: Open): void {
  describe(`index state contract: ${adapter}`, () => {
    test('a status is read back as written, per repository, and replaced whole', async () => {
      await withState(open, async (state) => {
        assert.equal(await state.getStatus('ada', 'sst'), undefined);
        await state.putStatus(status('sst'));
        await state.putStatus(status('other', { state: 'failed', error: 'the catalog refused' }));
        assert.deepEqual(await state.getStatus('ada', 'sst'), status('sst'));
        await state.putStatus(status('sst', { state: 'crawling', progress: { phase: 'files', listed: 3, read: 1, toRead: 2 }, finishedAt: undefined }));
        const read = await state.getStatus('ada', 'sst');
        assert.equal(read?.state, 'crawling');
        assert.deepEqual(read?.progress, { phase: 'files', listed: 3, read: 1, toRead: 2 });
        assert.equal(read?.finishedAt, undefined);
        assert.equal((await state.getStatus('ada', 'other'))?.error, 'the catalog refused');
      });
    });

    test('a reindex request marks the status, and makes a queued one for a repository never crawled', async () => {
      await withState(open, async (state) => {
        await state.putStatus(status('sst'));
        await state.requestReindex('ada', 'sst', '2026-02-01T00:00:00.000Z');
        const marked = await state.getStatus('ada', 'sst');
        assert.equal(marked?.reindexRequested, true);
        assert.equal(marked?.state, 'indexed');
        assert.deepEqual(marked?.counts, status('sst').counts);
        await state.requestReindex('ada', 'fresh', T);
        assert.deepEqual(await state.getStatus('ada', 'fresh'), {
          accountId: 'ada', repositoryId: 'fresh', state: 'queued', counts: { seen: 0, indexed: 0, invalid: 0, failed: 0 },
          problems: [], problemCount: 0, reindexRequested: true, updatedAt: T,
        });
      });
    });

    test('objects: put, listed in key order per repository through many batches, replaced, deleted', async () => {
      await withState(open, async (state) => {
        const keys = Array.from({ length: 120 }, (_, i) => `dir/${String(i).padStart(4, '0')}.json`);
        await state.putObjects('ada', 'sst', keys.map((key) => object(key)));
        await state.putObjects('ada', 'other', [object('elsewhere.tif')]);
        const listed = await all(state.listObjects('ada', 'sst'));
        assert.deepEqual(listed.map((o) => o.key), keys);
        assert.deepEqual(listed[0], object(keys[0]));
        await state.putObjects('ada', 'sst', [object(keys[0], { etag: '"new"', outputs: [], stac: true, problems: [{ path: keys[0], message: 'm', kind: 'failed' }] })]);
        await state.deleteObjects('ada', 'sst', keys.slice(1, 100));
        const after = await all(state.listObjects('ada', 'sst'));
        assert.deepEqual(after.map((o) => o.key), [keys[0], ...keys.slice(100)]);
        assert.equal(after[0].etag, '"new"');
        assert.equal(after[0].stac, true);
        assert.deepEqual(after[0].problems, [{ path: keys[0], message: 'm', kind: 'failed' }]);
        assert.deepEqual((await all(state.listObjects('ada', 'other'))).map((o) => o.key), ['elsewhere.tif']);
      });
    });

    test('deleteRepository forgets the status and every object, and no other repository\'s', async () => {
      await withState(open, async (state) => {
        await state.putStatus(status('sst'));
        await state.putStatus(status('other'));
        await state.putObjects('ada', 'sst', Array.from({ length: 30 }, (_, i) => object(`k${i}`)));
        await state.putObjects('ada', 'other', [object('kept')]);
        await state.deleteRepository('ada', 'sst');
        assert.equal(await state.getStatus('ada', 'sst'), undefined);
        assert.deepEqual(await all(state.listObjects('ada', 'sst')), []);
        assert.ok(await state.getStatus('ada', 'other'));
        assert.equal((await all(state.listObjects('ada', 'other'))).length, 1);
      });
    });
  });
}
