import type { MemberRecord } from '../types'

/** What the scripts return for a member: its JSON, its last heartbeat, whether it is marked offline. */
export type MemberReply = [json: string, lastSeenAt: string | null, offline: number]

interface StoredMember {
  id: string
  name: string
  /** The lower-cased name, as JavaScript lowers it (Lua's lower() knows ASCII only). */
  nameKey: string
  tokenHash: string
  joinedAt: number
}

export function encodeMember(member: MemberRecord): string {
  const stored: StoredMember = { id: member.id, name: member.name, nameKey: member.name.toLowerCase(), tokenHash: member.tokenHash, joinedAt: member.joinedAt }
  return JSON.stringify(stored)
}

export function decodeMember(roomId: string, reply: MemberReply | null | undefined): MemberRecord | undefined {
  if (!reply) return undefined
  const [json, lastSeenAt, offline] = reply
  const stored = JSON.parse(json) as StoredMember
  return {
    id: stored.id,
    roomId,
    name: stored.name,
    tokenHash: stored.tokenHash,
    joinedAt: stored.joinedAt,
    lastSeenAt: Number(lastSeenAt ?? 0),
    offline: Number(offline) === 1,
  }
}
