import { MemoryRoomStore } from '../../server/rooms/memory-store'
import { describeRoomHub } from './room-hub.contract'

describeRoomHub('memory store', async () => new MemoryRoomStore())
