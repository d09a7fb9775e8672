import type { DeleteFrame } from '../../../shared/protocol'
import type { Attachments } from '../attachments'
import type { MessageChangeRefusal, RoomStore } from '../types'
import { sendRefusal } from './context'
import { publishPins } from './pin'
import type { FrameContext, FrameHandler } from './context'

export interface DeleteContext extends Pick<FrameContext, 'sendError'> {
  readonly store: Pick<RoomStore, 'findMessage' | 'deleteMessage' | 'changePin' | 'publish'>
  readonly attachments: Pick<Attachments, 'discard'>
}

export const handleDelete: FrameHandler<DeleteFrame, DeleteContext> = async (session, frame, context) => {
  const { roomId, id } = session.member
  const result = await deleteAs(context, roomId, frame.id, id)
  if (result) sendRefusal(context, session, result)
}

/**
 * Deletes a message as `memberId` (its author, or the room's owner: the
 * store applies asTombstone) and discards its files; the refusal, if any.
 */
export async function deleteAs(context: Omit<DeleteContext, 'sendError'>, roomId: string, messageId: string, memberId: string): Promise<MessageChangeRefusal | undefined> {
  // Read first: the tombstone no longer names the message's files.
  const files = (await context.store.findMessage(roomId, messageId))?.attachments
  const result = await context.store.deleteMessage(roomId, messageId, memberId)
  if (typeof result === 'string') return result
  if (files?.length) await context.attachments.discard(roomId, files)
  // A deleted message leaves the pins.
  const unpinned = await context.store.changePin(roomId, messageId, false)
  if (typeof unpinned === 'object' && unpinned.changed) await publishPins(context.store, roomId, unpinned.pins)
  return undefined
}
