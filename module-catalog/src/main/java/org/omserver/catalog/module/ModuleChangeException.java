package org.omserver.catalog.module;

import static java.util.Objects.requireNonNull;

/** A catalog change that was refused; nothing was changed. The message says what to do. */
public class ModuleChangeException
        extends Exception
{
    public enum Reason
    {
        /** No such module or version. */
        NOT_FOUND,
        /** Someone changed the module since the caller read it, or the id is taken. */
        CONFLICT,
        /** The definition or the request is invalid. */
        INVALID
    }

    private final Reason reason;

    public ModuleChangeException(Reason reason, String message)
    {
        super(message);
        this.reason = requireNonNull(reason, "reason is null");
    }

    public Reason reason()
    {
        return reason;
    }
}
