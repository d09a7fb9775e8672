import MarkdownIt from 'markdown-it'
import type { Token } from 'markdown-it'
import { h } from 'vue'
import type { VNode, VNodeArrayChildren } from 'vue'
import { linkSegments } from './linkify'

// 'zero' starts with every rule off; only the subset chat uses is turned on.
// No html (raw HTML stays text), no link/image/autolink (addresses are found by
// linkify-it as before, so only http(s): and mailto: become links), no
// headings, rules or indented code (a line that starts with four spaces or `#`
// in a chat message is not meant as a heading or a code block).
const MAX_NESTING = 20
const markdown = new MarkdownIt('zero', { html: false, breaks: true, maxNesting: MAX_NESTING })
  .enable(['fence', 'blockquote', 'list', 'newline', 'escape', 'backticks', 'emphasis', 'strikethrough'])
// Past maxNesting markdown-it stops and drops the rest of the text: a message
// nested that deep is shown as it was written, with only its line breaks.
const plainText = new MarkdownIt('zero', { html: false, breaks: true }).enable(['newline'])

/** Tags a token may open; anything else markdown-it might produce draws only its content. */
const BLOCK_AND_INLINE_TAGS = new Set(['p', 'blockquote', 'ul', 'ol', 'li', 'strong', 'em', 's'])

/** The message's Markdown as markdown-it's tokens, for `markdownVNodes`. */
export function parseMessage(text: string): Token[] {
  const tokens = markdown.parse(text, {})
  const tooDeep = tokens.some(token => token.level >= MAX_NESTING - 2)
  return tooDeep ? plainText.parse(text, {}) : tokens
}

function linkVNodes(text: string): VNodeArrayChildren {
  return linkSegments(text).map(segment => segment.kind === 'link'
    ? h('a', {
        'class': 'message-item__link',
        'data-testid': 'message-link',
        'dir': 'ltr',
        'href': segment.href,
        'target': '_blank',
        'rel': 'noopener noreferrer nofollow',
      }, segment.text)
    : segment.text)
}

interface OpenElement { tag: string, attrs: Record<string, unknown>, children: VNodeArrayChildren }

/**
 * The tokens as Vue nodes, built as elements and text nodes: nothing a person
 * writes is read as HTML. A message that is one paragraph draws its content
 * without the `<p>`, so what follows it (the "edited" mark) stays on its line.
 */
export function markdownVNodes(tokens: Token[]): VNodeArrayChildren {
  const root: OpenElement = { tag: '', attrs: {}, children: [] }
  const stack: OpenElement[] = [root]
  const singleParagraph = tokens.length === 3 && tokens[0]?.type === 'paragraph_open'
  const top = () => stack[stack.length - 1]!

  function leaf(token: Token) {
    switch (token.type) {
      case 'inline':
        for (const child of token.children ?? []) visit(child)
        return
      case 'text':
        top().children.push(...linkVNodes(token.content))
        return
      case 'code_inline':
        top().children.push(h('code', { class: 'message-markdown__code' }, token.content))
        return
      case 'softbreak':
      case 'hardbreak':
        // A line break stays the character it was: the text is drawn pre-wrap, and copies as written.
        top().children.push('\n')
        return
      case 'fence':
        // Focusable, so that a keyboard can scroll a long line sideways.
        top().children.push(h('pre', { class: 'message-markdown__fence', tabindex: 0 }, h('code', token.content.replace(/\n$/, ''))))
        return
      default:
        if (token.content) top().children.push(token.content)
    }
  }

  function visit(token: Token) {
    const drawn = BLOCK_AND_INLINE_TAGS.has(token.tag) && !token.hidden && !(singleParagraph && token.tag === 'p')
    if (token.nesting === 1) {
      if (!drawn) return
      const start = token.type === 'ordered_list_open' ? token.attrGet('start') : null
      stack.push({ tag: token.tag, attrs: start ? { start } : {}, children: [] })
    }
    else if (token.nesting === -1) {
      if (!drawn || stack.length === 1) return
      const element = stack.pop()!
      top().children.push(h(element.tag, { ...element.attrs, class: `message-markdown__${element.tag}` }, element.children))
    }
    else {
      leaf(token)
    }
  }

  for (const token of tokens) visit(token)
  return root.children
}

/** Whether the nodes are only inline content (text, links, emphasis, code, breaks). */
export function isInline(nodes: VNodeArrayChildren): boolean {
  return nodes.every(node => typeof node === 'string' || !['p', 'blockquote', 'ul', 'ol', 'pre'].includes(String((node as VNode).type)))
}

/**
 * The message's words without their Markdown markers, on one line: what a
 * pinned message's excerpt shows (`**bold**` reads as "bold"). From the same
 * tokens the message is drawn with, so the two never disagree on a marker.
 */
export function plainTextOf(text: string): string {
  const words: string[] = []
  function visit(token: Token) {
    if (token.children) token.children.forEach(visit)
    else if (token.type === 'text' || token.type === 'code_inline' || token.type === 'fence') words.push(token.content)
    else if (token.type === 'softbreak' || token.type === 'hardbreak' || token.type === 'paragraph_close' || token.type === 'list_item_close') words.push(' ')
  }
  parseMessage(text).forEach(visit)
  return words.join('').replace(/\s+/g, ' ').trim()
}
