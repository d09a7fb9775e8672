import type { LobbyRoom } from '../../../shared/protocol'

/**
 * What a watcher holding `before` needs to hold `after`: the rooms new to the
 * list or whose title or counts moved, and the ids that left it. However many
 * changes happened in between, this is one diff of the latest state.
 */
export function diffTop(before: readonly LobbyRoom[], after: readonly LobbyRoom[]): { changed: LobbyRoom[], removed: string[] } {
  const previous = new Map(before.map(room => [room.id, room]))
  const changed = after.filter((room) => {
    const old = previous.get(room.id)
    return !old || old.title !== room.title || old.online !== room.online || old.members !== room.members
  })
  const present = new Set(after.map(room => room.id))
  return { changed, removed: before.filter(room => !present.has(room.id)).map(room => room.id) }
}
