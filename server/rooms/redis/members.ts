import { nameKeys } from '../name-keys'
import type { MemberRecord } from '../types'

/** What the scripts return for a member: its JSON and its last sign of life (some add a third value, ignored here). */
export type MemberReply = [json: string, lastSeenAt: string | null, ...unknown[]]

interface StoredMember {
  id: string
  name: string
  /** The name's keys in the room's names hash (Lua knows neither Unicode case nor confusables). */
  nameKeys: string[]
  tokenHash: string
  joinedAt: number
  addressHash?: string
  browserHash?: string
}

export function encodeMember(member: MemberRecord): string {
  const stored: StoredMember = { id: member.id, name: member.name, nameKeys: nameKeys(member.name), tokenHash: member.tokenHash, joinedAt: member.joinedAt, ...(member.addressHash ? { addressHash: member.addressHash } : {}), ...(member.browserHash ? { browserHash: member.browserHash } : {}) }
  return JSON.stringify(stored)
}

export function decodeMember(roomId: string, reply: MemberReply | null | undefined): MemberRecord | undefined {
  if (!reply) return undefined
  const [json, lastSeenAt] = reply
  const stored = JSON.parse(json) as StoredMember
  return {
    id: stored.id,
    roomId,
    name: stored.name,
    tokenHash: stored.tokenHash,
    joinedAt: stored.joinedAt,
    lastSeenAt: Number(lastSeenAt ?? 0),
    ...(stored.addressHash ? { addressHash: stored.addressHash } : {}),
    ...(stored.browserHash ? { browserHash: stored.browserHash } : {}),
  }
}
