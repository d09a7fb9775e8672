import type { MemberRecord } from './types'

/**
 * Bans one room keeps at once. An owner removes members at most as fast as
 * it may send frames, and each ban ends after `LIMITS.kickBanMs`; past the
 * cap the ban that ends soonest goes, so a room's bans stay bounded.
 */
export const MAX_BANS_PER_ROOM = 1000

/**
 * What a removal bans: the member's token (its hash), and the client address
 * it joined from (hashed), so that neither the same member nor a new name
 * from the same address gets back in.
 */
export function banKeysOf(member: MemberRecord): string[] {
  return [`t:${member.tokenHash}`, ...(member.addressHash ? [`a:${member.addressHash}`] : [])]
}

/** What a join is checked against: its token (if any) and its address, hashed as banKeysOf hashes them. */
export function joinBanKeys(tokenHash: string | undefined, addressHash: string): string[] {
  return [...(tokenHash ? [`t:${tokenHash}`] : []), `a:${addressHash}`]
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
