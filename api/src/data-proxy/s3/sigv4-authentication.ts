// SigV4 → caller. A request under /data signed with an API key's access key id
// and secret (in the Authorization header or as a presigned URL) is verified
// here and, when good, gets the caller of that key exactly as a bearer API key
// would (the account, its memberships, the key's repository scope), so that
// every data-proxy route — reads and writes alike — asks the access rule about
// the same caller. A request that carries SigV4 and fails it is refused with
// S3's error; it never falls back to anonymous. Requests without SigV4 pass on
// to the session and bearer authenticator.
//
// The key is read on every request, so revoking it, letting it expire or
// disabling its account takes effect on the very next one. The secret is used
// to compute signatures and then dropped: only the derived signing key of a
// signed-chunk upload lives on, for the length of that request. Neither the
// secret nor a signature is ever logged.
import type { Request, RequestHandler } from 'express';
import { loadCaller } from '@meridian/core/accounts/account-access';
import { checkAccessKey } from '@meridian/core/api-keys/api-key-auth';
import { setApiKeyAuthentication } from '../../accounts/authentication.ts';
import { secretDeps } from '../../http/secret-deps.ts';
import type { DataProxyDeps } from '../data-target.ts';
import { S3Error } from '../s3-error.ts';
import { carriesSigV4, parseSigV4, receivedRequest, type ReceivedRequest, type SigV4Claim } from './sigv4-request.ts';
import { chunkSigning, signatureMatches, type ChunkSigning } from './sigv4-signature.ts';

/** What a verified SigV4 request carries on to the routes that read its body. */
export interface SigV4Request {
  claim: SigV4Claim;
  received: ReceivedRequest;
  /** For STREAMING-AWS4-HMAC-SHA256-PAYLOAD(-TRAILER) bodies: what their chunk signatures are checked with. */
  chunkSigning?: ChunkSigning;
}

const verified = new WeakMap<Request, SigV4Request>();

/** The request's verified SigV4, when it was signed that way. */
export const sigv4Of = (req: Request): SigV4Request | undefined => verified.get(req);

export function sigv4Authentication(deps: DataProxyDeps): RequestHandler {
  const keys = secretDeps(deps);
  return async (req, _res, next) => {
    const received = receivedRequest(req);
    if (!carriesSigV4(received)) {
      next();
      return;
    }
    const claim = parseSigV4(received, deps.clock());
    const check = await checkAccessKey(keys, claim.accessKeyId);
    if (!check.ok) {
      if (check.problem === 'unreadable') {
        req.log?.warn({ accessKeyId: claim.accessKeyId }, 'an API key\'s secret cannot be opened with the server\'s secret key (SECRET_KEY changed, or DATA_DIR/secret-key replaced?)');
      }
      throw new S3Error('InvalidAccessKeyId', undefined, { details: { AWSAccessKeyId: claim.accessKeyId } });
    }
    if (!(await signatureMatches(claim, received, check.secret, req.baseUrl))) {
      throw new S3Error('SignatureDoesNotMatch', undefined, { details: { AWSAccessKeyId: claim.accessKeyId } });
    }
    const signed = claim.payload.kind === 'chunked' && claim.payload.signed;
    verified.set(req, { claim, received, ...(signed ? { chunkSigning: await chunkSigning(claim, check.secret) } : {}) });
    const caller = await loadCaller(deps.metadata, check.account, check.key);
    setApiKeyAuthentication(req, { method: 'api-key', account: check.account, apiKey: check.key, caller });
    next();
  };
}
