import { describe, expect, it } from 'vitest'
import { addressGroup, clientAddress, TrustedProxies } from '../../server/transport/client-address'

const none = new TrustedProxies('')
const proxy = new TrustedProxies('10.0.0.1, 192.168.0.0/16, fd00::/8')

describe('clientAddress', () => {
  it('is the peer when nobody is trusted, whatever the headers say', () => {
    expect(clientAddress('198.51.100.4', { 'x-forwarded-for': '203.0.113.1' }, none)).toBe('198.51.100.4')
    expect(clientAddress('::ffff:198.51.100.4', {}, none)).toBe('198.51.100.4')
  })

  it('behind a trusted proxy is the right-most forwarded entry that is not a proxy', () => {
    expect(clientAddress('10.0.0.1', { 'x-forwarded-for': '203.0.113.1' }, proxy)).toBe('203.0.113.1')
    expect(clientAddress('10.0.0.1', { 'x-forwarded-for': '6.6.6.6, 203.0.113.1, 192.168.4.4' }, proxy)).toBe('203.0.113.1')
    expect(clientAddress('::ffff:10.0.0.1', { 'x-forwarded-for': '203.0.113.1' }, proxy)).toBe('203.0.113.1')
  })

  it('reads RFC 7239 Forwarded, quoted IPv6 with a port included', () => {
    expect(clientAddress('10.0.0.1', { forwarded: 'for=203.0.113.9;proto=https' }, proxy)).toBe('203.0.113.9')
    expect(clientAddress('10.0.0.1', { forwarded: 'for="[2001:db8::1]:4711", for=192.168.1.1' }, proxy)).toBe('2001:db8:0:0::/64')
  })

  it('falls back to the peer when a proxy sent no usable header', () => {
    expect(clientAddress('10.0.0.1', {}, proxy)).toBe('10.0.0.1')
    expect(clientAddress('10.0.0.1', { 'x-forwarded-for': 'garbage' }, proxy)).toBe('10.0.0.1')
  })

  it('refuses a malformed NUXT_TRUSTED_PROXIES entry by name', () => {
    expect(() => new TrustedProxies('10.0.0.1, proxy.local')).toThrow(/proxy\.local/)
  })
})

describe('addressGroup', () => {
  it('groups IPv6 by /64, however the address is written', () => {
    expect(addressGroup('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64')
    expect(addressGroup('2001:DB8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64')
    expect(addressGroup('2001:db8::1')).toBe('2001:db8:0:0::/64')
    expect(addressGroup('::1')).toBe('0:0:0:0::/64')
    expect(addressGroup('64:ff9b::1.2.3.4')).toBe('64:ff9b:0:0::/64')
  })

  it('keeps IPv4 addresses apart', () => {
    expect(addressGroup('203.0.113.1')).toBe('203.0.113.1')
  })
})
