import { randomBytes } from 'node:crypto'
import { pageSecurityHeaders } from '../utils/page-security-headers'

// Every HTML page gets a strict Content Security Policy. Nuxt emits one
// executable inline script (window.__NUXT__'s config), so each render gets a
// fresh nonce and every <script> of the page carries it; script files come
// from this origin only. `nuxt dev` is left without it: Vite's dev client
// injects scripts and styles of its own.
export default defineNitroPlugin((nitroApp) => {
  if (import.meta.dev) return
  nitroApp.hooks.hook('render:html', (html, { event }) => {
    const nonce = randomBytes(16).toString('base64')
    event.context.cspNonce = nonce
    const addNonce = (chunk: string) => chunk.replace(/<script(?=[\s>])/g, `<script nonce="${nonce}"`)
    html.head = html.head.map(addNonce)
    html.bodyPrepend = html.bodyPrepend.map(addNonce)
    html.body = html.body.map(addNonce)
    html.bodyAppend = html.bodyAppend.map(addNonce)
  })
  nitroApp.hooks.hook('render:response', (response, { event }) => {
    const nonce = event.context.cspNonce as string | undefined
    if (!nonce) return
    response.headers = { ...response.headers, ...pageSecurityHeaders(nonce) }
  })
})
