package org.omserver.catalog.command;

import java.time.Instant;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The master's allow-list for free commands ({@code oms_command_allow}, V10): what {@code cmd=command} and cron
 * entries may run. Each entry: a program compared exactly with the command's first word and argument patterns
 * (see executors/native-agent's AllowList for the syntax, which both sides share).
 */
public interface CommandAllowRepository
{
    List<Entry> list();

    /** @return the new entry's id */
    int add(String program, String args, String note, String createdBy, Instant at);

    /** @return whether an entry was removed */
    boolean remove(int id);

    record Entry(int id, String program, String args, String note, String createdBy, Instant createdAt)
    {
        public Entry
        {
            requireNonNull(program, "program is null");
            requireNonNull(args, "args is null");
            requireNonNull(note, "note is null");
            requireNonNull(createdBy, "createdBy is null");
            requireNonNull(createdAt, "createdAt is null");
        }
    }
}
