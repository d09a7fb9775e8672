/** The set of every room id, for the sweep. */
export const ROOMS_KEY = 'hb:rooms'
/** instanceId -> its last beat: which instances are alive (presence/peer-watch.ts). */
export const INSTANCES_KEY = 'hb:instances'
/** instanceId -> its socket count, for the admin page; pruned to the instances of INSTANCES_KEY. */
export const INSTANCE_LOAD_KEY = 'hb:instance-load'
/** Held for one idle-room sweep interval by the instance whose turn it is. */
export const IDLE_SWEEP_LOCK_KEY = 'hb:idle-sweep'
const CHANNEL = /^hb:\{(.+)\}:events$/

/** A room's keys; the braces make them one Redis Cluster slot. */
export function roomKeys(roomId: string) {
  const base = `hb:{${roomId}}`
  const keys = {
    room: `${base}:room`,
    members: `${base}:members`,
    names: `${base}:names`,
    tokens: `${base}:tokens`,
    seen: `${base}:seen`,
    /** memberId -> joinedAt of the members not heard since they joined: the never-pinged TTL's only candidates. */
    fresh: `${base}:fresh`,
    seq: `${base}:seq`,
    history: `${base}:history`,
  }
  return {
    ...keys,
    /** The keys that live and expire with the room, in the order the scripts expect (ROOM_KEY_COUNT of them). */
    all: [keys.room, keys.members, keys.names, keys.tokens, keys.seen, keys.fresh, keys.seq, keys.history],
    /** clientId -> the message it produced, and the clientIds oldest first: the member's dedupe window. */
    sent: (memberId: string) => `${base}:sent:${memberId}`,
    sentOrder: (memberId: string) => `${base}:sent-order:${memberId}`,
    channel: `${base}:events`,
    /** `instanceId:memberId` of the members each instance holds active: written on changes, read by an instance that starts watching the room. */
    live: `${base}:live`,
    /** Ban key -> until of members the owner removed; expires with its last ban, not with the room. */
    bans: `${base}:bans`,
  }
}

/** How many keys live and expire with a room: the scripts that take them all find the keys after them from this. */
export const ROOM_KEY_COUNT = roomKeys('').all.length

export function roomIdOfChannel(channel: string): string | undefined {
  return CHANNEL.exec(channel)?.[1]
}
