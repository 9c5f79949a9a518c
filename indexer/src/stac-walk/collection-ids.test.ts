import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CollectionIds } from './collection-ids.ts';

test('collection ids name their repository, stay URL-safe and never clash', () => {
  const ids = new CollectionIds('ada.sst');
  assert.equal(ids.idFor('landsat-8-l1', 'a/collection.json'), 'ada.sst.landsat-8-l1');
  assert.equal(ids.idFor('landsat-8-l1', 'a/collection.json'), 'ada.sst.landsat-8-l1');
  assert.match(ids.idFor('landsat-8-l1', 'b/collection.json'), /^ada\.sst\.landsat-8-l1-[0-9a-f]{8}$/);
  assert.equal(ids.idFor('Sea Surface/Temp ü', 'c.json'), 'ada.sst.Sea-Surface-Temp-u');
  assert.equal(ids.idFor('../..', 'd.json'), 'ada.sst.collection');
  assert.ok(ids.idFor('x'.repeat(400), 'e.json').length <= 256);
});
