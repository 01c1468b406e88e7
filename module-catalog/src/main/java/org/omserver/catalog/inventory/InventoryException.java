package org.omserver.catalog.inventory;

import static java.util.Objects.requireNonNull;

/** A change of the inventory that was refused; the message says what to do. Nothing was changed. */
public final class InventoryException
        extends RuntimeException
{
    public enum Reason
    {
        NOT_FOUND, CONFLICT, INVALID
    }

    private final Reason reason;

    public InventoryException(Reason reason, String message)
    {
        super(message);
        this.reason = requireNonNull(reason, "reason is null");
    }

    public Reason reason()
    {
        return reason;
    }
}
