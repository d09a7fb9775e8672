import { randomBytes } from 'node:crypto'
import { PRIVATE_ROOM_PREFIX } from '../../shared/protocol'
import type { MemberPresence } from '../../shared/protocol'
import { SEAT_TOKENS } from './types'
import type { MemberRecord, PrivateRoom, PrivateSeat, RoomRecord, RoomStore } from './types'

/**
 * 128 random bits: the id is never listed, and nobody else can guess it. In
 * hex, since room ids are lower case (a join lower-cases the id it names).
 */
export function newPrivateRoomId(): string {
  return PRIVATE_ROOM_PREFIX + randomBytes(16).toString('hex')
}

/**
 * What a private room is: one per pair of members of its origin room. The
 * pair's key in its origin room, the same for both directions; every store
 * finds a pair's room by it (the in-process stores with the origin's id in
 * front, Redis as a field of the origin room's hash).
 */
export function pairKeyOf(room: PrivateRoom): string {
  return room.seats.map(seat => seat.memberId).sort().join(':')
}

/** The pair's key among all rooms, for a store that indexes every room's pairs in one map. */
export function privatePairKey(room: PrivateRoom): string {
  return `${room.originRoomId}\u0000${pairKeyOf(room)}`
}

/** The private room with the token hashes of `added` appended to its seats, each keeping its newest SEAT_TOKENS. */
export function withSeatTokens(existing: PrivateRoom, added: PrivateRoom): PrivateRoom {
  return {
    ...existing,
    seats: existing.seats.map((seat) => {
      const more = added.seats.find(other => other.memberId === seat.memberId)?.tokenHashes ?? []
      return { ...seat, tokenHashes: [...seat.tokenHashes, ...more].slice(-SEAT_TOKENS) }
    }) as PrivateRoom['seats'],
  }
}

/** The seat a token (its hash) was handed out for; undefined for any other token. */
export function seatOf(room: PrivateRoom, tokenHash: string): PrivateSeat | undefined {
  return room.seats.find(seat => seat.tokenHashes.includes(tokenHash))
}

/**
 * The member a seat token stands for, when it is in the room already (it
 * joined with another token of its seat: a second `dm`, another tab).
 * Undefined for a room that is not private, a token of no seat, or a seat
 * whose member has not joined: that one is admitted as a new member.
 */
export async function seatHolder(store: RoomStore, roomId: string, tokenHash: string): Promise<MemberRecord | undefined> {
  const room = await store.getRoom(roomId)
  const seat = room?.private && seatOf(room.private, tokenHash)
  if (!seat) return undefined
  // A private room has at most two members.
  return (await store.listMembers(roomId)).find(member => member.id === seat.memberId)
}

/** The other member of a private room, by its name there if it has joined, else by its name where the `dm` was asked. */
export function peerOf(room: RoomRecord | undefined, memberId: string, present: (id: string) => MemberPresence | undefined): { id: string, name: string } | undefined {
  const seat = room?.private?.seats.find(candidate => candidate.memberId !== memberId)
  if (!seat) return undefined
  return { id: seat.memberId, name: present(seat.memberId)?.name ?? seat.name }
}
