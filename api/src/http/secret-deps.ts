import { secretKeyOf } from '@meridian/core/crypto/secret-key';
import type { AccountsApiDeps } from '../accounts/accounts-api-deps.ts';

/**
 * What services that seal or open stored secrets (API keys, data connections)
 * receive: the store, the clock and the server's secret key. The key is resolved
 * when first needed (SECRET_KEY, or DATA_DIR/secret-key, generated then if
 * missing), once per configuration.
 */
export function secretDeps(deps: AccountsApiDeps) {
  return {
    store: deps.metadata,
    clock: deps.clock,
    get secretKey() {
      return secretKeyOf(deps.config);
    },
  };
}
