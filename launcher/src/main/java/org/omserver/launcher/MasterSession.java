package org.omserver.launcher;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.omserver.gateway.config.GatewayConfig;
import org.omserver.gateway.master.MasterClient;
import org.omserver.gateway.master.MasterException;
import org.omserver.gateway.master.MasterUnavailableException;
import org.omserver.protocol.envelope.SharedSecret;

/**
 * How the admin commands ({@code omserver module|users|inventory}) talk to the master: the {@code master.*} keys and
 * the shared secret from the configuration, a login as the given user, the work, a logout. The master's refusals
 * become one line on stderr ("omserver NAME: …") and exit code 1.
 */
final class MasterSession
{
    @FunctionalInterface
    interface Work
    {
        int run(MasterClient master, String session)
                throws Exception;
    }

    private MasterSession() {}

    static int run(String command, Path config, String user, Supplier<String> password, PrintWriter err, Work work)
            throws Exception
    {
        Map<String, String> values = new HashMap<>(ConfigFiles.load(config));
        SharedSecret secret = ConfigFiles.secret(values, config);
        Map<String, String> clientKeys = new HashMap<>();
        values.forEach((key, value) -> {
            if (key.startsWith("master.")) {
                clientKeys.put(key, value);
            }
        });
        try (MasterClient master = new MasterClient(GatewayConfig.fromProperties(clientKeys), secret)) {
            String session;
            try {
                session = master.login(user, password.get(), null).getSession();
            }
            catch (MasterException e) {
                err.println("omserver " + command + ": login as " + user + " refused: " + e.getMessage());
                return 1;
            }
            try {
                return work.run(master, session);
            }
            catch (MasterException e) {
                err.println("omserver " + command + ": " + e.getMessage() + " (" + e.code() + ")");
                return 1;
            }
            finally {
                try {
                    master.logout(session, null);
                }
                catch (MasterException | MasterUnavailableException e) {
                    // the session expires on its own, or the work ended it (logout everywhere, password change)
                }
            }
        }
        catch (MasterUnavailableException e) {
            err.println("omserver " + command + ": " + e.getMessage());
            return 1;
        }
    }
}
