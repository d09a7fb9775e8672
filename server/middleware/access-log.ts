import { log } from '../log'
import { loggedPath } from '../logged-path'

// One line per request that reaches the server's code: static files are
// served before any middleware and never get here. Logged when the response
// is done (or the client went away), with the path as its route so that no
// room id, file name or attacker-chosen text reaches the log.
export default defineEventHandler((event) => {
  const started = performance.now()
  const { res } = event.node
  res.once('close', () => {
    const path = loggedPath(event.path)
    log('http_request', `${event.method} ${path} ${res.statusCode}`, {
      method: event.method,
      path,
      status: res.statusCode,
      ms: Math.round((performance.now() - started) * 10) / 10,
      address: requestClientAddress(event),
      ...(res.writableFinished ? {} : { aborted: true }),
    })
  })
})
