// The S3 endpoint's authorisation matrix over real HTTP with the AWS SDK: every
// S3 operation — GetObject, HeadObject, ListObjectsV2, PutObject, CopyObject,
// DeleteObject, DeleteObjects, CreateMultipartUpload, UploadPart, ListParts,
// CompleteMultipartUpload, AbortMultipartUpload — for every kind of caller
// (anonymous, outsider, each role on a repository and on an organisation,
// owners, admin, each signing with an API key of its own account, and keys
// scoped to one repository) on repositories of every visibility, published,
// draft and disabled, and on a read-only data connection. The oracle is
// written out here, apart from the access rule. A refused write leaves nothing
// on disk and queues no repository-changed job.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CopyObjectCommand, CreateMultipartUploadCommand, DeleteObjectCommand,
  DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, ListPartsCommand, PutObjectCommand, UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { DataConnection, Visibility } from '@meridian/core/accounts/accounts.types';
import { REPOSITORY_CHANGED, type RepositoryChanged } from '@meridian/core/job-queue/repository-changed.job';
import { buildWorld, CONNECTION, createRepo, joinAs, ORG, PERSON, type Persona, type World } from './access-world.ts';
import { assertStatus, type Browser } from './http-client.ts';
import { putFile } from './data-proxy-helpers.ts';
import { createApiKey, s3Client, s3ErrorOf, type ApiKeyPair } from './s3-helpers.ts';

interface Repo {
  account: string;
  repository: string;
  path: string;
  owner: 'person' | 'org';
  visibility: Visibility;
  draft: boolean;
  disabled: boolean;
  readOnly: boolean;
}

interface Caller {
  name: string;
  /** Unsigned requests for the anonymous caller. */
  s3: S3Client;
  anonymous: boolean;
  ranks: Persona['ranks'];
  /** A key scoped to one `{account}/{repository}` holds its rank there only. */
  scope?: string;
}

const READ_ONLY = 'frozen';
const FILE = 'hello.txt';
const contentOf = (r: Pick<Repo, 'path'>) => `hello from ${r.path}`;

let world: World;
let repos: Repo[];
let callers: Caller[];
const events: RepositoryChanged[] = [];

const rootOf = (r: Repo) => join(world.server.dataDir, r.readOnly ? READ_ONLY : CONNECTION);
const onDisk = (r: Repo, key: string) => existsSync(join(rootOf(r), r.path, key));
const place = (r: Repo, key: string, content = `placed in ${r.path}`) => putFile(rootOf(r), `${r.path}/`, key, content);

const seeRank = (r: Repo) => (r.disabled ? 4 : r.draft ? 2 : r.visibility === 'restricted' ? 1 : 0);
const rankOf = (c: Caller, r: Repo) => (c.scope !== undefined && c.scope !== r.path ? 0 : c.ranks[r.owner]);
const sees = (c: Caller, r: Repo) => rankOf(c, r) >= seeRank(r);
/** write_data, on an enabled repository (admins write to disabled ones too), through a writable connection. */
const writes = (c: Caller, r: Repo) => sees(c, r) && rankOf(c, r) >= 2 && (!r.disabled || rankOf(c, r) >= 5) && !r.readOnly;
/** What a refused write answers: hidden reads as missing; otherwise AccessDenied, 401 to the anonymous caller. */
const refusal = (c: Caller, r: Repo) => (!sees(c, r) ? { code: 'NoSuchKey', status: 404 } : { code: 'AccessDenied', status: c.anonymous ? 401 : 403 });
const label = (c: Caller, r: Repo) => `${c.name} on ${r.path}${r.draft ? ' (draft)' : ''}${r.disabled ? ' (disabled)' : ''}${r.readOnly ? ' (read-only connection)' : ''}`;

async function createReadOnlyConnection(): Promise<void> {
  const now = new Date().toISOString();
  const connection: DataConnection = {
    id: READ_ONLY, name: 'A read-only archive', ownerId: 'admin', details: { kind: 'filesystem', root: join(world.server.dataDir, READ_ONLY) },
    readOnly: true, allowedVisibilities: ['public', 'unlisted', 'restricted'], createdAt: now, updatedAt: now,
  };
  await world.server.metadata.createDataConnection(connection);
}

before(async () => {
  world = await buildWorld();
  world.server.jobs.handle<RepositoryChanged>(REPOSITORY_CHANGED, async (job) => void events.push(job.data));
  await createReadOnlyConnection();
  repos = world.repos.map((r) => ({ ...r, draft: false, disabled: false, readOnly: false }));
  const repositoryMembers = world.personas.filter((p) => p.membership?.on === 'person');
  const add = async (owner: 'person' | 'org', repository: string, fields: Record<string, unknown>, flags: Partial<Repo>) => {
    const [account, creator] = owner === 'person' ? [PERSON, world.personOwner] : [ORG, world.orgOwner];
    assertStatus(await createRepo(creator, account, repository, fields), 201);
    const repo: Repo = { account, repository, path: `${account}/${repository}`, owner, visibility: fields.visibility as Visibility, draft: false, disabled: false, readOnly: false, ...flags };
    if (owner === 'person') for (const p of repositoryMembers) await joinAs(creator, p.browser, repo.path, p.membership!.role);
    if (repo.disabled) assertStatus(await world.admin.patch(`/api/v1/repositories/${repo.path}`, { disabled: true }), 200);
    repos.push(repo);
  };
  for (const owner of ['person', 'org'] as const) {
    for (const visibility of ['public', 'restricted'] as const) {
      await add(owner, `${owner[0]}-draft-${visibility}`, { visibility, state: 'draft' }, { draft: true });
      await add(owner, `${owner[0]}-disabled-${visibility}`, { visibility, state: 'published' }, { disabled: true });
    }
  }
  await add('person', 'p-frozen', { visibility: 'public', state: 'published', dataConnectionId: READ_ONLY }, { readOnly: true });
  await add('org', 'o-frozen-restricted', { visibility: 'restricted', state: 'published', dataConnectionId: READ_ONLY }, { readOnly: true });
  for (const r of repos) place(r, FILE, contentOf(r));

  const endpoint = `${world.server.url}/data`;
  const keyOf = (p: Persona, scope?: string): Promise<ApiKeyPair> => createApiKey(p.browser as Browser, p.accountId as string, scope);
  const persona = (name: string) => world.personas.find((p) => p.name === name) as Persona;
  callers = [];
  for (const p of world.personas) {
    const anonymous = p.accountId === undefined;
    callers.push({ name: anonymous ? 'anonymous (unsigned)' : `${p.name} (account key)`, anonymous, ranks: p.ranks, s3: s3Client(endpoint, anonymous ? undefined : await keyOf(p)) });
  }
  for (const [name, scope] of [['owner (the owning person)', `${PERSON}/p-restricted`], ['organisation owners (its creator)', `${ORG}/o-draft-restricted`]] as const) {
    const p = persona(name);
    callers.push({ name: `${name}, key scoped to ${scope}`, anonymous: false, ranks: p.ranks, scope, s3: s3Client(endpoint, await keyOf(p, scope)) });
  }
});
after(() => world?.server.close());

const admin = () => callers.find((c) => c.name === 'admin (account key)') as Caller;
const Key = (r: Repo, key: string) => `${r.repository}/${key}`;

/** The refusal the call met, checked against the oracle; or nothing, when it was to succeed. */
async function expectOutcome(c: Caller, r: Repo, allowed: boolean, call: Promise<unknown>, what: string): Promise<void> {
  if (allowed) {
    await call;
    return;
  }
  const error = await s3ErrorOf(call);
  const expected = refusal(c, r);
  assert.deepEqual({ code: error.code, status: error.status }, expected, `${what}: ${label(c, r)}`);
}

describe('S3 authorisation matrix: operations × callers × repositories', () => {
  test('the cast is complete', () => {
    assert.equal(repos.length, 6 + 8 + 2);
    assert.equal(callers.length, world.personas.length + 2);
    assert.ok(callers.some((c) => c.anonymous));
  });

  test('GetObject, HeadObject, ListObjectsV2: the file where the caller sees the repository, else NoSuchKey / an empty listing', async () => {
    await Promise.all(callers.map(async (c) => {
      for (const r of repos) {
        const Bucket = r.account;
        if (sees(c, r)) {
          const got = await c.s3.send(new GetObjectCommand({ Bucket, Key: Key(r, FILE) }));
          assert.equal(await got.Body?.transformToString(), contentOf(r), label(c, r));
          assert.equal((await c.s3.send(new HeadObjectCommand({ Bucket, Key: Key(r, FILE) }))).ContentLength, contentOf(r).length);
        } else {
          assert.deepEqual(await s3ErrorOf(c.s3.send(new GetObjectCommand({ Bucket, Key: Key(r, FILE) }))).then((e) => [e.code, e.status]), ['NoSuchKey', 404], label(c, r));
          assert.deepEqual(await s3ErrorOf(c.s3.send(new HeadObjectCommand({ Bucket, Key: Key(r, FILE) }))).then((e) => e.status), 404, label(c, r));
        }
        const listed = await c.s3.send(new ListObjectsV2Command({ Bucket, Prefix: `${r.repository}/` }));
        assert.deepEqual((listed.Contents ?? []).map((o) => o.Key), sees(c, r) ? [Key(r, FILE)] : [], label(c, r));
      }
    }));
  });

  test('PutObject and CopyObject: write_data on an enabled repository and a writable connection; refused ones write nothing', async () => {
    await Promise.all(callers.map(async (c, i) => {
      for (const r of repos) {
        const allowed = writes(c, r);
        await expectOutcome(c, r, allowed, c.s3.send(new PutObjectCommand({ Bucket: r.account, Key: Key(r, `put/${i}.txt`), Body: `put by ${c.name}` })), 'PutObject');
        assert.equal(onDisk(r, `put/${i}.txt`), allowed, `PutObject left a file: ${label(c, r)}`);
        await expectOutcome(c, r, allowed, c.s3.send(new CopyObjectCommand({ Bucket: r.account, Key: Key(r, `copy/${i}.txt`), CopySource: `${r.account}/${Key(r, FILE)}` })), 'CopyObject');
        assert.equal(onDisk(r, `copy/${i}.txt`), allowed, `CopyObject left a file: ${label(c, r)}`);
      }
    }));
  });

  test('DeleteObject and DeleteObjects: the same rule; a refused key stays, reported per key in DeleteObjects', async () => {
    for (const [i] of callers.entries()) for (const r of repos) {
      place(r, `victim/${i}.txt`);
      place(r, `batch/${i}.txt`);
    }
    await Promise.all(callers.map(async (c, i) => {
      for (const r of repos) {
        const allowed = writes(c, r);
        await expectOutcome(c, r, allowed, c.s3.send(new DeleteObjectCommand({ Bucket: r.account, Key: Key(r, `victim/${i}.txt`) })), 'DeleteObject');
        assert.equal(onDisk(r, `victim/${i}.txt`), !allowed, `DeleteObject: ${label(c, r)}`);
        const batch = await c.s3.send(new DeleteObjectsCommand({ Bucket: r.account, Delete: { Objects: [{ Key: Key(r, `batch/${i}.txt`) }] } }));
        if (allowed) assert.deepEqual(batch.Deleted?.map((d) => d.Key), [Key(r, `batch/${i}.txt`)], label(c, r));
        else assert.deepEqual(batch.Errors?.map((e) => [e.Key, e.Code]), [[Key(r, `batch/${i}.txt`), 'AccessDenied']], `DeleteObjects: ${label(c, r)}`);
        assert.equal(onDisk(r, `batch/${i}.txt`), !allowed, `DeleteObjects: ${label(c, r)}`);
      }
    }));
  });

  test('multipart: CreateMultipartUpload, then UploadPart, ListParts and Complete for those allowed; the same rule on an upload someone else began', async () => {
    await Promise.all(callers.map(async (c, i) => {
      for (const r of repos) {
        const allowed = writes(c, r);
        const Bucket = r.account;
        const key = Key(r, `multi/${i}.bin`);
        if (allowed) {
          const { UploadId } = await c.s3.send(new CreateMultipartUploadCommand({ Bucket, Key: key }));
          const { ETag } = await c.s3.send(new UploadPartCommand({ Bucket, Key: key, UploadId, PartNumber: 1, Body: `part by ${c.name}` }));
          assert.equal((await c.s3.send(new ListPartsCommand({ Bucket, Key: key, UploadId }))).Parts?.length, 1);
          await c.s3.send(new CompleteMultipartUploadCommand({ Bucket, Key: key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] } }));
          assert.equal(onDisk(r, `multi/${i}.bin`), true, label(c, r));
        } else {
          await expectOutcome(c, r, false, c.s3.send(new CreateMultipartUploadCommand({ Bucket, Key: key })), 'CreateMultipartUpload');
        }
        // An upload begun by the admin (where anyone can write): the caller's part, listing and abort follow the same rule.
        if (!writes(admin(), r)) continue;
        const theirs = Key(r, `theirs/${i}.bin`);
        const { UploadId } = await admin().s3.send(new CreateMultipartUploadCommand({ Bucket, Key: theirs }));
        const { ETag } = await admin().s3.send(new UploadPartCommand({ Bucket, Key: theirs, UploadId, PartNumber: 1, Body: 'the admin\'s part' }));
        await expectOutcome(c, r, allowed, c.s3.send(new UploadPartCommand({ Bucket, Key: theirs, UploadId, PartNumber: 2, Body: 'x' })), 'UploadPart');
        await expectOutcome(c, r, allowed, c.s3.send(new ListPartsCommand({ Bucket, Key: theirs, UploadId })), 'ListParts');
        await expectOutcome(c, r, allowed, c.s3.send(new CompleteMultipartUploadCommand({ Bucket, Key: theirs, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] } })), 'CompleteMultipartUpload');
        if (allowed) {
          assert.equal(onDisk(r, `theirs/${i}.bin`), true);
          continue;
        }
        await expectOutcome(c, r, false, c.s3.send(new AbortMultipartUploadCommand({ Bucket, Key: theirs, UploadId })), 'AbortMultipartUpload');
        // Still the admin's to finish: none of the refused calls touched it.
        assert.deepEqual((await admin().s3.send(new ListPartsCommand({ Bucket, Key: theirs, UploadId }))).Parts?.map((p) => p.PartNumber), [1], label(c, r));
        await admin().s3.send(new AbortMultipartUploadCommand({ Bucket, Key: theirs, UploadId }));
        assert.equal(onDisk(r, `theirs/${i}.bin`), false);
      }
    }));
  });

  test('repository-changed jobs: one for every write that happened, none for a refused one', async () => {
    await world.server.jobs.idle();
    const changed = new Set(events.flatMap((e) => e.changes.map((ch) => `${e.accountId}/${e.repositoryId}/${ch.key}:${ch.kind}`)));
    let expected = 0;
    for (const [i, c] of callers.entries()) {
      for (const r of repos) {
        const allowed = writes(c, r);
        for (const [key, kind] of [[`put/${i}.txt`, 'put'], [`copy/${i}.txt`, 'put'], [`victim/${i}.txt`, 'delete'], [`batch/${i}.txt`, 'delete'], [`multi/${i}.bin`, 'put'], [`theirs/${i}.bin`, 'put']]) {
          const on = changed.has(`${r.path}/${key}:${kind}`);
          const happened = allowed && (!key.startsWith('theirs/') || writes(admin(), r));
          assert.equal(on, happened, `${key} ${kind}: ${label(c, r)}`);
          if (happened) expected++;
        }
      }
    }
    assert.ok(expected > 100, `the matrix wrote ${expected} times`);
    assert.equal(events.flatMap((e) => e.changes).length, expected, 'nothing else was announced');
  });

  test('the oracle admits and refuses in every direction', () => {
    assert.ok(repos.some((r) => writes(admin(), r) && r.disabled), 'admins write to disabled repositories');
    assert.ok(repos.every((r) => !r.readOnly || callers.every((c) => !writes(c, r))), 'nobody writes through a read-only connection');
    const reader = callers.find((c) => c.name.startsWith('repository read_data')) as Caller;
    assert.ok(repos.some((r) => sees(reader, r) && !writes(reader, r)));
    const scoped = callers.find((c) => c.scope === `${PERSON}/p-restricted`) as Caller;
    assert.deepEqual(repos.filter((r) => writes(scoped, r)).map((r) => r.path), [`${PERSON}/p-restricted`], 'a scoped key writes to its repository only');
    assert.ok(repos.filter((r) => r.owner === 'person' && r.path !== scoped.scope).every((r) => scoped.ranks.person >= 4 && !writes(scoped, r)));
  });
});
