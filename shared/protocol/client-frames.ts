// Client -> server frames of /ws: each one schema, its type inferred from it,
// the schema itself the validator (parseClientFrame). docs/protocol.md says
// the same in prose, with the error each bad field gets.
import { array, check, custom, literal, nullish, optional, picklist, pipe, transform, undefined as undefinedValue, unknown, variant } from 'valibot'
import type { InferOutput, VariantIssue } from 'valibot'
import { LIMITS, SLOW_MODE_SECONDS } from './limits'
import { checkName, checkTitle, isOneEmoji, isValidRoomId, normalizeRoomId } from './names'
import { isFileIdList, isShortId } from './ids'
import { textWireBytes } from './text'
import { cleanedBy, flag, frameObject, givenString } from './frame-object'
import { RoomVisibilitySchema } from './server-frames'
import { AuthKeySchema, CIPHER_MESSAGE, CipherSendSchema, E2eeSaltSchema, emptyText, GenerationSchema } from './cipher'

/** The one refusal of a frame's content that is TOO_LARGE rather than BAD_REQUEST. */
export const TEXT_TOO_LARGE_MESSAGE = `text is limited to ${LIMITS.textMaxBytes} bytes as sent (JSON, UTF-8)`
const ATTACHMENTS_MESSAGE = `attachments must be 1-${LIMITS.attachmentsPerMessage} distinct file ids`
const MESSAGE_ID_MESSAGE = `id must be a message id of 1-${LIMITS.messageIdMaxLength} characters`
const LOBBY_SCOPE = literal('lobby', 'scope must be "lobby"')

const roomId = pipe(
  custom<string>(isValidRoomId, `roomId must be 1-${LIMITS.roomIdMaxLength} characters of A-Z, a-z, 0-9, _ or -`),
  transform(normalizeRoomId),
)
const memberName = cleanedBy((value) => {
  const checked = checkName(value)
  return checked.ok ? { ok: true, value: checked.name } : checked
})
const roomTitle = cleanedBy((value) => {
  const checked = checkTitle(value)
  return checked.ok ? { ok: true, value: checked.title } : checked
})
const messageId = custom<string>(isShortId, MESSAGE_ID_MESSAGE)
const messageIdField = (field: string) => custom<string>(isShortId, `${field} must be a message id of 1-${LIMITS.messageIdMaxLength} characters`)
const memberId = (field: string) => custom<string>(isShortId, `${field} must be a member id of 1-${LIMITS.messageIdMaxLength} characters`)
const wholeNumber = (min: number, max: number, message: string) =>
  custom<number>(value => Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max, message)

// Length in UTF-16 units as the page's counter shows it; bytes as the wire
// and every stored copy carry it (U+0001 is 6 bytes of JSON).
const textSize = [
  check((text: string) => text.length <= LIMITS.textMaxLength, `text is limited to ${LIMITS.textMaxLength} characters`),
  check((text: string) => textWireBytes(text) <= LIMITS.textMaxBytes, TEXT_TOO_LARGE_MESSAGE),
] as const
const TEXT_REQUIRED = 'text must be a non-empty string'
const messageText = pipe(custom<string>(text => typeof text === 'string' && text.trim().length > 0, TEXT_REQUIRED), ...textSize)
// With files the text is a caption, and may be missing or blank: it is then ''.
const caption = optional(pipe(
  custom<string>(text => typeof text === 'string', TEXT_REQUIRED),
  transform(text => (text.trim().length === 0 ? '' : text)),
  ...textSize,
), '')

export const PingFrameSchema = frameObject({ type: literal('ping') })
export const LeaveFrameSchema = frameObject({ type: literal('leave') })

export const JoinFrameSchema = frameObject({
  type: literal('join'),
  roomId,
  name: memberName,
  password: optional(givenString(LIMITS.passwordMaxLength, `password must be a string of at most ${LIMITS.passwordMaxLength} characters`)),
  token: optional(givenString(LIMITS.tokenMaxLength, 'token must be a string')),
  /** The highest chat seq this client has seen: with a valid token, the server sends what came after. */
  lastSeq: optional(wholeNumber(0, Number.MAX_SAFE_INTEGER, 'lastSeq must be a whole number, 0 or more')),
  /** The page's own id for itself, random per page load; its away beacon names it. */
  tabId: optional(givenString(LIMITS.tabIdMaxLength, `tabId must be a string of at most ${LIMITS.tabIdMaxLength} characters`)),
  /** Used only when this join creates the room. */
  title: optional(roomTitle),
  /** Used only when this join creates the room; `unlisted` by default, and always with a password. */
  visibility: optional(RoomVisibilitySchema),
  /**
   * The browser's own random id, kept in its localStorage across rooms and
   * page loads: a removal bans it, so that dropping the token is not enough
   * to come back, while another person on the same network still gets in.
   */
  browserId: optional(givenString(LIMITS.browserIdMaxLength, `browserId must be a string of at most ${LIMITS.browserIdMaxLength} characters`)),
  /**
   * Create the room if no room has this id. Without it a join of a missing
   * room gets NO_SUCH_ROOM, so a mistyped id never makes a room.
   */
  create: optional(flag('create must be true or false')),
  /**
   * Used only when this join creates the room, and only with a password: the
   * room is end-to-end encrypted, and this is its salt (16 random bytes drawn
   * by the creator's browser, which needs it before the room exists to derive
   * the password it sends). docs/security.md.
   */
  e2eeSalt: optional(E2eeSaltSchema),
})

const chatReferences = {
  clientId: optional(givenString(LIMITS.clientIdMaxLength, `clientId must be a string of at most ${LIMITS.clientIdMaxLength} characters`)),
  /** The id of the message this one answers. */
  replyTo: optional(custom<string>(isShortId, `replyTo must be a message id of 1-${LIMITS.messageIdMaxLength} characters`)),
  /**
   * The id of the thread's root: the message is a reply in that thread. The
   * root must be held in the room and not be a thread reply itself (threads
   * are one level deep).
   */
  threadId: optional(custom<string>(isShortId, `threadId must be a message id of 1-${LIMITS.messageIdMaxLength} characters`)),
}
const NO_CIPHER = { cipher: optional(undefinedValue()) }
const fileIds = custom<string[]>(isFileIdList, ATTACHMENTS_MESSAGE)
const CIPHER_CLIENT_ID_MESSAGE = `clientId must be a string of 1-${LIMITS.clientIdMaxLength} characters: an encrypted message is bound to it`
/** A chat is text, or files (ids this member uploaded to this room and has not sent yet) with a caption. */
export const PlainChatSendFrameSchema = variant('attachments', [
  frameObject({ type: literal('chat'), attachments: optional(undefinedValue()), text: messageText, ...chatReferences, ...NO_CIPHER }),
  frameObject({ type: literal('chat'), attachments: fileIds, text: caption, ...chatReferences, ...NO_CIPHER }),
], ATTACHMENTS_MESSAGE)
/**
 * In an end-to-end encrypted room the text (or caption) is sealed in
 * `cipher` and `text` is empty; the clientId is required, since the sealed
 * text is bound to it.
 */
export const CipherChatSendFrameSchema = frameObject({
  type: literal('chat'),
  cipher: CipherSendSchema,
  text: emptyText,
  attachments: optional(fileIds),
  ...chatReferences,
  clientId: custom<string>(value => typeof value === 'string' && value.length > 0 && value.length <= LIMITS.clientIdMaxLength, CIPHER_CLIENT_ID_MESSAGE),
})
// A nested variant's refusal is the outer one's: it names the field that picked no option.
const cipherOrAttachmentsMessage = (issue: VariantIssue) => (issue.path?.[0]?.key === 'attachments' ? ATTACHMENTS_MESSAGE : CIPHER_MESSAGE)
export const ChatSendFrameSchema = variant('cipher', [PlainChatSendFrameSchema, CipherChatSendFrameSchema], cipherOrAttachmentsMessage)

/** The person is typing (at most every 2 s), or stopped (`stop`: sent, or cleared). */
export const TypingSendFrameSchema = frameObject({
  type: literal('typing'),
  stop: optional(pipe(unknown(), transform((stop): true | undefined => (stop === true ? true : undefined)))),
})

const seqField = (field: string) => wholeNumber(1, Number.MAX_SAFE_INTEGER, `${field} must be a seq, a whole number of 1 or more`)
const HISTORY_ANCHOR_MESSAGE = 'history takes one of before and around'

/**
 * Asks for a page of messages, oldest first in the answer: the newest
 * `limit` before `before` (a seq), or with `around` the page centred on that
 * seq (it included, when held). Without `threadId` the main timeline, which
 * leaves thread replies out; with it, that thread's replies.
 */
export const HistoryRequestFrameSchema = pipe(
  frameObject({
    type: literal('history'),
    before: optional(seqField('before')),
    around: optional(seqField('around')),
    limit: nullish(wholeNumber(1, LIMITS.historyPageMax, `limit must be a whole number of 1-${LIMITS.historyPageMax}`), LIMITS.historyPageDefault),
    threadId: optional(messageIdField('threadId')),
  }),
  check(frame => (frame.before === undefined) !== (frame.around === undefined), HISTORY_ANCHOR_MESSAGE),
)

const SEARCH_QUERY_MESSAGE = `q must be 1-${LIMITS.searchQueryMaxLength} characters`
/**
 * Searches the room's messages (thread replies too) for `q`, case-insensitive,
 * any part of a word; the answer (`searchResults`) is newest first, before
 * `before` (a seq) when given, to page back.
 */
export const SearchFrameSchema = frameObject({
  type: literal('search'),
  q: pipe(
    custom<string>(q => typeof q === 'string' && q.trim().length > 0, SEARCH_QUERY_MESSAGE),
    transform(q => q.trim()),
    check(q => q.length <= LIMITS.searchQueryMaxLength, SEARCH_QUERY_MESSAGE),
  ),
  before: optional(seqField('before')),
  limit: nullish(wholeNumber(1, LIMITS.searchPageMax, `limit must be a whole number of 1-${LIMITS.searchPageMax}`), LIMITS.searchPageDefault),
})

/** The owner pins (`pinned: true`) or unpins a message; at most `LIMITS.pinsPerRoom` at once. */
export const PinFrameSchema = frameObject({
  type: literal('pin'),
  id: messageId,
  pinned: custom<boolean>(value => typeof value === 'boolean', 'pinned must be true or false'),
})

/** The owner sets the room's slow mode: the least interval between one member's messages, 0 for off. */
export const SlowModeFrameSchema = frameObject({
  type: literal('slowMode'),
  seconds: picklist(SLOW_MODE_SECONDS, `seconds must be one of ${SLOW_MODE_SECONDS.join(', ')}`),
})

/** Toggles this member's `emoji` on the message. */
export const ReactFrameSchema = frameObject({ type: literal('react'), id: messageId, emoji: custom<string>(isOneEmoji, 'emoji must be one emoji') })
export const EditFrameSchema = variant('cipher', [
  frameObject({ type: literal('edit'), id: messageId, text: messageText, ...NO_CIPHER }),
  /** In an end-to-end encrypted room: the new text sealed, bound to the message's clientId. */
  frameObject({ type: literal('edit'), id: messageId, cipher: CipherSendSchema, text: emptyText }),
], CIPHER_MESSAGE)
export const DeleteFrameSchema = frameObject({ type: literal('delete'), id: messageId })

/**
 * The owner removes a member, who cannot rejoin for `LIMITS.kickBanMs`: its
 * token, its seat and its browser are banned. `blockNetwork` also bans the
 * network it joined from (the IPv4 address, or the IPv6 /64) for as long,
 * whoever joins from there; `deleteRecent` tombstones its messages of the
 * last `LIMITS.kickDeleteRecentMs`.
 */
export const KickFrameSchema = frameObject({
  type: literal('kick'),
  memberId: memberId('memberId'),
  blockNetwork: optional(flag('blockNetwork must be true or false')),
  deleteRecent: optional(flag('deleteRecent must be true or false')),
})
/** The owner renames the room. */
export const TitleFrameSchema = frameObject({ type: literal('title'), title: roomTitle })
/**
 * The owner of an end-to-end encrypted room changes its password: `password`
 * is the auth key derived from the new password with the new `e2eeSalt` (the
 * password itself never leaves the browser), and `from` the key generation it
 * replaces, so that two changes at once cannot both pass. docs/security.md.
 */
export const RekeyFrameSchema = frameObject({ type: literal('rekey'), password: AuthKeySchema, e2eeSalt: E2eeSaltSchema, from: GenerationSchema })
/** Opens (or reopens) the private room of this member and `to`. */
export const DmRequestFrameSchema = frameObject({ type: literal('dm'), to: memberId('to') })

const EACH_ROOM_MESSAGE = 'each of rooms must be {id: a room id, token: a member token}'
/** A room this browser holds a member token for, named in `watch` ("your rooms"). */
export const LobbyWatchRoomSchema = frameObject({
  id: pipe(custom<string>(isValidRoomId, EACH_ROOM_MESSAGE), transform(normalizeRoomId)),
  token: custom<string>(token => typeof token === 'string' && token.length > 0 && token.length <= LIMITS.tokenMaxLength, EACH_ROOM_MESSAGE),
})
const ROOMS_MESSAGE = `rooms must be a list of at most ${LIMITS.lobbyMineRooms} {id, token}`
/**
 * Subscribes this socket to the lobby: public rooms with their live counts,
 * and `rooms` (at most `LIMITS.lobbyMineRooms`), any visibility, each proven
 * by its member token. A second `watch` replaces the first.
 */
export const WatchFrameSchema = frameObject({
  type: literal('watch'),
  scope: LOBBY_SCOPE,
  rooms: optional(pipe(
    custom<unknown[]>(rooms => Array.isArray(rooms) && rooms.length <= LIMITS.lobbyMineRooms, ROOMS_MESSAGE),
    array(pipe(custom<object>(room => typeof room === 'object' && room !== null, EACH_ROOM_MESSAGE), LobbyWatchRoomSchema)),
  )),
})
export const UnwatchFrameSchema = frameObject({ type: literal('unwatch'), scope: LOBBY_SCOPE })

// Pings first: they are most frames, and the variant tries its options in order.
export const ClientFrameSchema = variant('type', [
  PingFrameSchema, ChatSendFrameSchema, TypingSendFrameSchema, JoinFrameSchema, LeaveFrameSchema,
  HistoryRequestFrameSchema, ReactFrameSchema, EditFrameSchema, DeleteFrameSchema, KickFrameSchema,
  TitleFrameSchema, DmRequestFrameSchema, WatchFrameSchema, UnwatchFrameSchema,
  SearchFrameSchema, PinFrameSchema, SlowModeFrameSchema, RekeyFrameSchema,
], (issue: VariantIssue) => (issue.path?.[0]?.key === 'attachments'
  ? ATTACHMENTS_MESSAGE
  : `unknown frame type "${String(issue.input).slice(0, 32)}"`))

export type PingFrame = InferOutput<typeof PingFrameSchema>
export type LeaveFrame = InferOutput<typeof LeaveFrameSchema>
export type JoinFrame = InferOutput<typeof JoinFrameSchema>
export type ChatSendFrame = InferOutput<typeof ChatSendFrameSchema>
export type TypingSendFrame = InferOutput<typeof TypingSendFrameSchema>
export type HistoryRequestFrame = InferOutput<typeof HistoryRequestFrameSchema>
export type ReactFrame = InferOutput<typeof ReactFrameSchema>
export type EditFrame = InferOutput<typeof EditFrameSchema>
export type DeleteFrame = InferOutput<typeof DeleteFrameSchema>
export type KickFrame = InferOutput<typeof KickFrameSchema>
export type TitleFrame = InferOutput<typeof TitleFrameSchema>
export type DmRequestFrame = InferOutput<typeof DmRequestFrameSchema>
export type LobbyWatchRoom = InferOutput<typeof LobbyWatchRoomSchema>
export type WatchFrame = InferOutput<typeof WatchFrameSchema>
export type UnwatchFrame = InferOutput<typeof UnwatchFrameSchema>
export type SearchFrame = InferOutput<typeof SearchFrameSchema>
export type PinFrame = InferOutput<typeof PinFrameSchema>
export type SlowModeFrame = InferOutput<typeof SlowModeFrameSchema>
export type RekeyFrame = InferOutput<typeof RekeyFrameSchema>
export type ClientFrame = InferOutput<typeof ClientFrameSchema>
