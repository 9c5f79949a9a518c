// The last-owner guard under concurrency, on the real embedded store (dynalite),
// with the interleaving that breaks a naive check forced by a barrier.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Membership, Role } from '../accounts/accounts.types.ts';
import { ConflictError } from '../errors.ts';
import type { MetadataStore } from '../metadata-store/metadata-store.port.ts';
import { openMetadataStore, type OpenedMetadataStore } from '../metadata-store/open-metadata-store.ts';
import { seededRandom } from '../testing/seeded-random.ts';
import { allMembershipsOf } from './membership-store.ts';
import { changeMembership, LastOwnerError } from './membership-writes.ts';

const root = await mkdtemp(join(tmpdir(), 'meridian-memberships-'));
let opened: OpenedMetadataStore;
let store: MetadataStore;
const clock = () => Date.now();
before(async () => {
  opened = await openMetadataStore({
    dataDir: join(root, 'data'),
    metadataStore: { endpoint: undefined, region: 'us-east-1', tablePrefix: 'meridian', credentials: 'local' },
  }, { now: clock });
  store = opened.store;
});
after(async () => {
  await opened?.close();
  await rm(root, { recursive: true, force: true });
});

let orgs = 0;
/** An organisation's memberships (the account itself is not needed by the guard). */
async function organization(owners: string[], others: [string, Role][] = []): Promise<string> {
  const org = `guarded-${++orgs}`;
  const now = new Date().toISOString();
  for (const [memberId, role] of [...owners.map((id) => [id, 'owners'] as [string, Role]), ...others]) {
    await store.createMembership({ resource: org, memberId, role, state: 'member', invitedBy: owners[0], createdAt: now, updatedAt: now });
  }
  return org;
}

const ownersOf = async (org: string) =>
  (await allMembershipsOf({ store }, org)).filter((m) => m.role === 'owners' && m.state === 'member').map((m) => m.memberId).sort();

const revoke = (m: Membership): Membership => ({ ...m, state: 'revoked' });
const demote = (m: Membership): Membership => ({ ...m, role: 'maintainers' });

/**
 * The store, except that the first `parties` calls of updateMembership wait until
 * all of them have arrived: every change has done its reads before any writes.
 */
function withBarrier(parties: number) {
  let arrived = 0;
  let release!: () => void;
  const all = new Promise<void>((resolve) => (release = resolve));
  const counts = { conflicts: 0, held: 0 };
  const proxy = new Proxy(store, {
    get(target, name) {
      if (name === 'updateMembership') {
        return async (membership: Membership, expected: string) => {
          if (arrived < parties) {
            counts.held++;
            if (++arrived === parties) release();
            await all;
          }
          try {
            return await target.updateMembership(membership, expected);
          } catch (error) {
            if (error instanceof ConflictError) counts.conflicts++;
            throw error;
          }
        };
      }
      const value = Reflect.get(target, name, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { deps: { store: proxy, clock }, counts };
}

describe('the last owner of an organisation', () => {
  test('a naive check-then-write loses every owner under this interleaving (what the guard is for)', async () => {
    const org = await organization(['ann', 'bob']);
    const [ann, bob] = [await store.getMembership(org, 'ann'), await store.getMembership(org, 'bob')];
    // Both check "another owner exists" — true for each — then each writes its own target.
    assert.equal((await ownersOf(org)).length, 2);
    await store.updateMembership({ ...revoke(bob!), updatedAt: new Date(Date.now() + 1).toISOString() }, bob!.updatedAt);
    await store.updateMembership({ ...revoke(ann!), updatedAt: new Date(Date.now() + 1).toISOString() }, ann!.updatedAt);
    assert.deepEqual(await ownersOf(org), [], 'conditional writes on different items alone do not protect the invariant');
  });

  test('two owners revoking each other, both having read before either writes: the witness touches make both writes fail, and then one wins', async () => {
    for (let round = 0; round < 10; round++) {
      const org = await organization(['ann', 'bob']);
      const { deps, counts } = withBarrier(2);
      const outcomes = await Promise.allSettled([
        changeMembership(deps, org, 'bob', round % 2 ? revoke : demote),
        changeMembership(deps, org, 'ann', round % 2 ? demote : revoke),
      ]);
      assert.equal(counts.held, 2, 'both changes reached their first write having read');
      assert.ok(counts.conflicts >= 2, `the crossed touches turned both target writes into conflicts (${counts.conflicts})`);
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      assert.ok(won.length <= 1, `round ${round}: both won`);
      for (const failure of lost) assert.ok(failure.reason instanceof ConflictError, String(failure.reason));
      const left = await ownersOf(org);
      assert.equal(left.length, 2 - won.length);
      assert.ok(left.length >= 1, `round ${round}: no owner left`);
      if (won.length === 1) assert.ok(lost[0].reason instanceof LastOwnerError, 'the loser is told it would remove the last owner');
    }
  });

  test('random concurrent demotions and revocations among 2–4 owners never leave an organisation without one', async () => {
    const random = seededRandom(42);
    for (let round = 0; round < 15; round++) {
      const owners = ['o1', 'o2', 'o3', 'o4'].slice(0, 2 + Math.floor(random() * 3));
      const org = await organization(owners, [['helper', 'maintainers']]);
      const changes = owners.map((id) => changeMembership({ store, clock }, org, id, random() < 0.5 ? revoke : demote));
      const outcomes = await Promise.allSettled(changes);
      for (const o of outcomes) if (o.status === 'rejected') assert.ok(o.reason instanceof ConflictError, String(o.reason));
      const left = await ownersOf(org);
      assert.ok(left.length >= 1, `round ${round}: no owner left`);
      assert.equal(left.length, owners.length - outcomes.filter((o) => o.status === 'fulfilled').length);
    }
  });

  test('changes that keep an owner need no witness; repositories have no last-owner rule', async () => {
    const org = await organization(['solo'], [['helper', 'read_data']]);
    await assert.rejects(changeMembership({ store, clock }, org, 'solo', demote), LastOwnerError);
    await changeMembership({ store, clock }, org, 'helper', (m) => ({ ...m, role: 'owners' }));
    await changeMembership({ store, clock }, org, 'solo', revoke);
    assert.deepEqual(await ownersOf(org), ['helper']);
    const now = new Date().toISOString();
    await store.createMembership({ resource: `${org}/data`, memberId: 'helper', role: 'owners', state: 'member', invitedBy: 'helper', createdAt: now, updatedAt: now });
    const revoked = await changeMembership({ store, clock }, `${org}/data`, 'helper', revoke);
    assert.equal(revoked.state, 'revoked');
  });
});
