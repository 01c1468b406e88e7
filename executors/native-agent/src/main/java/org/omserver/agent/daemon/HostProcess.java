package org.omserver.agent.daemon;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.util.List;
import java.util.Optional;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * Runs a program for a built-in, streaming its stdout and stderr to the built-in's output as they come. An
 * interrupt (timeout, cancel) kills the whole process tree. Optional stdin text is written and closed at once
 * (how {@code chpasswd} gets its secret: never on the command line).
 */
final class HostProcess
{
    private HostProcess() {}

    static int run(List<String> argv, Optional<String> stdin, Builtin.Output output)
            throws InterruptedException
    {
        ProcessBuilder builder = new ProcessBuilder(argv);
        if (stdin.isEmpty()) {
            builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        Process process;
        try {
            process = builder.start();
        }
        catch (IOException e) {
            output.err("cannot start '" + argv.get(0) + "': " + e.getMessage() + "\n");
            return 127;
        }
        try {
            if (stdin.isPresent()) {
                try (var in = process.getOutputStream()) {
                    in.write(stdin.get().getBytes(UTF_8));
                }
                catch (IOException e) {
                    // the program exited before reading its input: its exit code and stderr say why
                }
            }
            Thread out = Thread.ofVirtual().start(() -> pump(process.getInputStream(), output, false));
            Thread err = Thread.ofVirtual().start(() -> pump(process.getErrorStream(), output, true));
            int exit = process.waitFor();
            out.join();
            err.join();
            return exit;
        }
        finally {
            if (process.isAlive()) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
    }

    private static void pump(InputStream stream, Builtin.Output output, boolean stderr)
    {
        char[] buffer = new char[8192];
        try (Reader reader = new InputStreamReader(stream, UTF_8)) {
            int read;
            while ((read = reader.read(buffer)) > 0) {
                int end = read;
                String text = new String(buffer, 0, end);
                if (Character.isHighSurrogate(buffer[end - 1])) {
                    int next = reader.read();
                    text += next < 0 ? "" : Character.toString((char) next);
                }
                if (stderr) {
                    output.err(text);
                }
                else {
                    output.out(text);
                }
            }
        }
        catch (IOException e) {
            // killed: what was read was written
        }
    }
}
