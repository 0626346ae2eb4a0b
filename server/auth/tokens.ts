/**
 * Random secrets for API tokens and their hashes at rest. A token is `cc_` + 32 random bytes
 * (base64url); only its SHA-256 is stored (a token has full entropy, so a fast hash is enough:
 * there is nothing to brute-force).
 */
import { createHash, randomBytes } from 'node:crypto';

export const TOKEN_PREFIX = 'cc_';

export function newApiToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
