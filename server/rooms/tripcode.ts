import type { ErrorCode } from '../../shared/protocol'
import { looksTripcoded } from './name-keys'
import { isRefusal } from './password-hashing'
import type { PasswordHashing } from './password-hashing'
import type { MemberRecord, RoomStore } from './types'

export type ShownName
  = | { name: string, tripcoded: boolean }
    | { code: ErrorCode, message: string, retryAfterMs?: number }

/**
 * The name a join shows. `name#secret` shows as `name !tripcode` (the
 * secret's slow hash, as hack.chat does): the secret is never stored or
 * shown, and the same secret shows the same tripcode everywhere. A plain
 * name that looks like a tripcoded one is refused, so a tripcode cannot be
 * forged by typing it.
 */
export async function shownName(asked: string, address: string, now: number, hashing: PasswordHashing): Promise<ShownName> {
  const cut = asked.indexOf('#')
  const base = (cut < 0 ? asked : asked.slice(0, cut)).trim()
  if (looksTripcoded(base)) return { code: 'BAD_REQUEST', message: 'a name may not end like a tripcode (" !" and 8 characters); join as name#secret to show one' }
  if (cut < 0) return { name: asked, tripcoded: false }
  const secret = asked.slice(cut + 1)
  if (base === '' || secret === '') return { code: 'BAD_REQUEST', message: 'a tripcode join is name#secret, neither part empty' }
  const tripcode = await hashing.tripcode(address, secret, now)
  if (isRefusal(tripcode)) return tripcode
  return { name: `${base} !${tripcode}`, tripcoded: true }
}

/**
 * The member a tripcoded join proves to be: the holder of its name showing
 * the same tripcode, who gets the join's new token (its old one stops
 * working) and stays itself, with its id and ownership. Undefined when the
 * name is held by anyone else, or without a tripcode.
 */
export async function reclaimMember(store: RoomStore, roomId: string, shown: string, tokenHash: string): Promise<MemberRecord | undefined> {
  const holder = (await store.listMembers(roomId)).find(member => member.name === shown)
  return holder && await store.replaceToken(roomId, holder.id, tokenHash)
}
