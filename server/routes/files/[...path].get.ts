import { serveFile } from '../../files/serve-file'

// Files by their unguessable URL (docs/security.md, "Files"): no token, so
// that <img> and <audio> load them; the 128 random bits are the key.
export default defineEventHandler(async (event) => {
  await serveFile(useFileService().blobs, getRouterParam(event, 'path') ?? '', getRequestHeader(event, 'range'), event.node.res)
})
