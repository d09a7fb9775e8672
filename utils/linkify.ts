import { LinkifyIt } from 'linkify-it'

/** A piece of message text: plain, or a link with the address it opens. */
export type TextSegment = { kind: 'text', text: string } | { kind: 'link', text: string, href: string }

// Only schemes that open a page or a mail program: `//host` and ftp: are left as text.
const linkify = new LinkifyIt().add('ftp:', null).add('//', null)
const SAFE_HREF = /^(?:https?:|mailto:)/i

/**
 * The text cut into plain pieces and links, in order, for the page to build as
 * text nodes and <a> elements: user text is never parsed as HTML.
 */
export function linkSegments(text: string): TextSegment[] {
  const matches = linkify.match(text)
  if (!matches) return text ? [{ kind: 'text', text }] : []
  const segments: TextSegment[] = []
  let last = 0
  for (const match of matches) {
    if (!SAFE_HREF.test(match.url)) continue
    if (match.index > last) segments.push({ kind: 'text', text: text.slice(last, match.index) })
    segments.push({ kind: 'link', text: match.raw, href: match.url })
    last = match.lastIndex
  }
  if (last < text.length) segments.push({ kind: 'text', text: text.slice(last) })
  return segments
}
