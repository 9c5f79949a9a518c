// Changing a membership that exists, without ever leaving an organisation with no
// owner.
//
// The danger is two concurrent changes: owners A and B of an organisation, A
// demotes B while B demotes A (or each revokes the other). Each sees the other
// still an owner, and each writes a different item, so conditional writes on the
// changed items alone would let both win and leave no owner. The embedded store
// (dynalite) has no transactions, so the check cannot be made atomic with the
// write. Instead, a change that takes an owner away must name a WITNESS — another
// current owner — and, in this order:
//   1. read the target membership (version t),
//   2. read the organisation's memberships and pick an owner W ≠ target (version w),
//   3. touch W: rewrite it unchanged but with a new updatedAt, conditional on w
//      (so W is still an owner at that instant),
//   4. write the target's change, conditional on t.
// A conditional failure at 3 or 4 starts again from 1 (after a short random
// pause); the 409 "last owner" comes from 2 finding no W.
//
// Why no two changes can together remove every owner: say change i touched
// witness W_i (step 3) and committed, and W_i was later demoted by change j. Change
// j's step 4 is conditional on a version of W_i that j read at step 1; the touch
// gave W_i a new version, and j's step-4 write came after the touch (had it come
// before, the touch's condition would have failed, or i would have read W_i as
// no longer an owner). So j read W_i after i's touch, and j's own touch (step 3)
// came after its step 1: touch(j) is later than touch(i). Following witness after
// witness gives ever later touches among finitely many changes, so the chain
// ends with a witness nobody demoted: an owner remains. updatedAt only ever grows
// (nextUpdatedAt), so a version cannot come back and fool a condition.
//
// Repositories need no such guard: the owning account always holds owners on its
// repositories, whatever the memberships say.
import { nextUpdatedAt, type AccountsDeps } from '../accounts/accounts-context.ts';
import type { Membership } from '../accounts/accounts.types.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { allMembershipsOf } from './membership-store.ts';

const isActiveOwner = (m: Membership) => m.role === 'owners' && m.state === 'member';
const isOrganization = (resource: string) => !resource.includes('/');
const ATTEMPTS = 8;
// Exponential backoff with full jitter: two writers that keep colliding on a
// slow (busy) store drift apart instead of exhausting their attempts together.
const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * 2 ** attempt));

/**
 * Writes `change(current)` to the membership of `memberId` in `resource`, reading
 * it afresh on every attempt; `change` may throw to refuse (it is asked again
 * after a conflict, about the newer version). Refuses with a ConflictError a
 * change that would leave an organisation without an owner.
 */
export async function changeMembership(
  deps: AccountsDeps, resource: string, memberId: string, change: (current: Membership) => Membership,
): Promise<Membership> {
  for (let attempt = 1; ; attempt++) {
    // 1. The target, as it is now.
    const current = await deps.store.getMembership(resource, memberId);
    if (!current) throw new NotFoundError(`${memberId} has no membership of ${resource}`);
    const next: Membership = { ...change(current), resource, memberId, updatedAt: nextUpdatedAt(deps.clock, current.updatedAt) };
    try {
      if (isOrganization(resource) && isActiveOwner(current) && !isActiveOwner(next)) {
        // 2. Another owner to stay behind.
        const others = (await allMembershipsOf(deps, resource)).filter((m) => m.memberId !== memberId && isActiveOwner(m));
        if (others.length === 0) {
          throw new LastOwnerError(`${memberId} is the last owner of ${resource}: make someone else an owner first`);
        }
        const witness = others[Math.floor(Math.random() * others.length)];
        // 3. Touch it, proving it is still an owner now.
        await deps.store.updateMembership({ ...witness, updatedAt: nextUpdatedAt(deps.clock, witness.updatedAt) }, witness.updatedAt);
      }
      // 4. The change itself, on the version read at 1.
      await deps.store.updateMembership(next, current.updatedAt);
      return next;
    } catch (error) {
      if (error instanceof LastOwnerError) throw error;
      if (!(error instanceof ConflictError || error instanceof NotFoundError)) throw error;
      if (attempt >= ATTEMPTS) throw new ConflictError(`the memberships of ${resource} kept changing while this change was made; try again`);
      await pause(attempt);
    }
  }
}

/** The 409 for taking away an organisation's last owner. */
export class LastOwnerError extends ConflictError {}
