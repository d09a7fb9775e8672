import type { ClientFrame } from '../../../shared/protocol'
import type { FrameHandler } from './context'
import { handleDelete } from './delete'
import { handleDm } from './dm'
import { handleEdit } from './edit'
import { handleHistory } from './history'
import { handleKick } from './kick'
import { handleReact } from './react'
import { handleTitle } from './title'
import { handleTyping } from './typing'

export type { FrameContext, JoinedSession } from './context'

/** The frames of a joined socket that the hub only dispatches; join, chat, leave and ping stay in room-hub.ts. */
export type TableFrame = Extract<ClientFrame, { type: 'typing' | 'history' | 'react' | 'edit' | 'delete' | 'title' | 'kick' | 'dm' }>

export const FRAME_HANDLERS: { [T in TableFrame['type']]: FrameHandler<Extract<TableFrame, { type: T }>> } = {
  typing: handleTyping,
  history: handleHistory,
  react: handleReact,
  edit: handleEdit,
  delete: handleDelete,
  title: handleTitle,
  kick: handleKick,
  dm: handleDm,
}

export function isTableFrame(frame: ClientFrame): frame is TableFrame {
  return frame.type in FRAME_HANDLERS
}
