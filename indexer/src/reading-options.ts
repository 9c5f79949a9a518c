// What the indexer's readers take from the configuration (core/src/config):
// the offline schema cache and the read cap, handed to the walker and extractors.
import type { Config } from '@meridian/core/config/config';
import { createStacValidator, type StacValidator } from './validate/stac-validator.ts';

export interface ReadingOptions {
  validator: StacValidator;
  readCap: number;
}

export function readingOptions(config: Pick<Config, 'indexer'>): ReadingOptions {
  const { stacSchemaDir, maxReadBytes } = config.indexer;
  return { validator: createStacValidator(stacSchemaDir ? { schemaDir: stacSchemaDir } : {}), readCap: maxReadBytes };
}
