/**
 * A request's path as the access log writes it: the route it matched, with
 * its ids left out (an unlisted room's id is its only key, a file's path
 * names the room), and anything the app does not serve as `/:unknown`, so
 * that attacker-chosen text never reaches the log. The query is never kept.
 */
const ROUTES: ReadonlyArray<[RegExp, string]> = [
  [/^\/$/, '/'],
  [/^\/room\/[^/]+\/?$/, '/room/:id'],
  [/^\/api\/rooms\/?$/, '/api/rooms'],
  [/^\/api\/rooms\/[^/]+\/?$/, '/api/rooms/:id'],
  [/^\/api\/rooms\/[^/]+\/(leave|away|files|export)\/?$/, '/api/rooms/:id/$1'],
  [/^\/api\/health\/?$/, '/api/health'],
  [/^\/api\/admin\/[a-z-]+$/, '$&'],
  [/^\/files\/.*$/, '/files/:path'],
  [/^\/(ws|metrics|admin)\/?$/, '/$1'],
]

export function loggedPath(path: string): string {
  const pathname = path.split('?', 1)[0]!
  for (const [pattern, route] of ROUTES) {
    if (pattern.test(pathname)) return pathname.replace(pattern, route)
  }
  return '/:unknown'
}
