package org.omserver.launcher;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.omserver.gateway.GatewayServer;
import org.omserver.gateway.config.GatewayConfig;
import org.omserver.protocol.envelope.SharedSecret;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = "Run the web gateway: the pages admins use; it talks only to the master.")
final class GatewayCommand
        implements Callable<Integer>
{
    @Option(names = {"-c", "--config"}, defaultValue = "conf/gateway.properties",
            description = "Gateway configuration file (default: ${DEFAULT-VALUE}).")
    Path config;

    @Override
    public Integer call()
            throws Exception
    {
        Map<String, String> values = ConfigFiles.load(config);
        SharedSecret secret = ConfigFiles.secret(values, config);
        GatewayServer gateway = GatewayServer.start(GatewayConfig.fromProperties(values), secret);
        System.out.println("Gateway listening on " + gateway.uri());
        return Running.untilStopped(List.of(gateway));
    }
}
