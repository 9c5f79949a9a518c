// The HTTP application. Everything it talks to arrives as an argument.
import { randomUUID } from 'node:crypto';
import cors from 'cors';
import express, { type Express, type RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { Clock } from '@meridian/core/accounts/accounts-context';
import type { AvatarStorage } from '@meridian/core/accounts/avatar-storage';
import { DynamoDbIndexStateStore } from '@meridian/core/index-state/dynamodb.index-state-store';
import { requestCrawl } from '@meridian/core/index-state/crawl-request';
import type { IndexStateStore } from '@meridian/core/index-state/index-state.port';
import { InProcessJobQueue } from '@meridian/core/job-queue/in-process.job-queue';
import type { JobQueue } from '@meridian/core/job-queue/job-queue.port';
import { withoutUrlSignature, type Logger } from '@meridian/core/logging/logger';
import type { MetadataStore } from '@meridian/core/metadata-store/metadata-store.port';
import { authenticate } from './accounts/authentication.ts';
import type { OpenRepositoryStore } from './accounts/accounts-api-deps.ts';
import { managementApi } from './accounts/management-api.ts';
import { dataProxyRoutes } from './data-proxy/data-proxy.routes.ts';
import { errorHandler, notFound } from './http/errors.ts';
import { aggregationRoutes } from './stac/aggregation.routes.ts';
import { landingRoutes } from './stac/landing.routes.ts';
import { queryablesRoutes } from './stac/queryables.routes.ts';
import { searchRoutes } from './stac/search.routes.ts';
import type { StacDeps } from './stac/stac-context.ts';
import { transactionRoutes } from './stac/transaction.routes.ts';

export interface AppDeps extends StacDeps {
  logger: Logger;
  /** Accounts, sessions and everything else the management API keeps. */
  metadata: MetadataStore;
  /** Where avatar images live. */
  avatars: AvatarStorage;
  /** Where each repository's files live (its data connection's store, scoped to its prefix). */
  openStore: OpenRepositoryStore;
  /** Epoch milliseconds; default Date.now (tests move it). */
  clock?: Clock;
  /** The web app (web/web-app.ts), answering every path the APIs do not; without it `/` redirects to the STAC API. */
  web?: RequestHandler;
  /** Where the data proxy queues repository-changed jobs and repositories ask for crawls; default an in-process queue. */
  jobs?: JobQueue;
  /** The indexer's state (index status routes); default the one in the metadata store's DynamoDB. */
  indexState?: IndexStateStore;
}

const REQUEST_ID = /^[\w.-]{1,128}$/;

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(pinoHttp({
    logger: deps.logger,
    serializers: { req: withoutUrlSignature },
    genReqId: (req, res) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
  }));

  const jobs = deps.jobs ?? new InProcessJobQueue({ logger: deps.logger });
  // A repository change stands when the crawl cannot be queued (Redis away): logged, and crawled at the next change, schedule or reindex request.
  const indexing = {
    requestCrawl: (accountId: string, repositoryId: string) => requestCrawl(jobs, accountId, repositoryId)
      .catch((error: unknown) => deps.logger.error({ err: error, repository: `${accountId}/${repositoryId}` }, 'could not queue a crawl')),
  };
  const indexState = deps.indexState ?? new DynamoDbIndexStateStore(deps.metadata as unknown as ConstructorParameters<typeof DynamoDbIndexStateStore>[0]);
  const accounts = {
    config: deps.config, metadata: deps.metadata, avatars: deps.avatars, clock: deps.clock ?? Date.now, catalog: deps.catalog, openStore: deps.openStore, indexing, indexState,
  };
  const stac = express.Router();
  // STAC APIs are read from browsers on other origins (STAC Browser, notebooks).
  stac.use(cors({ exposedHeaders: ['Location', 'X-Request-Id'] }));
  // Signed-in callers see what the access rule lets them; everyone else what is public.
  stac.use(authenticate(accounts));
  stac.use(landingRoutes(deps));
  stac.use(transactionRoutes(deps));
  stac.use(express.json({ limit: '1mb', type: ['application/json', 'application/geo+json'] }));
  stac.use(searchRoutes(deps));
  stac.use(queryablesRoutes(deps));
  stac.use(aggregationRoutes(deps));
  app.use('/stac', stac);

  app.use('/api/v1', managementApi(accounts));
  app.use('/data', dataProxyRoutes({ ...accounts, jobs }));

  if (deps.web) app.use(deps.web);
  else app.get('/', (_req, res) => res.redirect('/stac/'));
  app.use(notFound);
  app.use(errorHandler);
  return app;
}
