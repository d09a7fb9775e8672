import type { JoinRequest } from '../components/room/RoomJoinForm.vue'
import type { RoomVisibility } from '../shared/protocol'

/** A join, and for a room the start page creates, its title and visibility. */
export type HandedOverJoin = JoinRequest & { title?: string, visibility?: RoomVisibility }

// Module state of the browser tab only: the start page sets it in a click
// handler and the room page takes it in onMounted, neither of which runs on
// the server.
let pending: HandedOverJoin | undefined

/**
 * The start page hands what was typed (password included) to the room page in
 * memory, not through storage: a password is stored only once it has opened
 * the room, so a wrong one never survives a reload.
 */
export function handOverJoin(request: HandedOverJoin): void {
  pending = request
}

/** The join handed over for this room, once; undefined when there is none. */
export function takeHandedOverJoin(roomId: string): HandedOverJoin | undefined {
  const request = pending?.roomId === roomId ? pending : undefined
  pending = undefined
  return request
}
