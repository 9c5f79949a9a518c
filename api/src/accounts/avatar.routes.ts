// Avatar images at /api/v1/accounts/{id}/avatar: PUT the image bytes, GET them back.
import { Router, type Request, type Response } from 'express';
import { accountView } from '@meridian/core/accounts/account-views';
import { getAvatar, MAX_AVATAR_BYTES, setAvatar } from '@meridian/core/accounts/avatar.service';
import { ValidationError } from '@meridian/core/errors';
import { accountJson, coreDeps, type AccountsApiDeps } from './accounts-api-deps.ts';
import { callerOf } from './authentication.ts';

const tooLarge = (size: number) => new ValidationError(`the avatar is too large: at most ${MAX_AVATAR_BYTES} bytes (1 MiB), got ${size}`);

/**
 * The request body, at most `max` bytes. A body that declares a larger length is
 * refused before it is read, and the connection closed after the answer; one
 * that turns out larger (chunked) is refused as soon as it passes `max`.
 */
async function readBody(req: Request, res: Response, max: number): Promise<Buffer> {
  const declared = Number(req.get('content-length'));
  if (declared > max) {
    res.set('Connection', 'close');
    throw tooLarge(declared);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > max) {
      res.set('Connection', 'close');
      throw new ValidationError(`the avatar is too large: at most ${max} bytes (1 MiB)`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export function avatarRoutes(deps: AccountsApiDeps): Router {
  const router = Router();
  router.put('/accounts/:id/avatar', async (req, res) => {
    const caller = callerOf(req);
    const account = await setAvatar(coreDeps(deps), caller, req.params.id, () => readBody(req, res, MAX_AVATAR_BYTES));
    res.json(accountJson(req, deps, accountView(account, caller)));
  });
  router.get('/accounts/:id/avatar', async (req, res) => {
    const image = await getAvatar(coreDeps(deps), callerOf(req), req.params.id);
    res.set({
      'Content-Type': image.type,
      'Cache-Control': 'public, max-age=300',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'",
    });
    res.send(image.bytes);
  });
  return router;
}
