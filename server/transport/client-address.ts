import { BlockList, isIP } from 'node:net'
import type { IncomingHttpHeaders } from 'node:http'

/**
 * The proxies whose forwarding headers we believe (`NUXT_TRUSTED_PROXIES`:
 * addresses or CIDRs, comma-separated). Empty trusts nobody, so a client
 * cannot dodge a per-address limit by sending `X-Forwarded-For` itself.
 */
export class TrustedProxies {
  private readonly list = new BlockList()
  readonly size: number

  constructor(spec: string) {
    const entries = spec.split(',').map(entry => entry.trim()).filter(Boolean)
    for (const entry of entries) {
      const [address, prefix] = entry.split('/') as [string, string | undefined]
      const family = isIP(address)
      if (family === 0) throw new Error(`NUXT_TRUSTED_PROXIES: "${entry}" is not an address or CIDR`)
      const type = family === 6 ? 'ipv6' : 'ipv4'
      if (prefix === undefined) this.list.addAddress(address, type)
      else this.list.addSubnet(address, Number(prefix), type)
    }
    this.size = entries.length
  }

  has(address: string): boolean {
    if (this.size === 0) return false
    const plain = unmapIpv4(address)
    const family = isIP(plain)
    return family !== 0 && this.list.check(plain, family === 6 ? 'ipv6' : 'ipv4')
  }
}

/**
 * The address that per-address limits count: the peer, or behind trusted
 * proxies the right-most forwarded address that is not itself a trusted
 * proxy (every proxy appends the peer it saw, so entries left of that one
 * could have been written by the client). IPv6 clients are grouped by /64,
 * since one subscriber typically holds a whole /64.
 */
export function clientAddress(peer: string | undefined, headers: IncomingHttpHeaders, trusted: TrustedProxies): string {
  let address = unmapIpv4(peer ?? 'unknown')
  if (trusted.has(address)) {
    const chain = forwardedChain(headers)
    for (let i = chain.length - 1; i >= 0; i--) {
      address = chain[i]!
      if (!trusted.has(address)) break
    }
  }
  return addressGroup(address)
}

/** The group a peer address counts in, forwarding headers aside. */
export function peerGroup(peer: string): string {
  return addressGroup(unmapIpv4(peer))
}

/** `::ffff:1.2.3.4` is the IPv4 client 1.2.3.4 on a dual-stack socket. */
function unmapIpv4(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address
}

/** X-Forwarded-For, or RFC 7239 `Forwarded: for=`, as a list of plain addresses, left to right. */
function forwardedChain(headers: IncomingHttpHeaders): string[] {
  const xff = headers['x-forwarded-for']
  if (xff) return (Array.isArray(xff) ? xff.join(',') : xff).split(',').map(part => unmapIpv4(part.trim())).filter(part => isIP(part) !== 0)
  const forwarded = headers.forwarded
  if (!forwarded) return []
  const chain: string[] = []
  for (const element of forwarded.split(',')) {
    const match = /(?:^|;)\s*for="?\[?([^\]";]+)\]?(?::\d+)?"?/i.exec(element)
    const address = match ? unmapIpv4(match[1]!.trim()) : ''
    if (isIP(address) !== 0) chain.push(address)
  }
  return chain
}

/** An IPv6 address stands for its /64 network; anything else for itself. */
export function addressGroup(address: string): string {
  if (isIP(address) !== 6) return address
  const [head = '', tail = ''] = address.toLowerCase().split('::')
  const left = head ? head.split(':') : []
  const right = tail ? tail.split(':') : []
  // A trailing dotted quad (64:ff9b::1.2.3.4) takes the room of two groups.
  const width = (parts: string[]) => parts.length + (parts.at(-1)?.includes('.') ? 1 : 0)
  const groups = address.includes('::') ? [...left, ...Array(8 - width(left) - width(right)).fill('0'), ...right] : left
  return `${groups.slice(0, 4).map(group => Number.parseInt(group || '0', 16).toString(16)).join(':')}::/64`
}
