import type { H3Event } from 'h3'
import { requestClientAddress } from '../../utils/client-address'
import { admitPost, POST_MAX_BYTES, queryOf, takeFrames } from '../../transport/stream-post'
import type { StreamRefusal } from '../../transport/stream-gate'

// The fallback's upstream (docs/protocol.md, "Fallback transport"), as
// `nuxt dev` serves it; the production server answers it before Nitro's app
// (server/transport/fallback-direct.ts). Both do what stream-post.ts says.
export default defineEventHandler(async (event) => {
  const transport = useStreamTransport()
  const query = queryOf(event.node.req.url)
  const session = admitPost(event.node.req, requestClientAddress(event), query, transport)
  if ('status' in session) return refuse(event, session)
  const raw = await readBoundedBody(event, POST_MAX_BYTES)
  const refused = takeFrames(transport, session, query, raw)
  if (refused) return refuse(event, refused)
  setResponseStatus(event, 204)
  return null
})

function refuse(event: H3Event, refusal: StreamRefusal) {
  setResponseStatus(event, refusal.status)
  return { code: refusal.code, message: refusal.message }
}
