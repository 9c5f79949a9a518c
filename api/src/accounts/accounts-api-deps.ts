import type { Request } from 'express';
import type { Clock } from '@meridian/core/accounts/accounts-context';
import type { AccountView } from '@meridian/core/accounts/account-views';
import type { AvatarStorage } from '@meridian/core/accounts/avatar-storage';
import type { CatalogIndex } from '@meridian/core/catalog-index/catalog-index.port';
import type { SessionSettings } from '@meridian/core/accounts/sessions.service';
import type { Config } from '@meridian/core/config/config';
import type { Indexing } from '@meridian/core/index-state/crawl-request';
import type { IndexStateStore } from '@meridian/core/index-state/index-state.port';
import type { DataConnection } from '@meridian/core/accounts/accounts.types';
import type { MetadataStore } from '@meridian/core/metadata-store/metadata-store.port';
import type { ObjectStore } from '@meridian/core/object-store/object-store.port';
import { baseUrl } from '../http/base-url.ts';

/** What the management API's account routes receive. */
export interface AccountsApiDeps {
  config: Config;
  metadata: MetadataStore;
  avatars: AvatarStorage;
  clock: Clock;
  /** The catalog index: every repository is a STAC collection in it. */
  catalog: CatalogIndex;
  /** A repository's files: the data proxy and the files listing read them through it. */
  openStore: OpenRepositoryStore;
  /** Asks the indexer to crawl a repository (repository changes, reindex requests). */
  indexing: Indexing;
  /** What the indexer knows of each repository: the index status routes read it. */
  indexState: IndexStateStore;
}

/** Opens a repository's files: its data connection's store, scoped to the repository's prefix. */
export type OpenRepositoryStore = (connection: DataConnection, prefix: string) => ObjectStore;

export const coreDeps = (deps: AccountsApiDeps) => ({ store: deps.metadata, clock: deps.clock, avatars: deps.avatars });

export function sessionSettings(config: Config): SessionSettings {
  const { sessionTtlHours, signInLimit } = config.accounts;
  return {
    ttlMs: sessionTtlHours * 3_600_000,
    limit: { perEmail: signInLimit.perEmail, perIp: signInLimit.perIp, windowSeconds: signInLimit.windowMinutes * 60 },
  };
}

export const accountPath = (id: string) => `/api/v1/accounts/${id}`;

/** An account as JSON: its view, with the avatar as a URL. */
export function accountJson(req: Request, deps: AccountsApiDeps, view: AccountView) {
  const { hasAvatar, ...rest } = view;
  return hasAvatar ? { ...rest, avatarUrl: `${baseUrl(req, deps.config.publicUrl)}${accountPath(view.id)}/avatar` } : rest;
}
