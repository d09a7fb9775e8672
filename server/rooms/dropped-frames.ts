import { LIMITS, parseClientFrame } from '../../shared/protocol'
import type { ErrorFrame } from '../../shared/protocol'
import type { FrameVerdict } from './session-guard'

/**
 * What a socket is told about a frame its bucket dropped. A chat is named
 * every time, by its clientId, with the wait: its sender sends it again then,
 * rather than leave it waiting or send the ones after it first. Any other
 * frame is told at most once a second, so a flood is not echoed back. Either
 * way a socket that goes on is closed by the guard's strikes, so what it is
 * told stays bounded. Undefined: tell nothing.
 */
export function droppedFrameRefusal(
  raw: string | undefined,
  byteLength: number,
  verdict: Exclude<FrameVerdict, 'accept' | 'close'>,
  retryAfterMs: number,
  framesPerSecond: number,
): ErrorFrame | undefined {
  const clientId = droppedChatClientId(raw, byteLength)
  if (clientId === undefined && verdict !== 'drop-and-tell') return undefined
  const message = clientId === undefined
    ? `at most ${framesPerSecond} frames a second; frames were dropped`
    : `at most ${framesPerSecond} frames a second; this chat was dropped: send it again after retryAfterMs`
  return { type: 'error', code: 'RATE_LIMITED', message, retryAfterMs, ...(clientId === undefined ? {} : { clientId }) }
}

function droppedChatClientId(raw: string | undefined, byteLength: number): string | undefined {
  if (raw === undefined || byteLength > LIMITS.frameMaxBytes) return undefined
  const parsed = parseClientFrame(raw)
  return parsed.ok && parsed.frame.type === 'chat' ? parsed.frame.clientId : undefined
}
