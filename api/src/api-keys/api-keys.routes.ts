// API keys at /api/v1/accounts/{id}/api-keys: create (the secret is in this one
// answer only), list, read and revoke. Who may is the access rule's
// 'account:manage_api_keys': the person, an organisation's owners, admins.
import { Router } from 'express';
import { createApiKey, getApiKey, listApiKeys, revokeApiKey } from '@meridian/core/api-keys/api-keys.service';
import { accountPath, type AccountsApiDeps } from '../accounts/accounts-api-deps.ts';
import { callerOf } from '../accounts/authentication.ts';
import { secretDeps } from '../http/secret-deps.ts';

export const apiKeyPath = (accountId: string, accessKeyId: string) => `${accountPath(accountId)}/api-keys/${accessKeyId}`;

export function apiKeysRoutes(deps: AccountsApiDeps): Router {
  const router = Router();
  const keys = secretDeps(deps);
  router.post('/accounts/:id/api-keys', async (req, res) => {
    const { key, secretAccessKey, token } = await createApiKey(keys, callerOf(req), req.params.id, req.body);
    res.status(201).location(apiKeyPath(key.accountId, key.accessKeyId)).json({ ...key, secretAccessKey, token });
  });
  router.get('/accounts/:id/api-keys', async (req, res) => {
    const page = await listApiKeys(keys, callerOf(req), req.params.id, { limit: req.query.limit, cursor: req.query.cursor });
    res.json({ apiKeys: page.items, ...(page.next ? { next: page.next } : {}) });
  });
  router.get('/accounts/:id/api-keys/:accessKeyId', async (req, res) => {
    res.json(await getApiKey(keys, callerOf(req), req.params.id, req.params.accessKeyId));
  });
  router.delete('/accounts/:id/api-keys/:accessKeyId', async (req, res) => {
    await revokeApiKey(keys, callerOf(req), req.params.id, req.params.accessKeyId);
    res.status(204).end();
  });
  return router;
}
