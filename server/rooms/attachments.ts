import type { FileInfo } from '../../shared/protocol'

/** What the hub needs of uploaded files (server/files/file-service.ts provides it). */
export interface Attachments {
  /**
   * The files a chat message names, taken from this member's unsent uploads
   * to this room: all of them, or undefined (and nothing taken) when any id
   * is not one. A resend with the same clientId gets them again.
   */
  claim(roomId: string, memberId: string, ids: string[], clientId: string | undefined): Promise<FileInfo[] | undefined>
  /** The files of a deleted message leave storage. */
  discard(roomId: string, files: FileInfo[]): Promise<void>
}

/** Without a file service (unit tests of the hub): no id names an upload. */
export const NO_ATTACHMENTS: Attachments = {
  claim: async () => undefined,
  discard: async () => {},
}
