import { describe, expect, it } from 'vitest'
import { networkOf } from '../../server/rooms/bans'

describe('networkOf: what a network block bans', () => {
  it('an IPv4 address is its own network, and an IPv4-mapped IPv6 address is its IPv4 one', () => {
    expect(networkOf('203.0.113.7')).toBe('203.0.113.7')
    expect(networkOf('::ffff:203.0.113.7')).toBe('203.0.113.7')
  })

  it('an IPv6 address is its /64, however it is written', () => {
    expect(networkOf('2001:db8:1:2::7')).toBe('2001:db8:1:2::/64')
    expect(networkOf('2001:0db8:0001:0002:abcd:0:0:1')).toBe('2001:db8:1:2::/64')
    expect(networkOf('2001:DB8:1:2:FFFF::')).toBe('2001:db8:1:2::/64')
    expect(networkOf('2001:db8::1')).toBe('2001:db8:0:0::/64')
    expect(networkOf('::1')).toBe('0:0:0:0::/64')
    expect(networkOf('2001:db8:1:3::1')).not.toBe(networkOf('2001:db8:1:2::1'))
  })

  it('anything else (a proxy\'s label, "unknown") is kept as it is', () => {
    expect(networkOf('unknown')).toBe('unknown')
  })
})
