import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dataProxyUrl, normaliseFolder, uploadKey } from './upload-keys.ts';

test('uploaded files keep their folder paths under the chosen folder', () => {
  assert.equal(normaliseFolder(' /rasters//2024 / '), 'rasters/2024/');
  assert.equal(normaliseFolder(''), '');
  assert.equal(uploadKey('rasters', { name: 'a.tif' }), 'rasters/a.tif');
  assert.equal(uploadKey('', { name: 'a.tif', relativePath: '/scenes/2024/a.tif' }), 'scenes/2024/a.tif');
  assert.equal(uploadKey('in/', { name: 'a.tif', webkitRelativePath: 'catalog/items/a.tif' }), 'in/catalog/items/a.tif');
});

test('each S3 step has its URL on the data proxy, path segments encoded', () => {
  const base = 'https://x.org/data/ocean-lab/sst/a%20b/c%23d.tif';
  assert.equal(dataProxyUrl('https://x.org', 'ocean-lab', 'sst', 'a b/c#d.tif', {}), base);
  assert.equal(dataProxyUrl('https://x.org', 'ocean-lab', 'sst', 'a b/c#d.tif', { create: true }), `${base}?uploads`);
  assert.equal(dataProxyUrl('https://x.org', 'ocean-lab', 'sst', 'a b/c#d.tif', { uploadId: 'u/1', partNumber: 3 }), `${base}?partNumber=3&uploadId=u%2F1`);
  assert.equal(dataProxyUrl('https://x.org', 'ocean-lab', 'sst', 'a b/c#d.tif', { uploadId: 'u/1' }), `${base}?uploadId=u%2F1`);
});
