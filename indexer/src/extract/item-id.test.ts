import assert from 'node:assert/strict';
import { test } from 'node:test';
import { itemIdForKey } from './item-id.ts';

test('item ids from keys: readable, stable, URL-safe, distinct', () => {
  assert.equal(itemIdForKey('scenes/2024/a.tif'), 'scenes~2024~a.tif');
  assert.equal(itemIdForKey('scenes/2024/a.tif'), itemIdForKey('scenes/2024/a.tif'));
  const odd = ['scenes/2024/a b.tif', 'scenes/2024/a~b.tif', 'scenes~2024~a.tif/x', 'ünïcode/ﬁle.tif', '../x.tif', 'a//b.tif', 'x'.repeat(300)];
  const ids = odd.map(itemIdForKey);
  for (const id of ids) {
    assert.match(id, /^[A-Za-z0-9._~-]+$/);
    assert.ok(id.length <= 256);
  }
  assert.equal(new Set([...ids, itemIdForKey('scenes/2024/a.tif')]).size, odd.length + 1);
});
