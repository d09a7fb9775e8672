import { serveFile } from '../../files/serve-file'

// Files by their unguessable URL (docs/security.md, "Files"): no token, so
// that <img> and <audio> load them; the 128 random bits are the key.
// GET and HEAD only, both with the file headers.
export default defineEventHandler(async (event) => {
  if (event.method !== 'GET' && event.method !== 'HEAD') {
    setResponseHeader(event, 'allow', 'GET, HEAD')
    throw createError({ statusCode: 405, statusMessage: 'Method Not Allowed', data: { code: 'METHOD_NOT_ALLOWED', message: 'files are read with GET' } })
  }
  await serveFile(useFileService().blobs, getRouterParam(event, 'path') ?? '', getRequestHeader(event, 'range'), event.node.res, event.method === 'HEAD')
})
