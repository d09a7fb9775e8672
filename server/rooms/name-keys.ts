import unhomoglyph from 'unhomoglyph'
import type { MemberRecord } from './types'

const INVISIBLE = /\p{Default_Ignorable_Code_Point}/gu

/** The TR39 skeleton: NFD, no default-ignorable characters, each confusable mapped to its prototype, NFD again. */
function skeleton(text: string): string {
  return unhomoglyph(text.normalize('NFD').replace(INVISIBLE, '')).normalize('NFD')
}

/** How a tripcode shows after a name (`Ada !a1B2c3D4`, tripcode.ts): the name it holds is the part before. */
export const TRIPCODE_SUFFIX = / ![\w-]{8}$/

/**
 * The keys under which a member holds its name in a room; a name is taken
 * when either of its keys is. One is the confusable skeleton of the name as
 * written ("aIice" with a capital I looks like "alice"), the other the
 * skeleton of the lower-cased name ("ALICE" and "аlice" with a Cyrillic а are
 * "alice"). One key cannot do both: capital I is "i" to case and "l" to the eye.
 * Server-side only: the confusables table is 100 KB.
 */
export function nameKeys(name: string): string[] {
  const held = name.replace(TRIPCODE_SUFFIX, '')
  return [`glyph:${skeleton(held)}`, `case:${skeleton(held.toLowerCase()).toLowerCase()}`]
}

/**
 * A name that would pass for a tripcoded one, look-alike `!` included (its
 * skeleton ends in " !" and a word; a skeleton may spell one letter as two):
 * only a `name#secret` join may show one.
 */
export function looksTripcoded(name: string): boolean {
  return /\s!\S+$/u.test(skeleton(name))
}

/** What the in-process stores (memory, SQLite) keep of a room's names. */
export interface NamedMembers {
  members: ReadonlyMap<string, MemberRecord>
  /** name key -> member id */
  names: ReadonlyMap<string, string>
}

/**
 * Whether a new member's name is free in the room. A member holds its name
 * for as long as its membership lasts, online or not: a newcomer never takes
 * it over, so a join can never end another member or move an owner's seat
 * (docs/security.md). The member id already in the room is taken too.
 */
export function isNameFree(room: NamedMembers, member: MemberRecord): boolean {
  if (room.members.has(member.id)) return false
  return nameKeys(member.name).every(key => !room.members.has(room.names.get(key) ?? ''))
}
