import type { ServerResponse } from 'node:http';

/** Security headers of every response of the HTTP front (OWASP secure headers). */
export interface SecurityHeadersOptions {
  /** `Strict-Transport-Security: max-age=…` when set (behind TLS only); absent by default. */
  hstsMaxAgeSeconds?: number;
}

/** For everything that is not a page (JSON, metrics text): load nothing, frame nothing. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * For pages served by extra routes (the explorer): scripts, styles and data from the same origin
 * only. A route that needs another policy sets its own `Content-Security-Policy` header.
 */
export const PAGE_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // Editors set style attributes; styles cannot run code.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

export function setSecurityHeaders(response: ServerResponse, options: SecurityHeadersOptions = {}): void {
  response.setHeader('x-content-type-options', 'nosniff');
  response.setHeader('referrer-policy', 'no-referrer');
  response.setHeader('x-frame-options', 'DENY');
  response.setHeader('cross-origin-opener-policy', 'same-origin');
  response.setHeader('content-security-policy', API_CONTENT_SECURITY_POLICY);
  if (options.hstsMaxAgeSeconds) response.setHeader('strict-transport-security', `max-age=${options.hstsMaxAgeSeconds}; includeSubDomains`);
}
