// Sign-in and sign-out happen at the API, which answers with Set-Cookie; the page's
// server code passes those cookies on to the browser unchanged (name, value,
// expiry, HttpOnly, SameSite, Secure), since the browser never talked to the API.
import type { Cookies } from '@sveltejs/kit';
import { parse } from 'set-cookie-parser';

type SameSite = 'lax' | 'strict' | 'none';

export function relayCookies(response: Response, cookies: Cookies): void {
  for (const cookie of parse(response.headers.getSetCookie())) {
    const sameSite = cookie.sameSite?.toLowerCase() as SameSite | undefined;
    cookies.set(cookie.name, cookie.value, {
      path: cookie.path ?? '/',
      httpOnly: cookie.httpOnly ?? false,
      secure: cookie.secure ?? false,
      sameSite: sameSite ?? 'lax',
      ...(cookie.expires ? { expires: cookie.expires } : {}),
      ...(cookie.maxAge !== undefined ? { maxAge: cookie.maxAge } : {}),
    });
  }
}
