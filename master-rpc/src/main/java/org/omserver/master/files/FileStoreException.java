package org.omserver.master.files;

import static java.util.Objects.requireNonNull;

/** The file store refused a request; the message says what to fix. */
public final class FileStoreException
        extends Exception
{
    public enum Reason
    {
        INVALID_NAME,
        TOO_LARGE,
        CHECKSUM_MISMATCH,
        BAD_OFFSET,
        NOT_FOUND,
        UNKNOWN_UPLOAD,
        IO
    }

    private final Reason reason;

    public FileStoreException(Reason reason, String message)
    {
        this(reason, message, null);
    }

    public FileStoreException(Reason reason, String message, Throwable cause)
    {
        super(requireNonNull(message, "message is null"), cause);
        this.reason = requireNonNull(reason, "reason is null");
    }

    public Reason reason()
    {
        return reason;
    }
}
