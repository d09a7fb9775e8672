// cluster-key-slot (an ioredis dependency: the slot of a key, as Redis computes it) ships no types.
declare module 'cluster-key-slot' {
  export default function calculateSlot(key: string): number
}
