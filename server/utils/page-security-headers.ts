/**
 * The headers of every HTML page (docs/security.md#pages). Styles allow
 * 'unsafe-inline' because Vue binds `style` attributes and the emoji picker
 * builds its styles in its shadow root; scripts never do.
 */
export function pageSecurityHeaders(nonce: string): Record<string, string> {
  const policy = [
    `default-src 'self'`,
    `script-src 'self' 'nonce-${nonce}'`,
    `style-src 'self' 'unsafe-inline'`,
    // blob: for previews of files not yet sent and recorded voice clips.
    `img-src 'self' blob: data:`,
    `media-src 'self' blob:`,
    `connect-src 'self'`,
    `font-src 'self'`,
    `object-src 'none'`,
    `base-uri 'none'`,
    `form-action 'self'`,
    `frame-ancestors 'none'`,
  ].join('; ')
  return {
    'content-security-policy': policy,
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
  }
}
