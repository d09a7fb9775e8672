// Wire protocol v1 of /ws: the one definition that the server, the page and
// the tests all import. docs/protocol.md describes the same frames in prose.
export * from './limits'
export * from './names'
export * from './ids'
export * from './text'
export * from './cipher'
export * from './client-frames'
export * from './server-frames'
export * from './parse-client-frame'
export * from './read-server-frame'
