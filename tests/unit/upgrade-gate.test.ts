import type { IncomingMessage } from 'node:http'
import { describe, expect, it } from 'vitest'
import { TrustedProxies } from '../../server/transport/client-address'
import { judgeUpgrade } from '../../server/transport/upgrade-gate'

const options = { path: '/ws', allowedOrigins: [], requireOrigin: false, publicOrigin: '', trustedProxies: new TrustedProxies('') }

function upgrade(url: string, headers: Record<string, string>, remoteAddress = '127.0.0.1'): IncomingMessage {
  return { url, headers, socket: { remoteAddress } } as unknown as IncomingMessage
}

describe('judgeUpgrade', () => {
  it('admits /ws from the app\'s own origin, on either scheme behind a TLS proxy, and names the client', () => {
    expect(judgeUpgrade(upgrade('/ws', { host: 'chat.test', origin: 'http://chat.test' }), options)).toEqual({ ok: true, address: '127.0.0.1' })
    expect(judgeUpgrade(upgrade('/ws?x=1', { host: 'chat.test', origin: 'https://chat.test' }), options)).toMatchObject({ ok: true })
  })

  it.each(['/', '/WS', '/ws/', '/api/health', '/_nuxt/x'])('refuses %s with 404', (path) => {
    expect(judgeUpgrade(upgrade(path, { host: 'chat.test', origin: 'http://chat.test' }), options)).toMatchObject({ ok: false, status: 404 })
  })

  it('with a public origin, the Host header no longer decides what "our own" is', () => {
    const guarded = { ...options, publicOrigin: 'https://chat.example' }
    expect(judgeUpgrade(upgrade('/ws', { host: 'evil.test', origin: 'http://evil.test' }), guarded)).toMatchObject({ ok: false, status: 403, code: 'ORIGIN_NOT_ALLOWED' })
    expect(judgeUpgrade(upgrade('/ws', { host: 'evil.test', origin: 'https://chat.example' }), guarded)).toMatchObject({ ok: true })
  })
})
