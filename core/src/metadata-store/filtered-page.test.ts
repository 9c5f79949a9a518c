// filteredPage over a fake store that behaves as the port allows: pages of at most
// `limit`, sometimes shorter (DynamoDB stops at 1 MB), cursors that continue right
// after the last entry of the page that made them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { seededRandom } from '../testing/seeded-random.ts';
import { filteredPage } from './filtered-page.ts';
import type { ListOptions, ListPage } from './metadata-store.port.ts';

function fakeStore(items: number[], random?: () => number) {
  const calls: ListOptions[] = [];
  const list = async (options: ListOptions): Promise<ListPage<number>> => {
    calls.push(options);
    const start = options.cursor === undefined ? 0 : Number(options.cursor.slice(1));
    // Sometimes a short page, as DynamoDB returns at 1 MB; never an empty one unless the end is reached.
    const size = random && random() < 0.3 ? 1 + Math.floor(random() * options.limit) : options.limit;
    const end = Math.min(items.length, start + size);
    return { items: items.slice(start, end), next: end < items.length ? `@${end}` : undefined };
  };
  return { list, calls };
}

async function everyPage(items: number[], keep: (n: number) => boolean, limit: number, random?: () => number, budget?: number) {
  const { list, calls } = fakeStore(items, random);
  const pages: number[][] = [];
  let cursor: string | undefined;
  do {
    const page = await filteredPage(list, keep, { limit, cursor, scanBudget: budget });
    pages.push(page.items);
    cursor = page.next;
    assert.ok(pages.length < 10_000);
  } while (cursor);
  return { pages, calls };
}

describe('filteredPage', () => {
  test('concatenated pages are exactly the kept entries, in order; every page full but the last', async () => {
    const random = seededRandom(7);
    for (let trial = 0; trial < 300; trial++) {
      const items = Array.from({ length: Math.floor(random() * 120) }, (_, i) => i);
      const density = random();
      const keepSet = new Set(items.filter(() => random() < density));
      const keep = (n: number) => keepSet.has(n);
      const limit = 1 + Math.floor(random() * 12);
      const { pages } = await everyPage(items, keep, limit, trial % 2 ? random : undefined);
      assert.deepEqual(pages.flat(), items.filter(keep), `trial ${trial}`);
      for (const page of pages.slice(0, -1)) assert.equal(page.length, limit, `trial ${trial}: a short page before the end`);
    }
  });

  test('a long run of hidden entries is read through within one request', async () => {
    const items = Array.from({ length: 5000 }, (_, i) => i);
    const keep = (n: number) => n === 3 || n >= 4990;
    const { pages, calls } = await everyPage(items, keep, 2);
    assert.deepEqual(pages, [[3, 4990], [4991, 4992], [4993, 4994], [4995, 4996], [4997, 4998], [4999]]);
    assert.ok(calls.length < 40, `${calls.length} store reads`);
  });

  test('a page that fills inside a store page ends where the store cursor can resume: the store page is read again, shorter', async () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    const { list, calls } = fakeStore(items);
    const page = await filteredPage(list, (n) => n % 10 === 0, { limit: 3 });
    assert.deepEqual(page.items, [0, 10, 20]);
    assert.equal(page.next, '@21', 'right after the last entry returned');
    assert.deepEqual(calls.map((c) => c.limit), [50, 21]);
  });

  test('the scan budget ends a request early with a cursor that loses nothing', async () => {
    const items = Array.from({ length: 3000 }, (_, i) => i);
    const keep = (n: number) => n % 1000 === 999;
    const { pages } = await everyPage(items, keep, 5, undefined, 100);
    assert.deepEqual(pages.flat(), [999, 1999, 2999]);
    assert.ok(pages.length > 3, 'the budget made short pages');
  });
});
