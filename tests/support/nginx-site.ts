// deploy/nginx.conf as the tests and the benchmark run it: the documented
// site made local (a plain-http listen, their own instances) inside a main
// config that keeps everything in one temp folder. Node's builtins only, so
// that the benchmark, compiled apart from the tests, runs it too.
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The nginx configuration that docs/deploy.md quotes and tells people to use. */
export const NGINX_SITE_CONFIG = fileURLToPath(new URL('../../deploy/nginx.conf', import.meta.url))

/**
 * deploy/nginx.conf as the tests run it: the lines marked `# TLS` become a
 * plain-http `listen`, and the upstream's servers become the given ones.
 * Everything else is the documented text, unchanged.
 */
export function siteConfigForTest(site: string, listen: string, upstreams: readonly string[]): string {
  const lines: string[] = []
  let inUpstream = false
  let listened = false
  let listed = false
  for (const line of site.split('\n')) {
    if (/^\s*upstream\s+\S+\s*\{/.test(line)) inUpstream = true
    else if (inUpstream && /^\s*\}/.test(line)) inUpstream = false
    if (/#\s*TLS\s*$/.test(line)) {
      if (!listened) lines.push(`    listen ${listen};`)
      listened = true
      continue
    }
    const server = inUpstream ? /^(\s*)server\s+[^\s;]+([^;]*);/.exec(line) : null
    if (server) {
      if (!listed) lines.push(...upstreams.map(upstream => `${server[1]}server ${upstream}${server[2]};`))
      listed = true
      continue
    }
    lines.push(line)
  }
  if (!listened || !listed) throw new Error(`${NGINX_SITE_CONFIG} no longer has the lines marked "# TLS" or the upstream servers that the tests replace`)
  return lines.join('\n')
}

/** What a packaged nginx.conf would add around the site: here all in one temp folder, nothing root-only. */
export function mainConfig(folder: string): string {
  return [
    'daemon off;',
    'worker_processes 1;',
    `pid ${folder}/nginx.pid;`,
    'error_log stderr warn;',
    // The fallback bench's 1,000 pages hold three connections each through nginx (stream in and out, POSTs).
    'events { worker_connections 8192; }',
    'http {',
    '    access_log off;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(kind => `    ${kind}_temp_path ${folder}/${kind}_temp;`),
    // For the tests only: which instance answered, so a test can put two clients on one instance.
    '    add_header X-Upstream-Addr $upstream_addr always;',
    `    include ${folder}/heartbeat.conf;`,
    '}',
    '',
  ].join('\n')
}

/** Debian installs nginx in /usr/sbin, which is not on every user's PATH. */
export function findNginx(): string | undefined {
  const folders = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin'].filter(Boolean)
  return folders.map(folder => join(folder, 'nginx')).find((path) => {
    try {
      accessSync(path, constants.X_OK)
      return true
    }
    catch {
      return false
    }
  })
}
