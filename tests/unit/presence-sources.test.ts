import { describe, expect, it } from 'vitest'
import { LocalLiveness } from '../../server/rooms/presence/local-liveness'
import { PeerPresence } from '../../server/rooms/presence/peer-presence'

describe('what this process holds of its own members', () => {
  it('a ping turns a member active once; it lapses after the window and comes back with the next ping', () => {
    const local = new LocalLiveness()
    expect(local.arrived('r', 'a', 'Ada', 0)).toBe(true)
    // The join was told to the store; the first ping is the one it has not heard of.
    expect(local.heard('r', 'a', 'Ada', 100)).toEqual({ became: false, first: true })
    expect(local.heard('r', 'a', 'Ada', 200)).toEqual({ became: false, first: false })
    expect(local.lapse(150)).toEqual([])
    expect(local.lapse(201)).toEqual([['r', 'a']])
    expect(local.isActive('r', 'a')).toBe(false)
    expect(local.lapse(300)).toEqual([])
    expect(local.heard('r', 'a', 'Ada', 400)).toEqual({ became: true, first: false })
  })

  it('away holds until the next ping; a release forgets the member and says what it held', () => {
    const local = new LocalLiveness()
    local.heard('r', 'a', 'Ada', 0)
    expect(local.away('r', 'a')).toBe(true)
    expect(local.away('r', 'a')).toBe(false)
    expect(local.activeIds('r')).toEqual([])
    local.heard('r', 'a', 'Ada', 10)
    expect(local.release('r', 'a')).toMatchObject({ name: 'Ada', active: true })
    expect(local.release('r', 'a')).toBeUndefined()
    expect([...local.roomIds()]).toEqual([])
  })

  it('lists those heard since a time, for the store\'s slow last-seen', () => {
    const local = new LocalLiveness()
    local.heard('r', 'a', 'Ada', 10)
    local.heard('r', 'b', 'Bob', 50)
    expect(local.heardSince('r', 20)).toEqual(['b'])
  })
})

describe('what the other processes say', () => {
  it('a member is online while any peer holds it, and a peer that falls silent takes only its own word with it', () => {
    const peers = new PeerPresence()
    expect(peers.set('r', 'a', 'one', true)).toBe(true)
    expect(peers.set('r', 'a', 'two', true)).toBe(false)
    expect(peers.set('r', 'b', 'two', true)).toBe(true)
    expect(peers.dropPeer('two')).toEqual([['r', 'b']])
    expect(peers.isActive('r', 'a')).toBe(true)
    expect(peers.isActive('r', 'b')).toBe(false)
    expect(peers.set('r', 'a', 'one', false)).toBe(true)
    expect(peers.isActive('r', 'a')).toBe(false)
  })

  it('an announcement replaces what the peer said before in that room', () => {
    const peers = new PeerPresence()
    peers.set('r', 'a', 'one', true)
    peers.set('r', 'b', 'one', true)
    expect(peers.replace('r', 'one', ['b', 'c']).sort()).toEqual(['a', 'c'])
    expect(['a', 'b', 'c'].map(id => peers.isActive('r', id))).toEqual([false, true, true])
  })
})
