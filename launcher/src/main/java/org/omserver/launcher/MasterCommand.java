package org.omserver.launcher;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.omserver.master.rpc.MasterServer;
import org.omserver.master.config.MasterConfig;
import org.omserver.protocol.envelope.SharedSecret;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "master", mixinStandardHelpOptions = true,
        description = "Run the master: the Thrift server that checks every request and runs modules on hosts.")
final class MasterCommand
        implements Callable<Integer>
{
    @Option(names = {"-c", "--config"}, defaultValue = "conf/master.properties",
            description = "Master configuration file (default: ${DEFAULT-VALUE}).")
    Path config;

    @Override
    public Integer call()
            throws Exception
    {
        Map<String, String> values = ConfigFiles.load(config);
        SharedSecret secret = ConfigFiles.secret(values, config);
        MasterServer master = MasterServer.start(MasterConfig.fromProperties(values), secret, Clock.systemUTC());
        return Running.untilStopped(List.of(master));
    }
}
