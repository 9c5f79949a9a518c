// Data connections at /api/v1/data-connections: where repositories' bytes live.
// Admins create them; anyone signed in reads them, never with credentials; their
// owners and admins change and delete them (the access rule's data_connection:*).
import { Router } from 'express';
import {
  createDataConnection, deleteDataConnection, getDataConnection, listDataConnections, updateDataConnection,
} from '@meridian/core/data-connections/data-connections.service';
import type { AccountsApiDeps } from '../accounts/accounts-api-deps.ts';
import { callerOf } from '../accounts/authentication.ts';
import { secretDeps } from '../http/secret-deps.ts';

export const dataConnectionPath = (id: string) => `/api/v1/data-connections/${id}`;

export function dataConnectionsRoutes(deps: AccountsApiDeps): Router {
  const router = Router();
  const connections = secretDeps(deps);
  router.post('/data-connections', async (req, res) => {
    const connection = await createDataConnection(connections, callerOf(req), req.body);
    res.status(201).location(dataConnectionPath(connection.id)).json(connection);
  });
  router.get('/data-connections', async (req, res) => {
    const page = await listDataConnections(connections, callerOf(req), { limit: req.query.limit, cursor: req.query.cursor });
    res.json({ dataConnections: page.items, ...(page.next ? { next: page.next } : {}) });
  });
  router.get('/data-connections/:id', async (req, res) => {
    res.json(await getDataConnection(connections, callerOf(req), req.params.id));
  });
  router.patch('/data-connections/:id', async (req, res) => {
    res.json(await updateDataConnection(connections, callerOf(req), req.params.id, req.body));
  });
  router.delete('/data-connections/:id', async (req, res) => {
    await deleteDataConnection(connections, callerOf(req), req.params.id);
    res.status(204).end();
  });
  return router;
}
