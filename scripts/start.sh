#!/bin/sh
# npm start: the production server, with the soft limit on open files raised
# to the hard one where the system allows it. Every socket is a file
# descriptor, and the server caps connections below this limit
# (server/transport/connection-budget.ts); docs/deploy.md says how to raise
# the hard limit itself.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
exec node .output/server/index.mjs
