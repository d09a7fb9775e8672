import type { Ref } from 'vue'
import { shallowRef } from 'vue'
import type { DmFrame, InviteFrame } from '../shared/protocol'
import type { ClientStorage } from '../utils/client-storage'
import { memberTokenStore } from '../utils/member-token'
import { rememberVisit } from '../utils/room-visits'

export interface PrivateRoomInvite { roomId: string, from: { id: string, name: string } }

export interface UsePrivateRoomsReturn {
  /** Invites to private rooms that came on this page, newest first, at most INVITES_MAX. */
  invites: Readonly<Ref<PrivateRoomInvite[]>>
  /** The private room this page asked for (`dm`) once the server opened it; its token is stored by then. */
  opened: Readonly<Ref<{ roomId: string } | undefined>>
  /** Remembers whom this page asked for a private room, for the name under "Your rooms". */
  asked: (name: string) => void
  /** Takes a `dm` or `invite` frame: the token is stored as this browser's member token for that room. */
  take: (frame: DmFrame | InviteFrame) => void
  dismiss: (roomId: string) => void
}

/** Invites a page keeps at most: a bound on what other members can make it hold. */
export const INVITES_MAX = 20

/**
 * The private rooms this room's members open with each other. The token comes
 * first: it is stored as the member token of the private room as soon as the
 * frame arrives, so the room shows under "Your rooms" and its page joins as
 * that member, whether or not the invite is opened now.
 */
export function usePrivateRooms(storage: ClientStorage | undefined): UsePrivateRoomsReturn {
  const invites = shallowRef<PrivateRoomInvite[]>([])
  const opened = shallowRef<{ roomId: string }>()
  // Only one answer is awaited at a time; a newer request replaces the name.
  let askedName: string | undefined

  function take(frame: DmFrame | InviteFrame) {
    memberTokenStore(storage, frame.roomId).write(frame.token)
    if (frame.type === 'dm') {
      rememberVisit(storage, frame.roomId, askedName === undefined ? {} : { peer: askedName })
      opened.value = { roomId: frame.roomId }
      return
    }
    rememberVisit(storage, frame.roomId, { peer: frame.from.name })
    const others = invites.value.filter(invite => invite.roomId !== frame.roomId)
    invites.value = [{ roomId: frame.roomId, from: frame.from }, ...others].slice(0, INVITES_MAX)
  }

  return {
    invites,
    opened,
    asked: (name) => { askedName = name },
    take,
    dismiss: (roomId) => { invites.value = invites.value.filter(invite => invite.roomId !== roomId) },
  }
}
