import type { RoomStore } from '../types'

export interface RoomInterestOptions {
  store: Pick<RoomStore, 'subscribe' | 'unsubscribe'>
  /** What this process keeps of a room (views, typists): forgotten when the room's last socket here leaves. */
  roomState: ReadonlyArray<{ forget(roomId: string): void }>
  log: (message: string) => void
}

/**
 * roomId -> sockets here that joined or are joining it, and the room's
 * subscription, which every join of the room waits for; the store delivers
 * a room's events while a room is here.
 */
export class RoomInterest {
  private readonly rooms = new Map<string, { sockets: number, subscribed: Promise<void> }>()

  constructor(private readonly options: RoomInterestOptions) {}

  // Joins of a room wait for one subscription; a failed one is forgotten with
  // the last socket that waited for it, so the next join subscribes afresh.
  async enter(roomId: string): Promise<void> {
    let interest = this.rooms.get(roomId)
    if (!interest) this.rooms.set(roomId, interest = { sockets: 0, subscribed: this.options.store.subscribe(roomId) })
    interest.sockets++
    try {
      await interest.subscribed
    }
    catch (error) {
      this.leave(roomId)
      throw error
    }
  }

  leave(roomId: string): void {
    const interest = this.rooms.get(roomId)
    if (!interest) return
    if (--interest.sockets > 0) return
    this.rooms.delete(roomId)
    for (const state of this.options.roomState) state.forget(roomId)
    this.options.store.unsubscribe(roomId).catch(error => this.options.log(`unsubscribe failed: ${String(error)}`))
  }

  has(roomId: string): boolean {
    return this.rooms.has(roomId)
  }

  /** The rooms with sockets here, in the order they came. */
  roomIds(): string[] {
    return [...this.rooms.keys()]
  }
}
