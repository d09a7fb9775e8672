// The rules for what people type: room ids, member names, room titles.
import { LIMITS } from './limits'

export const ROOM_ID_PATTERN = /^[A-Za-z0-9_-]+$/

/**
 * The one spelling of a room id: ids compare case-insensitively, so `DESIGN`,
 * `Design` and `design` are one room, kept and shown as `design`. Every place
 * an id comes in (join, lobby watch, API routes, the page's route) passes it
 * through here. A private room's id is the server's own random string, never
 * typed: only its prefix is lower-cased, so the private rooms made before ids
 * were lower case (mixed-case base64url) keep working; new ones are hex.
 */
export function normalizeRoomId(value: string): string {
  const lower = value.toLowerCase()
  return lower.startsWith(PRIVATE_ROOM_PREFIX) ? PRIVATE_ROOM_PREFIX + value.slice(PRIVATE_ROOM_PREFIX.length) : lower
}

/** A room id as it came in (a route, a form), normalised; undefined when it is not one. */
export function parseRoomId(value: unknown): string | undefined {
  return isValidRoomId(value) ? normalizeRoomId(value) : undefined
}

/**
 * Private room ids start with this, and no join may create a room whose id
 * does: a private room that has ended stays ended, rather than coming back
 * as an open room under the same id. The page refuses such ids in its form.
 */
export const PRIVATE_ROOM_PREFIX = 'dm-'

export function isValidRoomId(value: unknown): value is string {
  return typeof value === 'string'
    && value.length > 0
    && value.length <= LIMITS.roomIdMaxLength
    && ROOM_ID_PATTERN.test(value)
}

export type NameCheck = { ok: true, name: string } | { ok: false, message: string }

// Control characters and lone surrogates have no business in a name: refused.
const NAME_FORBIDDEN = /[\p{Cc}\p{Cs}]/u
// Characters that draw nothing or reorder what is drawn (zero-width spaces
// and joiners, the soft hyphen, bidi overrides, fillers, variation selectors):
// dropped, so "ali\u200bce" is "alice" and "\u202eecila" is "ecila".
const NAME_INVISIBLE = /\p{Default_Ignorable_Code_Point}/gu
const PICTOGRAPH = /\p{Extended_Pictographic}/u
// One variation selector or one skin-tone modifier, each on its own.
const EMOJI_TRAIL = /\uFE0F|[\u{1F3FB}-\u{1F3FF}]/u
// NFKC turns the other Unicode spaces into U+0020; the braille blank draws as one too.
const NAME_SPACES = /[\s\u2800]+/gu
const NAME_VISIBLE = /[\p{L}\p{N}\p{P}\p{S}]/u

/**
 * A name as it is shown and compared: NFKC (fullwidth letters and a\u0301
 * become plain and composed), no invisible characters, one space between
 * words, trimmed, 1-32 characters with at least one visible one. The server
 * and the join form run the same check.
 */
export function checkName(value: unknown): NameCheck {
  const lengthMessage = `name must be 1-${LIMITS.nameMaxLength} characters`
  if (typeof value !== 'string') return { ok: false, message: lengthMessage }
  if (NAME_FORBIDDEN.test(value)) return { ok: false, message: 'name must not contain control characters or broken text' }
  const name = cleanLine(value)
  if (name.length > LIMITS.nameMaxLength || value.trim().length === 0) return { ok: false, message: lengthMessage }
  if (!NAME_VISIBLE.test(name)) return { ok: false, message: 'name needs at least one visible character' }
  return { ok: true, name }
}

// NFKC, no invisible characters (but those inside an emoji), one space between words, trimmed.
function cleanLine(value: string): string {
  return value
    .normalize('NFKC')
    .replace(NAME_INVISIBLE, keepInEmoji)
    .replace(NAME_SPACES, ' ')
    .trim()
}

export type TitleCheck = { ok: true, title: string } | { ok: false, message: string }

/**
 * A room title as it is shown: cleaned like a name (NFKC, invisible
 * characters dropped, one space between words, trimmed), at most
 * `LIMITS.titleMaxLength` characters after that. Control characters and lone
 * surrogates are refused. Nothing visible left gives '': the server then
 * uses the room's id as its title.
 */
export function checkTitle(value: unknown): TitleCheck {
  const lengthMessage = `title must be a string of at most ${LIMITS.titleMaxLength} characters`
  if (typeof value !== 'string' || value.length > 4 * LIMITS.titleMaxLength) return { ok: false, message: lengthMessage }
  if (NAME_FORBIDDEN.test(value)) return { ok: false, message: 'title must not contain control characters or broken text' }
  const title = cleanLine(value)
  if ([...title].length > LIMITS.titleMaxLength) return { ok: false, message: lengthMessage }
  return { ok: true, title: NAME_VISIBLE.test(title) ? title : '' }
}

/** The name as checkName gives it; undefined when it is not acceptable. */
export function normalizeName(value: unknown): string | undefined {
  const checked = checkName(value)
  return checked.ok ? checked.name : undefined
}

// A joiner between two pictographs draws 👩‍💻 as one glyph, a variation
// selector picks emoji style, tag characters spell a subdivision flag: those
// stay. Every other invisible character goes.
function keepInEmoji(char: string, offset: number, text: string): string {
  const preceding = [...text.slice(Math.max(0, offset - 8), offset)]
  const before = preceding.at(-1) ?? ''
  // A joiner may follow a skin tone or an emoji-style selector of its pictograph.
  const pictographBefore = preceding.reverse().find(c => !EMOJI_TRAIL.test(c)) ?? ''
  const after = [...text.slice(offset + char.length, offset + char.length + 2)][0] ?? ''
  const code = char.codePointAt(0)!
  if (code === 0x200D) return PICTOGRAPH.test(pictographBefore) && PICTOGRAPH.test(after) ? char : ''
  if (code === 0xFE0F || code === 0xFE0E) return PICTOGRAPH.test(before) || /[#*0-9]/.test(before) ? char : ''
  if (code >= 0xE0020 && code <= 0xE007F) return before === '\u{1F3F4}' || /[\u{E0020}-\u{E007F}]/u.test(before) ? char : ''
  return ''
}

const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u
// The enclosing keycap makes an emoji of a digit, # or * only: `a⃣` or a lone
// U+20E3 draws as a letter in a box, or as nothing.
const KEYCAP = /^[0-9#*]\uFE0F?\u20E3$/u
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' })

/** One grapheme that draws as an emoji: a reaction is never a letter, a word or two emoji. */
export function isOneEmoji(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > LIMITS.emojiMaxLength) return false
  if (value.includes('\u20E3')) return KEYCAP.test(value)
  if (!EMOJI.test(value) || NAME_FORBIDDEN.test(value)) return false
  const segments = graphemes.segment(value)[Symbol.iterator]()
  const first = segments.next()
  return !first.done && first.value.segment === value
}
