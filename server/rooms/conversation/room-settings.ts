import { LIMITS } from '../../../shared/protocol'

/** What the owner sets of a room's conversation: slow mode and pins. */
export interface ConversationSettings {
  /** The least interval between one member's messages, in seconds; 0 is off. */
  slowModeSeconds: number
  /** Pinned message ids, oldest pin first. */
  pins: string[]
}

export const NO_SETTINGS: ConversationSettings = { slowModeSeconds: 0, pins: [] }

/** A pin change as the stores answer it: the pins after it, and whether they changed. */
export type PinChange = { pins: string[], changed: boolean } | 'too-many-pins'

/**
 * The pin rule: pinning adds the id at the end (a pinned one stays where it
 * is), unpinning takes it out; past `LIMITS.pinsPerRoom` a pin is refused.
 * The Redis store restates it in Lua (scripts/conversation.ts).
 */
export function withPin(pins: readonly string[], id: string, pinned: boolean): PinChange {
  const has = pins.includes(id)
  if (pinned === has) return { pins: [...pins], changed: false }
  if (!pinned) return { pins: pins.filter(pin => pin !== id), changed: true }
  if (pins.length >= LIMITS.pinsPerRoom) return 'too-many-pins'
  return { pins: [...pins, id], changed: true }
}

/**
 * The slow-mode rule: a member other than the owner (exempt, as in Slack and
 * Discord) whose message was stored while slow mode was on waits until its
 * turn ends (`turnEndsAt`, that message's time plus the interval then set)
 * before the next is stored. Returns the ms still to wait, 0 for none. The
 * Redis store restates it in APPEND_MESSAGE.
 */
export function slowModeWaitMs(settings: ConversationSettings, isOwner: boolean, turnEndsAt: number | undefined, now: number): number {
  if (settings.slowModeSeconds === 0 || isOwner || turnEndsAt === undefined) return 0
  return Math.max(0, turnEndsAt - now)
}

/** When the turn a message stored now starts ends; undefined when slow mode does not apply. */
export function turnEndOf(settings: ConversationSettings, isOwner: boolean, now: number): number | undefined {
  return settings.slowModeSeconds === 0 || isOwner ? undefined : now + settings.slowModeSeconds * 1000
}

/**
 * The slow-mode check of a message about to be stored in an in-process room
 * (memory, SQLite): the ms its sender still has to wait, or 0, and then its
 * new turn is taken. Turns are live state, kept in memory only.
 */
export function takeSlowModeTurn(room: { record: { ownerId: string }, settings: ConversationSettings, slowTurns: Map<string, number> }, memberId: string, now: number): number {
  const isOwner = room.record.ownerId === memberId
  const waitMs = slowModeWaitMs(room.settings, isOwner, room.slowTurns.get(memberId), now)
  if (waitMs > 0) return waitMs
  const turnEnd = turnEndOf(room.settings, isOwner, now)
  if (turnEnd === undefined) room.slowTurns.delete(memberId)
  else room.slowTurns.set(memberId, turnEnd)
  return 0
}
