import { redirect } from '@sveltejs/kit';
import type { AccountView } from '@meridian/core/accounts/account-views';

/** The signed-in account; anyone else is sent to sign in, and back here after. */
export function requireAccount(locals: App.Locals, url: URL): AccountView {
  if (!locals.account) redirect(303, `/signin?next=${encodeURIComponent(url.pathname + url.search)}`);
  return locals.account;
}
