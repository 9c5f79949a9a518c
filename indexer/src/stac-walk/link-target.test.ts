import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isInternalHost, linkTarget } from './link-target.ts';

const base = new URL('https://meridian.example/data/ada/sst/');
const doc = new URL('https://meridian.example/data/ada/sst/cat/catalog.json');
const target = (href: string) => linkTarget(base, doc, href);

test('links inside the repository become keys, relative or absolute, percent-decoded', () => {
  assert.deepEqual(target('./a/item.json'), { key: 'cat/a/item.json' });
  assert.deepEqual(target('../b.json'), { key: 'b.json' });
  assert.deepEqual(target('https://meridian.example/data/ada/sst/x%20y.json#frag'), { key: 'x y.json' });
  assert.deepEqual(target('/data/ada/sst/z.json'), { key: 'z.json' });
});

test('links that leave the repository are refused with the reason', () => {
  const refused = (href: string) => (target(href) as { refused: string }).refused;
  assert.match(refused('../../other/catalog.json'), /outside the repository/);
  assert.match(refused('../../sst-evil/catalog.json'), /outside the repository/);
  assert.match(refused('./%2e%2e/%2e%2e/%2e%2e/x.json'), /outside the repository/);
  assert.match(refused('./..%2f..%2f..%2fx.json'), /outside the repository/);
  assert.match(refused('/data/ada/sst'), /outside the repository/);
  assert.match(refused('http://meridian.example/data/ada/sst/a.json'), /another host/);
  assert.match(refused('https://user:pw@meridian.example/data/ada/sst/a.json'), /outside the repository/);
  assert.match(refused('https://meridian.example:8443/data/ada/sst/a.json'), /another host/);
  assert.match(refused('http://169.254.169.254/latest/meta-data'), /internal address/);
  assert.match(refused('http://[::1]:3000/x'), /internal address/);
  assert.match(refused('file:///etc/passwd'), /file: URL/);
  assert.match(refused('s3://bucket/key'), /s3: URL/);
  assert.match(refused('./a.json?x=1'), /query/);
  assert.match(refused('http://[::1'), /not a URL/);
});

test('internal addresses', () => {
  for (const host of ['localhost', 'db.internal', '127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '[::1]', '::', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1']) {
    assert.equal(isInternalHost(host), true, host);
  }
  for (const host of ['example.org', '8.8.8.8', '172.32.0.1', '2001:db8::1']) assert.equal(isInternalHost(host), false, host);
});
