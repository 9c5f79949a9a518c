import type { IncomingMessage } from 'node:http';
import type { AccountView } from '@meridian/core/accounts/account-views';
import type { ApiClient } from '#lib/server/api-client.ts';
import type { WEB_CONTEXT, WebContext } from '#lib/server/web-context.ts';
import type { Theme } from '#lib/theme.ts';

declare global {
  namespace App {
    interface Locals {
      /** The management and STAC APIs, called as the signed-in user (or anonymously). */
      api: ApiClient;
      /** The signed-in person, when there is one. */
      account: AccountView | undefined;
      context: WebContext;
      theme: Theme;
    }
    interface Platform {
      req: IncomingMessage & { [WEB_CONTEXT]?: WebContext };
    }
    interface Error {
      /** Quoted when reporting an unexpected error. */
      requestId?: string;
    }
  }
}

export {};
