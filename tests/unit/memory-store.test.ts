import { MemoryRoomStore } from '../../server/rooms/memory-store'
import { describeRoomStore } from './room-store.contract'

describeRoomStore('MemoryRoomStore', historyLimit => new MemoryRoomStore(historyLimit))
