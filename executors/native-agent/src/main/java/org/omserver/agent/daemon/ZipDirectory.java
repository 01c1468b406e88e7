package org.omserver.agent.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * Reads a zip file's central directory for what {@link java.util.zip.ZipFile} does not expose: the Unix mode of
 * each entry (external attributes of entries made on Unix), which says whether an entry is a symbolic link.
 * Entry count and directory size are checked before the directory is read, so an archive announcing a million
 * entries costs nothing.
 */
final class ZipDirectory
{
    private static final int EOCD = 0x06054b50;
    private static final int ZIP64_LOCATOR = 0x07064b50;
    private static final int ZIP64_EOCD = 0x06064b50;
    private static final int CENTRAL = 0x02014b50;
    private static final long MAX_DIRECTORY_BYTES = 64L * 1024 * 1024;

    private ZipDirectory() {}

    /** @param unixMode the st_mode bits, or -1 when the entry was not made on Unix */
    record Entry(String name, int unixMode)
    {
        boolean symlink()
        {
            return unixMode >= 0 && (unixMode & 0170000) == 0120000;
        }
    }

    /** @throws IOException when the file is not a zip archive, or announces more than {@code maxEntries} entries */
    static List<Entry> read(Path file, int maxEntries)
            throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            int tail = (int) Math.min(size, 22 + 65535);
            ByteBuffer end = read(channel, size - tail, tail);
            int eocd = -1;
            for (int i = tail - 22; i >= 0; i--) {
                if (end.getInt(i) == EOCD) {
                    eocd = i;
                    break;
                }
            }
            if (eocd < 0) {
                throw new IOException("not a zip archive (no end of central directory record)");
            }
            long entries = end.getShort(eocd + 10) & 0xffff;
            long directorySize = end.getInt(eocd + 12) & 0xffffffffL;
            long directoryOffset = end.getInt(eocd + 16) & 0xffffffffL;
            long eocdPosition = size - tail + eocd;
            if ((entries == 0xffff || directorySize == 0xffffffffL || directoryOffset == 0xffffffffL) && eocdPosition >= 20) {
                ByteBuffer locator = read(channel, eocdPosition - 20, 20);
                if (locator.getInt(0) == ZIP64_LOCATOR) {
                    ByteBuffer zip64 = read(channel, locator.getLong(8), 56);
                    if (zip64.getInt(0) != ZIP64_EOCD) {
                        throw new IOException("broken zip64 end of central directory record");
                    }
                    entries = zip64.getLong(32);
                    directorySize = zip64.getLong(40);
                    directoryOffset = zip64.getLong(48);
                }
            }
            if (entries > maxEntries) {
                throw new TooManyEntries(entries);
            }
            if (directorySize > MAX_DIRECTORY_BYTES || directoryOffset < 0 || directoryOffset + directorySize > size) {
                throw new IOException("the central directory is broken or larger than " + MAX_DIRECTORY_BYTES + " bytes");
            }
            ByteBuffer directory = read(channel, directoryOffset, (int) directorySize);
            List<Entry> out = new ArrayList<>();
            int at = 0;
            while (out.size() < entries) {
                if (at + 46 > directory.limit() || directory.getInt(at) != CENTRAL) {
                    throw new IOException("broken central directory at entry " + (out.size() + 1));
                }
                int madeBy = (directory.getShort(at + 4) & 0xffff) >> 8;
                int nameLength = directory.getShort(at + 28) & 0xffff;
                int extraLength = directory.getShort(at + 30) & 0xffff;
                int commentLength = directory.getShort(at + 32) & 0xffff;
                long external = directory.getInt(at + 38) & 0xffffffffL;
                if (at + 46 + nameLength > directory.limit()) {
                    throw new IOException("broken central directory at entry " + (out.size() + 1));
                }
                byte[] name = new byte[nameLength];
                directory.get(at + 46, name);
                out.add(new Entry(new String(name, UTF_8), madeBy == 3 ? (int) (external >>> 16) : -1));
                at += 46 + nameLength + extraLength + commentLength;
            }
            return out;
        }
    }

    private static ByteBuffer read(FileChannel channel, long position, int length)
            throws IOException
    {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("the archive ends early (truncated?)");
            }
        }
        return buffer.flip();
    }

    static final class TooManyEntries
            extends IOException
    {
        final long entries;

        TooManyEntries(long entries)
        {
            super("the archive has " + entries + " entries");
            this.entries = entries;
        }
    }
}
