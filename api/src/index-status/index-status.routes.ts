// A repository's index status, under the management API:
//
//   GET  /api/v1/repositories/{account}/{repository}/index          the status (JSON)
//   GET  /api/v1/repositories/{account}/{repository}/index/events   the same as server-sent events, live
//   POST /api/v1/repositories/{account}/{repository}/reindex        read every file again (202)
//
// Who sees what is the access rule's: anyone who may read the repository sees
// its state, counts, times and progress; those allowed repository:read_index_report
// (maintainers and up) also see the validation report — every problem with its
// path — and why a crawl failed, which name files and paths a reader of a
// published repository could otherwise not list. repository:reindex asks for a
// full crawl.
//
// The events come from the index state, polled once a second: a crawl writes its
// progress there at most that often (indexer/src/crawl/progress-writer.ts), and
// it is shared by every process, so the events are the same whether the crawl
// runs inside this process or on an indexer elsewhere.
import { createSession } from 'better-sse';
import { Router, type Request } from 'express';
import { decide, type Caller } from '@meridian/core/access/access-rule';
import type { Repository } from '@meridian/core/accounts/accounts.types';
import type { IndexStatus } from '@meridian/core/index-state/index-state.port';
import { readRepository } from '@meridian/core/repositories/repositories.service';
import type { AccountsApiDeps } from '../accounts/accounts-api-deps.ts';
import { callerOf } from '../accounts/authentication.ts';

const POLL_MS = 1000;

/** What the caller may see of the status; a repository never crawled is `queued` with nothing counted. */
export function statusView(repository: Repository, status: IndexStatus | undefined, caller: Caller) {
  const { accountId, repositoryId } = repository;
  const s: IndexStatus = status ?? { accountId, repositoryId, state: 'queued', counts: { seen: 0, indexed: 0, invalid: 0, failed: 0 }, problems: [], problemCount: 0, updatedAt: repository.createdAt };
  const report = decide(caller, 'repository:read_index_report', repository).allowed;
  return {
    repository: `${accountId}/${repositoryId}`,
    state: s.state,
    counts: s.counts,
    ...(s.progress ? { progress: s.progress } : {}),
    ...(s.startedAt ? { startedAt: s.startedAt } : {}),
    ...(s.finishedAt ? { lastCrawledAt: s.finishedAt } : {}),
    reindexRequested: s.reindexRequested === true,
    problemCount: s.problemCount,
    ...(report ? { problems: s.problems, ...(s.error ? { error: s.error } : {}) } : {}),
    updatedAt: s.updatedAt,
  };
}

export function indexStatusRoutes(deps: AccountsApiDeps): Router {
  const router = Router();
  const core = { store: deps.metadata, clock: deps.clock };
  const target = (req: Request) => readRepository(core, callerOf(req), req.params.account, req.params.repository);

  router.get('/repositories/:account/:repository/index', async (req, res) => {
    const repository = await target(req);
    res.json(statusView(repository, await deps.indexState.getStatus(repository.accountId, repository.repositoryId), callerOf(req)));
  });

  router.get('/repositories/:account/:repository/index/events', async (req, res) => {
    const repository = await target(req);
    const caller = callerOf(req);
    const session = await createSession(req, res, { keepAlive: 15_000, retry: 2000 });
    let last: string | undefined;
    let polling = false;
    const poll = async () => {
      if (polling || !session.isConnected) return;
      polling = true;
      try {
        // Access may change while the stream is open (a member removed, the repository hidden): asked again each time.
        const current = await readRepository(core, caller, repository.accountId, repository.repositoryId);
        const view = statusView(current, await deps.indexState.getStatus(current.accountId, current.repositoryId), caller);
        const shown = JSON.stringify(view);
        if (shown !== last) {
          last = shown;
          session.push(view, 'status');
        }
      } catch (error) {
        req.log?.info({ err: error }, 'index events stopped');
        res.end();
      } finally {
        polling = false;
      }
    };
    const timer = setInterval(() => void poll(), POLL_MS);
    session.once('disconnected', () => clearInterval(timer));
    await poll();
  });

  router.post('/repositories/:account/:repository/reindex', async (req, res) => {
    const caller = callerOf(req);
    const repository = await readRepository(core, caller, req.params.account, req.params.repository, 'repository:reindex');
    await deps.indexState.requestReindex(repository.accountId, repository.repositoryId, new Date(deps.clock()).toISOString());
    await deps.indexing.requestCrawl(repository.accountId, repository.repositoryId);
    res.status(202).json(statusView(repository, await deps.indexState.getStatus(repository.accountId, repository.repositoryId), caller));
  });
  return router;
}
