import { LinkifyIt } from 'linkify-it'

/** A piece of message text: plain, or a link with the address it opens. */
export type TextSegment = { kind: 'text', text: string } | { kind: 'link', text: string, href: string }

// Only schemes that open a page or a mail program: `//host` and ftp: are left as text.
// Fuzzy links are on for `www.` addresses only (below): a bare `readme.md` or
// `example.com` in a sentence is left as it was written.
const linkify = new LinkifyIt({ fuzzyLink: true }).add('ftp:', null).add('//', null)
const SAFE_HREF = /^(?:https?:|mailto:)/i
const WWW = /^www\./i
// Embeddings, overrides and isolates reorder what follows them on screen:
// `https://bank.example/‮moc.live.example/` would read as another site.
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g

/** The link with each bidi control written as its visible %XX escape, which a browser reads the same. */
function escapeBidiControls(address: string): string {
  return address.replace(BIDI_CONTROLS, encodeURIComponent)
}

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
    const fuzzy = match.schema === ''
    if (fuzzy && !WWW.test(match.raw)) continue
    const href = fuzzy ? `https://${match.raw}` : match.url
    if (!SAFE_HREF.test(href)) continue
    if (match.index > last) segments.push({ kind: 'text', text: text.slice(last, match.index) })
    segments.push({ kind: 'link', text: escapeBidiControls(match.raw), href: escapeBidiControls(href) })
    last = match.lastIndex
  }
  if (last < text.length) segments.push({ kind: 'text', text: text.slice(last) })
  return segments
}
