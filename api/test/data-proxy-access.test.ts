// The data proxy's authorisation matrix over real HTTP: every read operation —
// download, HEAD, the JSON files listing, ListObjectsV2 on a repository and on
// an account (with and without a delimiter), ListObjects V1 — for every kind of
// caller (anonymous, outsider, each role on a repository and on an
// organisation, owners, admin, API keys as bearer tokens, one scoped to a
// single repository) on repositories of every visibility, published, draft
// and disabled. The oracle is written out here, apart from the access rule.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Visibility } from '@meridian/core/accounts/accounts.types';
import { buildWorld, CONNECTION, createRepo, joinAs, ORG, PERSON, type Persona, type World } from './access-world.ts';
import { assertStatus, Browser, type Json } from './http-client.ts';
import { parseXml, putFile } from './data-proxy-helpers.ts';

interface Repo {
  account: string;
  repository: string;
  path: string;
  owner: 'person' | 'org';
  visibility: Visibility;
  draft: boolean;
  disabled: boolean;
}

/** A persona whose API key is scoped to one repository holds its rank there only. */
type Caller = Persona & { scope?: string };

let world: World;
let repos: Repo[];
let callers: Caller[];

const FILE = 'hello.txt';
const contentOf = (r: Pick<Repo, 'path'>) => `hello from ${r.path}`;

/** The rank needed to see a repository at all, and whether it then appears in listings. */
const seeRank = (r: Repo) => (r.disabled ? 4 : r.draft ? 2 : r.visibility === 'restricted' ? 1 : 0);
const rankOf = (c: Caller, r: Repo) => (c.scope !== undefined && c.scope !== r.path ? 0 : c.ranks[r.owner]);
const sees = (c: Caller, r: Repo) => rankOf(c, r) >= seeRank(r);
const lists = (c: Caller, r: Repo) => sees(c, r) && (r.visibility !== 'unlisted' || rankOf(c, r) >= 2);
const label = (c: Caller, r: Repo) => `${c.name} on ${r.path}${r.draft ? ' (draft)' : ''}${r.disabled ? ' (disabled)' : ''}`;

async function keyFor(b: Browser, account: string, repository?: string): Promise<string> {
  const reply = await b.post(`/api/v1/accounts/${account}/api-keys`, { name: 'matrix key', ...(repository ? { repository } : {}) });
  assertStatus(reply, 201);
  return reply.body.token;
}

before(async () => {
  world = await buildWorld();
  const { server } = world;
  repos = world.repos.map((r) => ({ account: r.account, repository: r.repository, path: r.path, owner: r.owner, visibility: r.visibility, draft: false, disabled: false }));

  // Drafts and disabled repositories of both owners; repository roles join them as they joined the others.
  for (const [owner, account, creator] of [['person', PERSON, world.personOwner], ['org', ORG, world.orgOwner]] as const) {
    for (const kind of ['draft', 'disabled'] as const) {
      for (const visibility of ['public', 'restricted'] as const) {
        const repository = `${owner[0]}-${kind}-${visibility}`;
        assertStatus(await createRepo(creator, account, repository, { visibility, state: kind === 'draft' ? 'draft' : 'published' }), 201);
        const repo: Repo = { account, repository, path: `${account}/${repository}`, owner, visibility, draft: kind === 'draft', disabled: false };
        if (owner === 'person') {
          for (const persona of world.personas.filter((p) => p.membership?.on === 'person')) await joinAs(creator, persona.browser, repo.path, persona.membership!.role);
        }
        if (kind === 'disabled') {
          assertStatus(await world.admin.patch(`/api/v1/repositories/${repo.path}`, { disabled: true }), 200);
          repo.disabled = true;
        }
        repos.push(repo);
      }
    }
  }
  for (const r of repos) putFile(join(server.dataDir, CONNECTION), `${r.path}/`, FILE, contentOf(r));

  const persona = (name: string) => world.personas.find((p) => p.name === name)!;
  const bearer = async (name: string, of: Persona, scope?: string): Promise<Caller> => ({
    ...of, name, browser: new Browser(server.url, await keyFor(of.browser, of.accountId!, scope)), ...(scope ? { scope } : {}),
  });
  callers = [
    ...world.personas,
    await bearer('API key of a repository read_data member', persona('repository read_data')),
    await bearer('API key of an organisation write_data member', persona('organisation write_data')),
    await bearer('API key of the admin', persona('admin')),
    await bearer(`API key of the owner scoped to ${PERSON}/p-restricted`, persona('owner (the owning person)'), `${PERSON}/p-restricted`),
    await bearer(`API key of the organisation owner scoped to ${ORG}/o-draft-restricted`, persona('organisation owners (its creator)'), `${ORG}/o-draft-restricted`),
  ];
});
after(() => world?.server.close());

const xml = async (b: Browser, path: string) => {
  const reply = await b.get(path);
  assert.equal(reply.status, 200, `${path}: ${reply.text.slice(0, 300)}`);
  return parseXml(reply.text).ListBucketResult;
};
const keys = (result: Json): string[] => (result.Contents ?? []).map((c: Json) => c.Key);
const prefixes = (result: Json): string[] => (result.CommonPrefixes ?? []).map((p: Json) => p.Prefix);
/** An S3 error without what differs between any two requests (the id, and what was asked for). */
const errorOf = (text: string) => {
  const { RequestId: _id, Resource: _resource, Key: _key, ...rest } = parseXml(text).Error;
  return rest;
};

describe('data proxy authorisation matrix: operations × callers × repositories', () => {
  test('the cast is complete', () => {
    assert.equal(repos.length, 6 + 8);
    assert.ok(callers.length >= 17);
    assert.ok(repos.some((r) => r.disabled && r.visibility === 'restricted') && repos.some((r) => r.draft && r.owner === 'org'));
  });

  test('GET of a file: 200 with its bytes where the caller sees the repository, else NoSuchKey exactly as for a missing one', async () => {
    await Promise.all(callers.map(async (c) => {
      for (const r of repos) {
        const reply = await c.browser.get(`/data/${r.path}/${FILE}`);
        if (sees(c, r)) {
          assert.equal(reply.status, 200, label(c, r));
          assert.equal(reply.text, contentOf(r), label(c, r));
        } else {
          assert.equal(reply.status, 404, `${label(c, r)}: ${reply.text.slice(0, 200)}`);
          const missing = await c.browser.get(`/data/${r.account}/${r.repository}-gone/${FILE}`);
          assert.deepEqual(errorOf(reply.text), errorOf(missing.text), `${label(c, r)}: hidden reads as missing`);
          assert.deepEqual(errorOf(reply.text), { Code: 'NoSuchKey', Message: 'The specified key does not exist.' });
          assert.equal(parseXml(reply.text).Error.Key, `${r.repository}/${FILE}`);
          assert.ok(!reply.text.includes(contentOf(r)));
        }
      }
    }));
  });

  test('HEAD of a file: the status GET gets, and never a body', async () => {
    await Promise.all(callers.map(async (c) => {
      for (const r of repos) {
        const reply = await c.browser.request('HEAD', `/data/${r.path}/${FILE}`);
        assert.equal(reply.status, sees(c, r) ? 200 : 404, label(c, r));
        assert.equal(reply.text, '');
        if (sees(c, r)) assert.equal(reply.headers.get('content-length'), String(contentOf(r).length));
      }
    }));
  });

  test('JSON files listing: the file where the caller sees the repository, else the management API\'s NotFound', async () => {
    await Promise.all(callers.map(async (c) => {
      for (const r of repos) {
        const reply = await c.browser.get(`/api/v1/repositories/${r.path}/files`);
        if (sees(c, r)) {
          assertStatus(reply, 200);
          assert.deepEqual(reply.body.files.map((f: Json) => f.key), [FILE], label(c, r));
        } else {
          assertStatus(reply, 404);
          assert.deepEqual(reply.body, { code: 'NotFound', description: `repository ${r.path} not found` }, label(c, r));
        }
      }
    }));
  });

  test('ListObjectsV2 on a repository (prefix {repository}/): its file where the caller sees it, else an empty listing', async () => {
    await Promise.all(callers.map(async (c) => {
      for (const r of repos) {
        const result = await xml(c.browser, `/data/${r.account}?list-type=2&prefix=${r.repository}/`);
        assert.deepEqual(keys(result), sees(c, r) ? [`${r.repository}/${FILE}`] : [], label(c, r));
        const folders = await xml(c.browser, `/data/${r.account}?list-type=2&prefix=${r.repository}/&delimiter=/`);
        assert.deepEqual(keys(folders), sees(c, r) ? [`${r.repository}/${FILE}`] : [], `${label(c, r)} with delimiter`);
      }
    }));
  });

  test('ListObjectsV2 and V1 on an account: exactly the repositories the caller may list, as common prefixes and as keys', async () => {
    await Promise.all(callers.map(async (c) => {
      for (const account of [PERSON, ORG]) {
        const own = repos.filter((r) => r.account === account);
        const listed = own.filter((r) => lists(c, r)).map((r) => r.repository).sort((a, b) => (`${a}/` < `${b}/` ? -1 : 1));
        const byDelimiter = await xml(c.browser, `/data/${account}?list-type=2&delimiter=/`);
        assert.deepEqual(prefixes(byDelimiter), listed.map((id) => `${id}/`), `${c.name} lists ${account}`);
        const flat = await xml(c.browser, `/data/${account}?list-type=2`);
        assert.deepEqual(keys(flat), listed.map((id) => `${id}/${FILE}`), `${c.name} lists every key of ${account}`);
        const v1 = await xml(c.browser, `/data/${account}?delimiter=/`);
        assert.deepEqual(prefixes(v1), listed.map((id) => `${id}/`), `${c.name} lists ${account} (V1)`);
      }
    }));
  });

  test('the oracle admits and refuses: every caller sees some repository the anonymous caller does not, or the same', () => {
    const anonymous = callers.find((c) => c.name === 'anonymous')!;
    const admin = callers.find((c) => c.name === 'admin')!;
    assert.ok(repos.every((r) => sees(admin, r)));
    assert.ok(repos.some((r) => !sees(anonymous, r)) && repos.some((r) => sees(anonymous, r)));
    assert.ok(repos.some((r) => sees(anonymous, r) && !lists(anonymous, r)), 'an unlisted repository is seen but not listed');
  });
});

describe('credentials that do not hold', () => {
  test('an API key that does not verify is a 401 AccessDenied S3 error, never a quiet anonymous read', async () => {
    const forged = new Browser(world.server.url, 'MRDNAAAAAAAAAAAAAAAA.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
    for (const path of [`/data/${PERSON}/p-public/${FILE}`, `/data/${PERSON}?list-type=2`]) {
      const reply = await forged.get(path);
      assert.equal(reply.status, 401, reply.text);
      assert.equal(parseXml(reply.text).Error.Code, 'AccessDenied');
      assert.match(reply.headers.get('www-authenticate') ?? '', /^Bearer /);
    }
  });
});
