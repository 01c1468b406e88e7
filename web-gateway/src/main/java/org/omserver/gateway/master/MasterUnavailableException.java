package org.omserver.gateway.master;

/**
 * The master could not be reached or did not answer in time (connection refused, reset, read timeout, or the
 * connection pool stayed exhausted). Says which address was tried, so the page can tell the admin what to check.
 */
public class MasterUnavailableException
        extends Exception
{
    private final String address;

    public MasterUnavailableException(String address, String method, Throwable cause)
    {
        super("the master at " + address + " is unreachable (" + method + ": "
                + (cause == null ? "no connection free" : cause.getMessage()) + ")", cause);
        this.address = address;
    }

    public String address()
    {
        return address;
    }
}
