import { isIPv4, isIPv6 } from 'node:net'
import type { MemberRecord } from './types'

/**
 * Bans one room keeps at once. An owner removes members at most as fast as
 * it may send frames, and each ban ends after `LIMITS.kickBanMs`; past the
 * cap the ban that ends soonest goes, so a room's bans stay bounded.
 */
export const MAX_BANS_PER_ROOM = 1000

/**
 * What a removal bans: the member's token (its hash), its seat (its member
 * id, which a private room's seat keeps across tokens) and the browser it
 * joined from (the hash of the page's browser id), so that neither the same
 * member nor a new name from the same browser gets back in. The network it
 * joined from (`addressHash`) only when the owner chose to block it: a plain
 * removal must not lock out everyone behind the same NAT.
 */
export function banKeysOf(member: MemberRecord, blockNetwork = false): string[] {
  return [
    `t:${member.tokenHash}`,
    `m:${member.id}`,
    ...(member.browserHash ? [`b:${member.browserHash}`] : []),
    ...(blockNetwork && member.addressHash ? [`n:${member.addressHash}`] : []),
  ]
}

/** What a join is checked against for a ban of the member itself: its token, its seat and its browser, hashed as banKeysOf hashes them. */
export function memberBanKeys(tokenHash: string | undefined, browserHash: string | undefined, seatId?: string): string[] {
  return [
    ...(tokenHash ? [`t:${tokenHash}`] : []),
    ...(seatId ? [`m:${seatId}`] : []),
    ...(browserHash ? [`b:${browserHash}`] : []),
  ]
}

/** What a join is checked against for a network the owner blocked. */
export function networkBanKey(networkHash: string): string {
  return `n:${networkHash}`
}

/**
 * The network an address belongs to, as a block bans it: an IPv4 address
 * itself (an office or a school shares one behind NAT), or the /64 of an
 * IPv6 address (one home or one phone gets a whole /64, so one address of it
 * would be no block at all). An IPv4-mapped IPv6 address is its IPv4 one.
 */
export function networkOf(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  if (mapped) return mapped[1]!
  if (isIPv4(address) || !isIPv6(address)) return address
  const [head = '', tail = ''] = address.toLowerCase().split('::')
  const left = head ? head.split(':') : []
  const right = address.includes('::') ? (tail ? tail.split(':') : []) : []
  const groups = address.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left
  return `${groups.slice(0, 4).map(group => group.replace(/^0+(?=.)/, '')).join(':')}::/64`
}

/**
 * Adds bans to a room's key -> until map, after dropping those that ended;
 * returns the keys dropped, ended or past the cap, for a store that mirrors
 * the map on disk.
 */
export function addBans(bans: Map<string, number>, keys: string[], until: number, now: number): string[] {
  const dropped: string[] = []
  for (const [key, ends] of bans) {
    if (ends <= now) {
      bans.delete(key)
      dropped.push(key)
    }
  }
  for (const key of keys) bans.set(key, Math.max(until, bans.get(key) ?? 0))
  if (bans.size > MAX_BANS_PER_ROOM) {
    const soonest = [...bans].sort((a, b) => a[1] - b[1]).slice(0, bans.size - MAX_BANS_PER_ROOM)
    for (const [key] of soonest) {
      bans.delete(key)
      dropped.push(key)
    }
  }
  return dropped
}

/** The latest end of a ban on any of the keys, or 0 when none holds at `now`. */
export function bannedUntil(bans: ReadonlyMap<string, number> | undefined, keys: string[], now: number): number {
  let until = 0
  for (const key of keys) {
    const ends = bans?.get(key) ?? 0
    if (ends > now && ends > until) until = ends
  }
  return until
}
