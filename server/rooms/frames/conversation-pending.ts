import type { FrameContext, FrameHandler } from './context'

// The protocol of issue 23 lands before its handlers: until each one does, its
// frame gets a clear refusal rather than silence.
export const refuseUntilLanded: FrameHandler<{ type: string }, Pick<FrameContext, 'sendError'>> = (session, frame, { sendError }) =>
  sendError(session, 'BAD_REQUEST', `${frame.type} is not available on this server yet`)
