package org.omserver.agent.daemon;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import org.omserver.protocol.agent.HostFacts;
import org.omserver.protocol.agent.Metrics;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * Reads the host's facts (at start) and metrics (at each heartbeat) from /proc and the JDK. CPU % is the busy
 * share of the jiffies in /proc/stat since the previous reading (since boot for the first one).
 */
final class HostProbe
{
    private final Path disk;
    private long[] previousCpu = new long[2];

    HostProbe(Path disk)
    {
        this.disk = disk;
    }

    HostFacts facts(String version, int port, String bind)
    {
        TreeSet<String> lan = new TreeSet<>();
        TreeSet<String> wan = new TreeSet<>();
        TreeSet<String> macs = new TreeSet<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp()) {
                    continue;
                }
                byte[] mac = nic.getHardwareAddress();
                if (mac != null && mac.length == 6 && !nic.isLoopback()) {
                    macs.add(HexFormat.ofDelimiter(":").formatHex(mac));
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (!(address instanceof Inet4Address) || address.isLoopbackAddress() || address.isLinkLocalAddress()) {
                        continue;
                    }
                    (address.isSiteLocalAddress() ? lan : wan).add(address.getHostAddress());
                }
            }
        }
        catch (SocketException e) {
            // facts are best effort: an agent without readable interfaces still reports what it has
        }
        if (!bind.equals("0.0.0.0") && !bind.equals("::")) {
            lan.add(bind);
        }
        return new HostFacts(hostname(), new ArrayList<>(lan), new ArrayList<>(wan), new ArrayList<>(macs), os(),
                Runtime.getRuntime().availableProcessors(), memInfo().getOrDefault("MemTotal", 0L), version, port);
    }

    synchronized Metrics metrics()
    {
        Map<String, Long> mem = memInfo();
        long total = mem.getOrDefault("MemTotal", 0L);
        long used = total - mem.getOrDefault("MemAvailable", mem.getOrDefault("MemFree", 0L));
        long diskTotal = 0;
        long diskUsed = 0;
        try {
            FileStore store = Files.getFileStore(disk);
            diskTotal = store.getTotalSpace();
            diskUsed = diskTotal - store.getUsableSpace();
        }
        catch (IOException e) {
            // reported as 0 of 0: the disk path is unreadable, the heartbeat still goes out
        }
        return new Metrics(cpuPercent(), load1(), used, total, diskUsed, diskTotal);
    }

    private double cpuPercent()
    {
        // cpu  user nice system idle iowait irq softirq steal ...
        String line = firstLine(Path.of("/proc/stat"));
        if (!line.startsWith("cpu ")) {
            return 0;
        }
        String[] fields = line.substring(4).strip().split("\\s+");
        long total = 0;
        long idle = 0;
        for (int i = 0; i < Math.min(fields.length, 8); i++) {
            long value = Long.parseLong(fields[i]);
            total += value;
            if (i == 3 || i == 4) {
                idle += value;
            }
        }
        long totalDelta = total - previousCpu[0];
        long idleDelta = idle - previousCpu[1];
        previousCpu = new long[] {total, idle};
        return totalDelta <= 0 ? 0 : Math.round(1000.0 * (totalDelta - idleDelta) / totalDelta) / 10.0;
    }

    private static double load1()
    {
        String line = firstLine(Path.of("/proc/loadavg"));
        return line.isEmpty() ? 0 : Double.parseDouble(line.split("\\s+")[0]);
    }

    /** /proc/meminfo in bytes. */
    private static Map<String, Long> memInfo()
    {
        Map<String, Long> values = new TreeMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"), UTF_8)) {
                String[] parts = line.split(":?\\s+");
                if (parts.length >= 2 && parts[1].matches("\\d{1,18}")) {
                    values.put(parts[0], Long.parseLong(parts[1]) * (parts.length > 2 && parts[2].equals("kB") ? 1024 : 1));
                }
            }
        }
        catch (IOException e) {
            // not Linux, or /proc not mounted: memory is reported as 0
        }
        return values;
    }

    private static String hostname()
    {
        String name = firstLine(Path.of("/proc/sys/kernel/hostname")).strip();
        if (!name.isEmpty()) {
            return name;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        }
        catch (IOException e) {
            return "unknown";
        }
    }

    private static String os()
    {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/os-release"), UTF_8)) {
                if (line.startsWith("PRETTY_NAME=")) {
                    return line.substring("PRETTY_NAME=".length()).replace("\"", "").strip();
                }
            }
        }
        catch (IOException e) {
            // fall back to what the JDK knows
        }
        return System.getProperty("os.name") + " " + System.getProperty("os.version");
    }

    private static String firstLine(Path file)
    {
        try {
            List<String> lines = Files.readAllLines(file, UTF_8);
            return lines.isEmpty() ? "" : lines.get(0);
        }
        catch (IOException e) {
            return "";
        }
    }
}
