// Writes collections and items into a running Meridian through its STAC
// transaction API, in batches, keeping every per-item error it is told about.
import type { StacCollection, StacItem } from '@meridian/core/stac/stac-types';

export interface LoadError {
  source: string;
  message: string;
}

export class StacWriter {
  readonly #stac: string;
  readonly #token: string;

  constructor(stacUrl: string, token: string) {
    this.#stac = stacUrl.replace(/\/$/, '');
    this.#token = token;
  }

  async #send(method: string, path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    let response: Response;
    try {
      response = await fetch(`${this.#stac}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.#token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    } catch (error) {
      throw new Error(`cannot reach Meridian at ${this.#stac}: ${(error as Error).cause ?? (error as Error).message}. Is it running (npm start)?`);
    }
    const text = await response.text();
    const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (response.status === 401) throw new Error(`Meridian refused the admin token (${String(json.description ?? '')})`);
    return { status: response.status, json };
  }

  /** Creates the collection, or replaces it when it exists already. */
  async putCollection(collection: StacCollection): Promise<string | undefined> {
    let { status, json } = await this.#send('POST', '/collections', collection);
    if (status === 409) ({ status, json } = await this.#send('PUT', `/collections/${encodeURIComponent(collection.id)}`, collection));
    return status < 300 ? undefined : String(json.description ?? `HTTP ${status}`);
  }

  /** Writes one batch of items of one collection; returns the errors, by position in the batch. */
  async putItems(collectionId: string, items: StacItem[]): Promise<{ written: number; errors: { index: number; message: string }[] }> {
    const { status, json } = await this.#send('POST', `/collections/${encodeURIComponent(collectionId)}/items`, { type: 'FeatureCollection', features: items });
    if (Array.isArray(json.errors)) return { written: Number(json.written ?? 0), errors: json.errors as { index: number; message: string }[] };
    if (status >= 300) return { written: 0, errors: items.map((_, index) => ({ index, message: String(json.description ?? `HTTP ${status}`) })) };
    return { written: Number(json.written ?? items.length), errors: [] };
  }
}
