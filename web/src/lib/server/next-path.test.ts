import assert from 'node:assert/strict';
import { test } from 'node:test';
import { safeNext } from './next-path.ts';

test('after sign-in only paths on this site are followed', () => {
  assert.equal(safeNext('/repositories/a/b?tab=files'), '/repositories/a/b?tab=files');
  for (const hostile of ['//evil.example/x', '/\\evil.example', 'https://evil.example/', 'javascript:alert(1)', '', null, '/a b']) {
    assert.equal(safeNext(hostile), '/', String(hostile));
  }
});
