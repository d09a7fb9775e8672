import type { EditFrame } from '../shared/protocol'
import { isSendableText } from '../utils/outbox'
import type { KickOptions, RoomLink } from './useRoomMembership.types'

export interface UseMemberActionsOptions {
  /** Sends on the room's link; false when it could not go now. */
  send: RoomLink['send']
  /** Whether the member is joined: the buttons are there only then, and nothing is queued. */
  joined: () => boolean
  /** In an end-to-end encrypted room, seals an edit and sends it; undefined otherwise. */
  sealedEdit: () => ((id: string, text: string, send: (frame: EditFrame) => void) => boolean) | undefined
}

export interface UseMemberActionsReturn {
  react: (id: string, emoji: string) => boolean
  edit: (id: string, text: string) => boolean
  remove: (id: string) => boolean
  /** The owner renames the room. */
  rename: (title: string) => boolean
  /** The owner removes a member. */
  kick: (memberId: string, options?: KickOptions) => boolean
}

/**
 * What a member does to messages and the owner to the room. Not queued like
 * chats: each goes only while joined, and the page offers it only then.
 */
export function useMemberActions({ send, joined, sealedEdit }: UseMemberActionsOptions): UseMemberActionsReturn {
  const edit = (id: string, text: string) => {
    if (!joined() || !isSendableText(text)) return false
    const seal = sealedEdit()
    return seal ? seal(id, text, frame => send(frame)) : send({ type: 'edit', id, text })
  }
  return {
    react: (id, emoji) => joined() && send({ type: 'react', id, emoji }),
    edit,
    remove: id => joined() && send({ type: 'delete', id }),
    rename: title => joined() && send({ type: 'title', title }),
    kick: (memberId, options = {}) => joined() && send({
      type: 'kick',
      memberId,
      ...(options.blockNetwork ? { blockNetwork: true } : {}),
      ...(options.deleteRecent ? { deleteRecent: true } : {}),
    }),
  }
}
