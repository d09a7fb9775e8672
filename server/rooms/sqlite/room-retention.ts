/** A room as retention sees it: its members, and since when it has had none. */
interface RetainedRoom { members: { size: number }, emptySince: number | undefined }

/** The room empty the longest, if one has been empty since `cutoff` or before. A scan, but only at the room cap. */
export function longestEmptyRoom<Room extends RetainedRoom>(rooms: Iterable<Room>, cutoff: number): Room | undefined {
  let oldest: Room | undefined
  for (const room of rooms) {
    if (room.members.size > 0 || room.emptySince === undefined || room.emptySince > cutoff) continue
    if (!oldest || room.emptySince < oldest.emptySince!) oldest = room
  }
  return oldest
}
