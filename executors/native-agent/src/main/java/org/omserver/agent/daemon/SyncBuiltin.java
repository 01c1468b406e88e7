package org.omserver.agent.daemon;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Module 1005, "sync application file": {@code omserver:sync APP} downloads APP's file from the master's store into
 * its fixed directory ({@link SyncApps}; the same checksum-verified, atomic transfer and download roots as
 * {@code downloads}), then runs APP's follow-up argument vector without a shell, when this agent's allow-list holds
 * it. The master names only the application; where the file goes and what runs after is this agent's configuration.
 */
final class SyncBuiltin
        implements Builtin
{
    private final SyncApps apps;
    private final DownloadsBuiltin downloads;
    private final AllowList allowList;

    SyncBuiltin(SyncApps apps, DownloadsBuiltin downloads, AllowList allowList)
    {
        this.apps = requireNonNull(apps, "apps is null");
        this.downloads = requireNonNull(downloads, "downloads is null");
        this.allowList = requireNonNull(allowList, "allowList is null");
    }

    @Override
    public String name()
    {
        return "sync";
    }

    @Override
    public String usage()
    {
        return "APP: copies APP's file from the master's file store to its fixed place (sync.APP.*), then runs its follow-up command";
    }

    @Override
    public Optional<String> refusal(List<String> args)
    {
        if (args.size() != 1) {
            return Optional.of("sync takes one argument, the application; got " + args.size());
        }
        SyncApps.App app = apps.apps().get(args.getFirst());
        if (app == null) {
            return Optional.of("'" + args.getFirst().replaceAll("\\p{Cntrl}", "?") + "' is not in this agent's sync map; it knows " + apps.apps().keySet());
        }
        Optional<String> download = downloads.refusal(List.of(app.file(), app.dir().toString()));
        if (download.isPresent() || app.then().isEmpty()) {
            return download;
        }
        return allowList.refusal(app.then()).map(reason -> "the follow-up of " + app.name() + " is not allowed: " + reason);
    }

    @Override
    public int run(List<String> args, Output output)
            throws InterruptedException
    {
        SyncApps.App app = apps.apps().get(args.getFirst());
        int copied = downloads.run(List.of(app.file(), app.dir().toString()), output);
        if (copied != 0 || app.then().isEmpty()) {
            return copied;
        }
        output.out("then: " + String.join(" ", app.then()) + "\n");
        return HostProcess.run(app.then(), Optional.empty(), output);
    }
}
