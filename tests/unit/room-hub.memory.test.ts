import { MemoryRoomStore } from '../../server/rooms/memory-store'
import { describeRoomConversation } from './room-conversation.contract'
import { describeConversationTools } from './room-finding.contract'
import { describeThreads } from './room-threads.contract'
import { describeRoomCreation } from './room-create.contract'
import { describeRoomHub } from './room-hub.contract'
import { describeRoomOwnership } from './room-owner.contract'
import { describePrivateRooms } from './room-private.contract'

describeRoomHub('memory store', async () => new MemoryRoomStore())
describeRoomConversation('memory store', async () => new MemoryRoomStore())
describeConversationTools('memory store', async () => new MemoryRoomStore())
describeThreads('memory store', async () => new MemoryRoomStore())
describeRoomOwnership('memory store', async () => new MemoryRoomStore())
describePrivateRooms('memory store', async () => new MemoryRoomStore())
describeRoomCreation('memory store', async () => new MemoryRoomStore())
