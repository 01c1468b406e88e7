package org.omserver.agent.daemon;

import org.omserver.protocol.agent.FileReadReply;

/** Where the downloads built-in reads a file of the master's store: the master's AgentIntake, with this agent's own key. */
@FunctionalInterface
interface FileSource
{
    /** Up to {@code length} bytes of {@code name} from {@code offset}, with the stored file's size and checksums. */
    FileReadReply read(String name, long offset, int length)
            throws Exception;
}
