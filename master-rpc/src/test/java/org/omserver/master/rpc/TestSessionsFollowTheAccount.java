package org.omserver.master.rpc;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.omserver.protocol.thrift.CatalogReply;
import org.omserver.protocol.thrift.CatalogRequest;
import org.omserver.protocol.thrift.ErrorCode;
import org.omserver.protocol.thrift.OmsError;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A session is only as good as its account: the master checks the account on every call, not only at login. */
class TestSessionsFollowTheAccount
{
    @Test
    void disablingAUserEndsTheirLiveSessions()
            throws Exception
    {
        try (TestingMaster master = new TestingMaster(Map.of());
                TestingMasterClient client = master.client()) {
            String session = client.login("viewer", "pw-viewer").getSession();
            assertThat(catalog(client, session).getModules()).isNotEmpty();

            master.execute("UPDATE oms_user SET enabled = 0 WHERE username = 'viewer'");
            assertThatThrownBy(() -> catalog(client, session))
                    .isInstanceOfSatisfying(OmsError.class, error -> assertThat(error.getCode()).isEqualTo(ErrorCode.UNAUTHENTICATED))
                    .hasMessageContaining("the account viewer was disabled or removed; ask an admin");

            // enabling the account again does not bring the ended session back
            master.execute("UPDATE oms_user SET enabled = 1 WHERE username = 'viewer'");
            assertThatThrownBy(() -> catalog(client, session))
                    .isInstanceOfSatisfying(OmsError.class, error -> assertThat(error.getCode()).isEqualTo(ErrorCode.UNAUTHENTICATED))
                    .hasMessageContaining("no such session, or it expired; log in again");
        }
    }

    @Test
    void aChangedRoleAppliesToSessionsAlreadyOpen()
            throws Exception
    {
        try (TestingMaster master = new TestingMaster(Map.of());
                TestingMasterClient client = master.client()) {
            String session = client.login("author", "pw-author").getSession();
            assertThatThrownBy(() -> client.submit(session, 1003, List.of("127.0.0.2"), Map.of()))
                    .isInstanceOfSatisfying(OmsError.class, error -> assertThat(error.getCode()).isEqualTo(ErrorCode.FORBIDDEN));

            master.execute("UPDATE oms_user SET role = 'operator' WHERE username = 'author'");
            // an operator runs only on the function categories granted to it (issue 4): grant the one of 127.0.0.2
            master.execute("INSERT INTO oms_user_grant (user_id, function_category_id, granted_at, granted_by) "
                    + "SELECT u.id, f.id, CURRENT_TIMESTAMP, 'test' FROM oms_user u, server_fun_categ f "
                    + "WHERE u.username = 'author' AND f.server_categ_name = 'Linux.Web'");
            assertThat(client.submit(session, 1003, List.of("127.0.0.2"), Map.of()).getJobId()).isPositive();
        }
    }

    private static CatalogReply catalog(TestingMasterClient client, String session)
            throws Exception
    {
        return client.call("catalog", new CatalogRequest(session), new CatalogReply());
    }
}
