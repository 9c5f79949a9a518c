// Data connections: field rules, the service over a real embedded store
// (dynalite), and the default connection of a fresh installation.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ANONYMOUS, callerFor, decide } from '../access/access-rule.ts';
import { ACCOUNT_ID, type Account, type Repository } from '../accounts/accounts.types.ts';
import { open } from '../crypto/secret-box.ts';
import { ConflictError, ForbiddenError, UnauthorizedError, ValidationError } from '../errors.ts';
import { openMetadataStore, type OpenedMetadataStore } from '../metadata-store/open-metadata-store.ts';
import {
  checkBucket, checkEndpoint, checkNewDetails, checkPrefixTemplate, checkRoot, checkVisibilities, expandPrefix,
} from './data-connection-fields.ts';
import {
  ADMINS_ONLY, connectionSecretContext, createDataConnection, deleteDataConnection, getDataConnection, updateDataConnection, type DataConnectionsDeps,
} from './data-connections.service.ts';
import { DEFAULT_CONNECTION_ID, ensureDefaultDataConnection } from './default-connection.ts';

describe('field rules', () => {
  test('bucket names follow Amazon S3\'s rules', () => {
    for (const good of ['abc', 'my-bucket', 'my.bucket.2024', 'a'.repeat(63), '1bucket']) assert.equal(checkBucket(good), good);
    const bad: [string, RegExp][] = [
      ['ab', /3 to 63/], ['a'.repeat(64), /3 to 63/], ['My-Bucket', /lowercase/], ['my_bucket', /lowercase/], ['-bucket', /begin and end/],
      ['bucket-', /begin and end/], ['my..bucket', /dot next to/], ['my.-bucket', /dot next to/], ['192.168.5.4', /IP address/],
      ['xn--bucket', /must not begin/], ['sthree-bucket', /must not begin/], ['bucket-s3alias', /must not end/], ['bucket--ol-s3', /must not end/],
    ];
    for (const [name, message] of bad) assert.throws(() => checkBucket(name), message, name);
    assert.throws(() => checkBucket(42), /bucket must be a string/);
  });

  test('prefix templates take {account} and {repository} only, and no odd segments', () => {
    for (const good of ['', '{account}/{repository}/', 'meridian/{account}/{repository}/', 'fixed/', 'data-{account}-{repository}']) {
      assert.equal(checkPrefixTemplate(good), good);
    }
    for (const bad of ['/{account}/', '{owner}/', '{account', 'a//b/', '../{account}/', './x/', 'a/..', 'x\\y', 'a\nb']) {
      assert.throws(() => checkPrefixTemplate(bad), ValidationError, bad);
    }
    assert.equal(expandPrefix('m/{account}/{repository}/', 'ocean-lab', 'sst'), 'm/ocean-lab/sst/');
  });

  test('filesystem roots are absolute, normalised, and not /', () => {
    assert.equal(checkRoot('/srv/meridian/files/'), '/srv/meridian/files');
    for (const bad of ['relative/path', '', '/', '//', '/srv//files', '/srv/../etc', '/srv/./x', '/srv/\u0000x', `/${'x'.repeat(1024)}`]) {
      assert.throws(() => checkRoot(bad), ValidationError, bad);
    }
  });

  test('endpoints are http(s) URLs without credentials, query or fragment', () => {
    assert.equal(checkEndpoint('https://s3.example.org/'), 'https://s3.example.org');
    assert.equal(checkEndpoint('http://127.0.0.1:9000'), 'http://127.0.0.1:9000');
    assert.equal(checkEndpoint('https://minio.example.org/s3/'), 'https://minio.example.org/s3');
    for (const bad of ['s3.example.org', 'ftp://s3.example.org', 'https://user:pw@s3.example.org', 'https://s3.example.org/?x=1', 'https://s3.example.org/#f']) {
      assert.throws(() => checkEndpoint(bad), ValidationError, bad);
    }
  });

  test('visibilities: a non-empty set, kept in a fixed order', () => {
    assert.deepEqual(checkVisibilities(['restricted', 'public']), ['public', 'restricted']);
    for (const bad of [[], ['public', 'public'], ['secret'], 'public', null]) assert.throws(() => checkVisibilities(bad), ValidationError);
  });

  test('S3 details: defaults for template and region; credentials both or neither', () => {
    assert.deepEqual(checkNewDetails({ kind: 's3', bucket: 'b-1' }), { kind: 's3', bucket: 'b-1', prefixTemplate: '{account}/{repository}/', region: 'us-east-1' });
    assert.throws(() => checkNewDetails({ kind: 's3', bucket: 'b-1', accessKeyId: 'AKIA' }), /go together/);
    assert.throws(() => checkNewDetails({ kind: 's3', bucket: 'b-1', secretAccessKey: 'x' }), /go together/);
    assert.throws(() => checkNewDetails({ kind: 's3', bucket: 'b-1', accessKeyId: 'AK IA', secretAccessKey: 'x' }), /printable ASCII/);
    assert.throws(() => checkNewDetails({ kind: 'filesystem', root: '/x', bucket: 'b' }), /unknown field "bucket"/);
    assert.throws(() => checkNewDetails({ kind: 'ftp' }), /filesystem or s3/);
    assert.throws(() => checkNewDetails(undefined), /details is required/);
  });
});

const root = await mkdtemp(join(tmpdir(), 'meridian-connections-'));

describe('the service', () => {
  let opened: OpenedMetadataStore;
  let deps: DataConnectionsDeps;
  const at = '2026-03-01T12:00:00.000Z';
  const account = (id: string, admin = false): Account => ({
    id, type: 'individual', profile: { name: id }, flags: { admin, createRepositories: true, createOrganizations: true },
    disabled: false, createdAt: at, updatedAt: at,
  });
  const admin = account('root', true);
  const pat = account('pat');
  const bob = account('bob');
  const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

  before(async () => {
    opened = await openMetadataStore({ dataDir: join(root, 'data'), metadataStore: { endpoint: undefined, region: 'us-east-1', tablePrefix: 'meridian', credentials: 'local' } });
    deps = { store: opened.store, clock: Date.now, secretKey: randomBytes(32) };
    for (const a of [admin, pat, bob]) await deps.store.createAccount(a);
  });
  after(async () => {
    await opened?.close();
    await rm(root, { recursive: true, force: true });
  });

  test('credentials are sealed for their connection and never in a view', async () => {
    const view = await createDataConnection(deps, callerFor(admin, []), {
      id: 'archive', name: 'Archive', ownerId: 'pat',
      details: { kind: 's3', bucket: 'archive-bucket', accessKeyId: 'AKIAARCHIVE', secretAccessKey: SECRET },
    });
    assert.deepEqual(view.details, { kind: 's3', bucket: 'archive-bucket', prefixTemplate: '{account}/{repository}/', region: 'us-east-1', hasCredentials: true });
    assert.equal(view.ownerId, 'pat');
    const stored = await deps.store.getDataConnection('archive');
    assert.ok(stored?.details.kind === 's3' && stored.details.secretCiphertext);
    assert.ok(!JSON.stringify(stored).includes(SECRET));
    assert.equal(open(deps.secretKey, stored.details.secretCiphertext, connectionSecretContext('archive')), SECRET);
    const read = JSON.stringify(await getDataConnection(deps, callerFor(bob, []), 'archive'));
    assert.ok(!read.includes(SECRET) && !read.includes('AKIAARCHIVE') && !read.includes(stored.details.secretCiphertext));
  });

  test('the owner rotates credentials; moving the bytes or the ownership is for admins', async () => {
    const owner = callerFor(pat, []);
    const before = await deps.store.getDataConnection('archive');
    await assert.rejects(updateDataConnection(deps, owner, 'archive', { details: { bucket: 'elsewhere' } }), ForbiddenError);
    await assert.rejects(updateDataConnection(deps, owner, 'archive', { ownerId: 'bob' }), ForbiddenError);
    await assert.rejects(updateDataConnection(deps, callerFor(bob, []), 'archive', { name: 'Mine' }), ForbiddenError);
    await assert.rejects(updateDataConnection(deps, ANONYMOUS, 'archive', { name: 'Mine' }), UnauthorizedError);
    assert.deepEqual(await deps.store.getDataConnection('archive'), before, 'refusals change nothing');
    const rotated = await updateDataConnection(deps, owner, 'archive', { name: 'Archive (rotated)', details: { accessKeyId: 'AKIANEW', secretAccessKey: 'new-secret' } });
    assert.equal(rotated.name, 'Archive (rotated)');
    const stored = await deps.store.getDataConnection('archive');
    assert.ok(stored?.details.kind === 's3');
    assert.equal(stored.details.accessKeyId, 'AKIANEW');
    assert.equal(open(deps.secretKey, stored.details.secretCiphertext!, connectionSecretContext('archive')), 'new-secret');
    const cleared = await updateDataConnection(deps, owner, 'archive', { details: { accessKeyId: null, secretAccessKey: null } });
    assert.equal(cleared.details.kind === 's3' && cleared.details.hasCredentials, false);
    const moved = await updateDataConnection(deps, callerFor(admin, []), 'archive', { ownerId: null, details: { bucket: 'elsewhere', endpoint: 'https://s3.example.org' } });
    assert.equal(moved.ownerId, null);
    assert.equal(moved.details.kind === 's3' && moved.details.bucket, 'elsewhere');
    assert.equal((await deps.store.getDataConnection('archive'))?.ownerId, ADMINS_ONLY);
    // Now only admins manage it.
    await assert.rejects(updateDataConnection(deps, owner, 'archive', { name: 'Back' }), ForbiddenError);
    await assert.rejects(updateDataConnection(deps, callerFor(admin, []), 'archive', { details: { kind: 'filesystem' } }), /kind cannot change/);
  });

  test('a connection in use keeps its repositories\' visibilities and cannot be deleted', async () => {
    await createDataConnection(deps, callerFor(admin, []), { id: 'in-use', name: 'In use', details: { kind: 'filesystem', root: '/srv/in-use' } });
    const repository: Repository = {
      accountId: 'pat', repositoryId: 'notes', title: 'Notes', description: '', tags: [], visibility: 'restricted', state: 'published', disabled: false,
      featured: false, dataConnectionId: 'in-use', prefix: 'pat/notes/', createdAt: at, updatedAt: at,
    };
    await deps.store.createRepository(repository);
    await assert.rejects(updateDataConnection(deps, callerFor(admin, []), 'in-use', { allowedVisibilities: ['public'] }), ConflictError);
    await updateDataConnection(deps, callerFor(admin, []), 'in-use', { allowedVisibilities: ['restricted'] });
    await assert.rejects(deleteDataConnection(deps, callerFor(admin, []), 'in-use'), /used by 1 repository \(pat\/notes\)/);
    await deps.store.deleteRepository('pat', 'notes');
    await deleteDataConnection(deps, callerFor(admin, []), 'in-use');
    assert.equal(await deps.store.getDataConnection('in-use'), undefined);
  });

  test('the default connection: local, DATA_DIR/files, read-write, every visibility, admins only; created once', async () => {
    const dataDir = join(root, 'installation');
    assert.equal(await ensureDefaultDataConnection(deps, dataDir), 'created');
    const local = await deps.store.getDataConnection(DEFAULT_CONNECTION_ID);
    assert.deepEqual(local?.details, { kind: 'filesystem', root: join(dataDir, 'files') });
    assert.equal(local?.readOnly, false);
    assert.deepEqual(local?.allowedVisibilities, ['public', 'unlisted', 'restricted']);
    assert.equal(local?.ownerId, ADMINS_ONLY);
    assert.ok((await stat(join(dataDir, 'files'))).isDirectory());
    assert.equal(await ensureDefaultDataConnection(deps, join(root, 'elsewhere')), 'exists');
    assert.deepEqual(await deps.store.getDataConnection(DEFAULT_CONNECTION_ID), local, 'an existing one is left as it is');
    // Only admins manage it; nobody can become its owner by taking an account id.
    assert.equal(decide(callerFor(pat, []), 'data_connection:manage', local!).allowed, false);
    assert.equal(decide(callerFor(admin, []), 'data_connection:manage', local!).allowed, true);
    assert.equal(ACCOUNT_ID.test(ADMINS_ONLY), false);
  });
});
