// The object store contract on S3, through moto's S3 server (a real HTTP server
// speaking the S3 protocol, preinstalled in the system Python), started on a free
// loopback port. Each case gets a fresh bucket; every store is opened the way
// the server opens it, by openRepositoryStore from a data connection whose
// credentials are sealed. Without moto the suite is skipped, unless
// MERIDIAN_REQUIRE_SERVICES=1 (CI), which fails.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import {
  AbortMultipartUploadCommand, CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, ListMultipartUploadsCommand, ListObjectVersionsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { DataConnection } from '../src/accounts/accounts.types.ts';
import { seal } from '../src/crypto/secret-box.ts';
import { connectionSecretContext } from '../src/data-connections/data-connections.service.ts';
import { objectStoreContract } from '../src/object-store/object-store.contract.ts';
import { closeS3Clients, openRepositoryStore } from '../src/object-store/repository-store.ts';
import { S3ObjectStore } from '../src/object-store/s3.object-store.ts';
import { serviceSuite } from '../src/testing/loopback-server.ts';
import { motoMissing, startMotoS3, type MotoS3 } from '../src/testing/moto-s3.ts';

const missing = await motoMissing();

const CREDENTIALS = { accessKeyId: 'meridian-test', secretAccessKey: 'meridian-test-secret' };
const secretKey = randomBytes(32);

let moto: MotoS3 | undefined;
let endpoint = '';
let admin: S3Client;
let stagingDir = '';
let buckets = 0;

function connection(bucket: string, overrides: Partial<DataConnection> = {}): DataConnection {
  const id = overrides.id ?? 'test-s3';
  return {
    id, name: 'moto', ownerId: ':admins', readOnly: false, allowedVisibilities: ['public'],
    details: {
      kind: 's3', bucket, prefixTemplate: '{account}/{repository}/', region: 'us-east-1', endpoint,
      accessKeyId: CREDENTIALS.accessKeyId, secretCiphertext: seal(secretKey, CREDENTIALS.secretAccessKey, connectionSecretContext(id)),
    },
    createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

async function emptyBucket(bucket: string): Promise<void> {
  const uploads = await admin.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  for (const upload of uploads.Uploads ?? []) await admin.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.Key, UploadId: upload.UploadId }));
  const versions = await admin.send(new ListObjectVersionsCommand({ Bucket: bucket }));
  for (const v of versions.Versions ?? []) await admin.send(new DeleteObjectCommand({ Bucket: bucket, Key: v.Key, VersionId: v.VersionId }));
  await admin.send(new DeleteBucketCommand({ Bucket: bucket }));
}

async function freshBucket(): Promise<string> {
  const bucket = `meridian-test-${++buckets}`;
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

serviceSuite('object store contract: moto S3', missing, () => {
  before(async () => {
    moto = await startMotoS3();
    endpoint = moto.endpoint;
    admin = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: CREDENTIALS });
    stagingDir = await mkdtemp(join(tmpdir(), 'meridian-s3-staging-'));
  }, { timeout: 90_000 });
  after(async () => {
    closeS3Clients();
    admin?.destroy();
    await moto?.process.stop();
    if (stagingDir) await rm(stagingDir, { recursive: true, force: true });
  });

  objectStoreContract('moto S3', async () => {
    const bucket = await freshBucket();
    const store = connection(bucket);
    return {
      open: (prefix: string) => openRepositoryStore(store, prefix, { stagingDir, secretKey }),
      close: () => emptyBucket(bucket),
    };
  });

  describe('S3 adapter', () => {
    test('a put whose body fails leaves no multipart upload behind', async () => {
      const bucket = await freshBucket();
      try {
        const store = openRepositoryStore(connection(bucket), 'alice/rainfall/', { stagingDir, secretKey });
        const body = Readable.from((function* chunks() {
          for (let i = 0; i < 7; i++) yield Buffer.alloc(1024 * 1024, i);
          throw new Error('the client went away');
        })());
        await assert.rejects(store.put('big.bin', body), /the client went away/);
        const uploads = await admin.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
        assert.deepEqual(uploads.Uploads ?? [], []);
      } finally {
        await emptyBucket(bucket);
      }
    });

    test('keys live under the repository prefix in the bucket', async () => {
      const bucket = await freshBucket();
      try {
        const store = openRepositoryStore(connection(bucket), 'alice/rainfall/', { stagingDir, secretKey });
        await store.put('a b/é.txt', Readable.from([Buffer.from('x')]));
        const all = await openRepositoryStore(connection(bucket), 'alice/', { stagingDir, secretKey }).list();
        assert.deepEqual(all.objects.map((o) => o.key), ['rainfall/a b/é.txt']);
        const copied = await store.copy('a b/é.txt', 'c%d/f+g.txt');
        assert.equal(copied?.size, 1, 'copy sources with spaces and non-ASCII are URL-encoded');
      } finally {
        await emptyBucket(bucket);
      }
    });

    test('one client per connection version, shared by its stores', () => {
      const first = openRepositoryStore(connection('bucket-a'), 'a/b/', { stagingDir, secretKey }) as S3ObjectStore;
      const second = openRepositoryStore(connection('bucket-a'), 'c/d/', { stagingDir, secretKey }) as S3ObjectStore;
      assert.equal(first.client, second.client);
      const changed = openRepositoryStore(connection('bucket-a', { updatedAt: '2026-02-01T00:00:00.000Z' }), 'a/b/', { stagingDir, secretKey }) as S3ObjectStore;
      assert.notEqual(changed.client, first.client, 'a changed connection gets a new client');
      const other = openRepositoryStore(connection('bucket-a', { id: 'other-s3' }), 'a/b/', { stagingDir, secretKey }) as S3ObjectStore;
      assert.notEqual(other.client, changed.client);
    });

    test('credentials are opened with the secret key; without it, or without credentials, no AWS identity is used', async () => {
      assert.throws(() => openRepositoryStore(connection('bucket-b', { id: 'needs-key' }), 'a/', { stagingDir }), /has credentials, and no secret key/);
      const base = connection('bucket-b', { id: 'anonymous' });
      const anonymous: DataConnection = { ...base, details: { kind: 's3', bucket: 'public-bucket', prefixTemplate: '', region: 'us-east-1', endpoint } };
      const store = openRepositoryStore(anonymous, 'a/', { stagingDir }) as S3ObjectStore;
      const signed = (client: S3Client) => {
        const seen: boolean[] = [];
        // The deserialize step sees the request as it goes on the wire, signed or not.
        client.middlewareStack.add((next) => async (args) => {
          seen.push(Object.keys((args.request as { headers: Record<string, string> }).headers).some((name) => name.toLowerCase() === 'authorization'));
          return await next(args);
        }, { step: 'deserialize', name: 'seeSignature' });
        return seen;
      };
      const anonymousRequests = signed(store.client);
      const adminRequests = signed(admin);
      await admin.send(new CreateBucketCommand({ Bucket: 'public-bucket' }));
      try {
        assert.equal(await store.head('x'), undefined);
        assert.deepEqual(anonymousRequests, [false], 'the store\'s request is unsigned');
        assert.deepEqual(adminRequests, [true], 'a client with credentials signs (so the check can fail)');
        admin.middlewareStack.remove('seeSignature');
      } finally {
        await emptyBucket('public-bucket');
      }
    });
  });
});
