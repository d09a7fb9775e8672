import { LIMITS } from '../../../shared/protocol'
import { NO_SETTINGS } from '../conversation/room-settings'
import type { ConversationSettings, PinChange } from '../conversation/room-settings'
import { roomKeys } from './keys'

/** The slow-mode turn of a member: a key that expires when the turn ends, in the room's slot. */
export function slowTurnKey(roomId: string, memberId: string): string {
  return `hb:{${roomId}}:slow-turn:${memberId}`
}

type RunScript = (script: 'SET_SLOW_MODE' | 'CHANGE_PIN', keys: string[], ...args: (string | number)[]) => Promise<unknown>
interface HashReader { hmget(key: string, ...fields: string[]): Promise<(string | null)[]> }

/** The Redis store's ConversationSettingsStore, over its room hash (scripts/conversation.ts). */
export function redisConversationSettings(redis: HashReader, run: RunScript) {
  return {
    async conversationSettings(roomId: string): Promise<ConversationSettings> {
      const [slowMode, pins] = await redis.hmget(roomKeys(roomId).room, 'slowMode', 'pins')
      return { slowModeSeconds: Number(slowMode ?? NO_SETTINGS.slowModeSeconds), pins: pins ? JSON.parse(pins) as string[] : [] }
    },
    async setSlowMode(roomId: string, seconds: number): Promise<boolean> {
      return await run('SET_SLOW_MODE', [roomKeys(roomId).room], seconds) === 1
    },
    async changePin(roomId: string, messageId: string, pinned: boolean): Promise<PinChange | undefined> {
      const reply = await run('CHANGE_PIN', [roomKeys(roomId).room], messageId, pinned ? '1' : '0', LIMITS.pinsPerRoom) as [number, string?] | null
      if (reply === null) return undefined
      if (reply[0] === -1) return 'too-many-pins'
      return { pins: JSON.parse(reply[1]!) as string[], changed: reply[0] === 1 }
    },
  }
}
