import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { awsS3Copy, curlDownload, curlSearch, gdalInfo, pystacClientSearch, shellQuote } from './snippets.ts';

const query = new URLSearchParams({
  limit: '20', q: `o'brien "coast"`, bbox: '-10.5,35.9,3.4,43.8', datetime: '2024-01-01T00:00:00Z/..', collections: 'a.b,c',
  filter: `platform IN ('sentinel-2a')`, 'filter-lang': 'cql2-text', sortby: '-datetime',
}).toString();

test('the pystac-client snippet is Python that parses, with every search parameter', { skip: spawnSync('python3', ['--version']).status === 0 ? false : 'python3 is not installed' }, () => {
  const code = pystacClientSearch('https://data.example.org/stac', query);
  const parsed = spawnSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: code, encoding: 'utf8' });
  assert.equal(parsed.status, 0, parsed.stderr);
  assert.match(code, /collections=\["a\.b", "c"\]/);
  assert.match(code, /bbox=\[-10\.5, 35\.9, 3\.4, 43\.8\]/);
  assert.match(code, /filter_lang="cql2-text"/);
  const withArea = pystacClientSearch('https://x/stac', new URLSearchParams({ intersects: '{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}' }).toString());
  assert.equal(spawnSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: withArea }).status, 0);
});

test('shell words survive quotes: what the shell reads back is the text', () => {
  const text = `it's a "test" $HOME`;
  const echoed = spawnSync('sh', ['-c', `printf %s ${shellQuote(text)}`], { encoding: 'utf8' });
  assert.equal(echoed.stdout, text);
  assert.equal(curlSearch('https://x/stac', 'q=it%27s'), `curl 'https://x/stac/search?q=it%27s'`);
  assert.equal(curlDownload('https://x/data/a/b/my%20file.tif'), `curl -L -o 'my file.tif' 'https://x/data/a/b/my%20file.tif'`);
  assert.equal(gdalInfo('https://x/data/a/b/c.tif'), `gdalinfo '/vsicurl/https://x/data/a/b/c.tif'`);
});

test('aws s3 cp for files the data proxy serves: the account is the bucket', () => {
  assert.equal(awsS3Copy('https://x.org/data/ocean-lab/sst/2024/a%20b.tif', 'https://x.org'),
    `aws s3 cp 's3://ocean-lab/sst/2024/a b.tif' 'a b.tif' --endpoint-url 'https://x.org/data'`);
  assert.equal(awsS3Copy('https://elsewhere.org/data/a/b.tif', 'https://x.org'), undefined);
  assert.equal(awsS3Copy('https://x.org/data/only-an-account', 'https://x.org'), undefined);
});
