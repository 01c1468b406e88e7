package org.omserver.gateway.session;

import org.omserver.protocol.thrift.Role;

import static java.util.Objects.requireNonNull;

/**
 * Who is logged in on this HTTP session: the master's opaque session token (never sent to the browser),
 * the user name and the role the master reported.
 */
public record UserSession(String masterToken, String username, Role role)
        implements java.io.Serializable
{
    public UserSession
    {
        requireNonNull(masterToken, "masterToken is null");
        requireNonNull(username, "username is null");
        requireNonNull(role, "role is null");
    }

    @Override
    public String toString()
    {
        return "UserSession{username=" + username + ", role=" + role + ", masterToken=***}";
    }
}
