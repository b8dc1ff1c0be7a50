import type { IncomingHttpHeaders } from 'node:http';

export interface CredentialPolicy {
  key: string | undefined;
  expectedAudience: string | undefined;
}

/** `https://x/.default` and `https://x/` both name the audience `https://x`. */
export function normaliseAudience(value: string): string {
  return value.replace(/\/\.default$/, '').replace(/\/+$/, '');
}

/**
 * True when the request carries an acceptable credential: the key (as `api-key` or a Bearer token), or a Bearer
 * token whose JWT `aud` matches the expected audience and whose `exp` has not passed. Without a key or an
 * expected audience any credential passes, but one must be present, as the service requires.
 */
export function checkCredential(headers: IncomingHttpHeaders, policy: CredentialPolicy): boolean {
  const rawKey = headers['api-key'];
  const apiKey = typeof rawKey === 'string' && rawKey !== '' ? rawKey : undefined;
  const authorization = headers.authorization ?? '';
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
  if (apiKey === undefined && bearer === undefined) return false;
  if (policy.key !== undefined && (apiKey === policy.key || bearer === policy.key)) return true;
  if (bearer === undefined) return policy.key === undefined;
  const claims = decodeJwtPayload(bearer);
  if (claims !== undefined && typeof claims.exp === 'number' && claims.exp * 1000 < Date.now()) return false;
  if (policy.expectedAudience !== undefined) {
    const expected = normaliseAudience(policy.expectedAudience);
    const audiences = Array.isArray(claims?.aud) ? claims.aud : [claims?.aud];
    return audiences.some((aud) => typeof aud === 'string' && normaliseAudience(aud) === expected);
  }
  return policy.key === undefined;
}

function decodeJwtPayload(token: string): Record<string, unknown> | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
